"""A simulated 120-day timeline against a real local SMTP server yields exactly the expected mail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from followup_helpers import notify, read_mail, summary_line
from followup_portfolio import START, events, seed, write_config

from coisync.sandbox.smtp import SmtpSink

# Written by hand from the documented cadences (docs/followup.md), not produced by the code:
# vendors deficiency +0/+2/+5/+8 (last copies the manager), renewal 60/30/14/0 days before,
# escalation +0 (party), +3 (manager, party copied), +10 (owner, manager and party copied);
# tenants deficiency +0/+7/+14/+21.
EXPECTED = [
    # V1: GL expires 2027-02-15. The 60-day reminder (due 2026-12-17) is the latest due on day 1.
    ("2027-01-01", "V1", "renewal 1", "v1@example.com", ""),
    ("2027-01-16", "V1", "renewal 2", "v1@example.com", ""),
    ("2027-02-01", "V1", "renewal 3", "v1@example.com", ""),
    # The expiration day is already expired for the engine: escalation replaces the 0-day reminder.
    ("2027-02-15", "V1", "escalation 1", "v1@example.com", ""),
    ("2027-02-18", "V1", "escalation 2", "pm@example.com", "v1@example.com"),
    ("2027-02-25", "V1", "escalation 3", "owner@example.com", "pm@example.com, v1@example.com"),
    # V2: $500k against $1M; every step is due before its good certificate arrives on 2027-01-20.
    ("2027-01-01", "V2", "deficiency 1", "v2@example.com", ""),
    ("2027-01-03", "V2", "deficiency 2", "v2@example.com", ""),
    ("2027-01-06", "V2", "deficiency 3", "v2@example.com", ""),
    ("2027-01-09", "V2", "deficiency 4", "v2@example.com", "pm@example.com"),
    # V3: no certificate; a waiver on 2027-01-04 cancels the reminders of 01-06 and 01-09.
    ("2027-01-01", "V3", "deficiency 1", "v3@example.com", ""),
    ("2027-01-03", "V3", "deficiency 2", "v3@example.com", ""),
    # T1 (tenant): the lease ends 2027-01-10, cancelling the reminders of 01-15 and 01-22.
    ("2027-01-01", "T1", "deficiency 1", "t1@example.com", ""),
    ("2027-01-08", "T1", "deficiency 2", "t1@example.com", ""),
]
EXPECTED_CANCELLED = {"2027-01-04": 2, "2027-01-11": 2}


def test_120_days_send_exactly_the_expected_messages(tmp_path: Path) -> None:
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        store = seed(f"sqlite:///{tmp_path / 'coisync.db'}")
        received: list[tuple[str, str, str, str, str]] = []
        cancelled: dict[str, int] = {}
        seen = 0
        for offset in range(120):
            day = START + timedelta(days=offset)
            events(store, day)
            code, summary = notify(config, day)
            assert code == 0, summary
            if summary["cancelled"]:
                cancelled[day.isoformat()] = sum(summary["cancelled"].values())
            new = sink.messages()[seen:]
            seen += len(new)
            assert sum(summary["sent"].values()) == len(new)
            received += [summary_line(day, read_mail(path)) for path in new]
        store.close()
    assert sorted(received) == sorted(EXPECTED)
    assert cancelled == EXPECTED_CANCELLED


def test_running_the_same_day_twice_sends_nothing_more(tmp_path: Path) -> None:
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
        first_code, first = notify(config, START)
        second_code, second = notify(config, START)
        assert (first_code, second_code) == (0, 0)
        assert first["sent"] == {"email": 4}
        assert second["planned"] == {} and second["sent"] == {}
        assert len(sink.messages()) == 4


def test_dry_run_plans_without_sending_or_recording(tmp_path: Path) -> None:
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
        code, planned = notify(config, START, "--dry-run")
        assert code == 0
        assert planned["planned"] == {"email": 4} and planned["sent"] == {}
        assert sink.messages() == []
        code, real = notify(config, START)
        assert real["sent"] == {"email": 4}
