"""The crash rule: killed after the SMTP server accepted a message but before it was recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from followup_helpers import cli, notify, read_mail
from followup_portfolio import START, seed, write_config

from coisync.sandbox.smtp import SmtpSink
from coisync.store import open_store


def _run_killed(config: Path, point: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COISYNC_CRASH_AT": point}
    command = [
        sys.executable,
        "-m",
        "coisync",
        "--config",
        str(config),
        "notify",
        "--as-of",
        START.isoformat(),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def _parties(sink: SmtpSink) -> list[str]:
    return sorted(str(read_mail(path)["X-Coisync-Party"]) for path in sink.messages())


def test_kill_after_send_leaves_uncertain_and_never_resends(tmp_path: Path) -> None:
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()

        killed = _run_killed(config, "notify.after_send:1")
        assert killed.returncode == -signal.SIGKILL
        assert len(sink.messages()) == 1  # the server accepted it; nothing recorded it as sent
        victim = _parties(sink)[0]

        code, summary = notify(config, START)
        assert code == 1  # uncertain attempts make the run partial
        assert [u["party_id"] for u in summary["uncertain_attempts"]] == [victim]
        assert summary["uncertain"] == {"email": 1}
        assert _parties(sink).count(victim) == 1  # not sent a second time
        assert len(sink.messages()) == 4  # the other three parties were sent once each

        code, again = notify(config, START)
        assert code == 1 and again["sent"] == {} and len(sink.messages()) == 4

        attempt = summary["uncertain_attempts"][0]["attempt_id"]
        code, out = cli(config, "notify", "--resolve-uncertain", attempt, "--sent", "--json")
        assert code == 0 and json.loads(out)["state"] == "resolved_sent"
        code, settled = notify(config, START)
        assert code == 0 and settled["uncertain_attempts"] == [] and len(sink.messages()) == 4

    store = open_store(f"sqlite:///{tmp_path / 'coisync.db'}")
    actions = [e.action for e in store.audit.entries() if e.subject == f"party:{victim}"]
    store.close()
    assert actions == [
        "followup.case.opened",
        "followup.attempt.uncertain",
        "followup.attempt.resolved",
    ]


def test_resolved_not_sent_is_sent_on_the_next_run(tmp_path: Path) -> None:
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
        assert _run_killed(config, "notify.before_send:1").returncode == -signal.SIGKILL
        assert sink.messages() == []  # killed before the SMTP conversation

        code, summary = notify(config, START)
        assert code == 1 and len(summary["uncertain_attempts"]) == 1
        victim = summary["uncertain_attempts"][0]
        code, _ = cli(config, "notify", "--resolve-uncertain", victim["attempt_id"], "--not-sent")
        assert code == 0
        code, resent = notify(config, START)
        assert code == 0 and resent["sent"] == {"email": 1}
        assert _parties(sink).count(victim["party_id"]) == 1


def test_resolving_an_unknown_attempt_is_a_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, 2525)
    seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
    code, _ = cli(config, "notify", "--resolve-uncertain", "nope", "--sent")
    assert code == 2
