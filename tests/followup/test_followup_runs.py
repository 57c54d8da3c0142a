"""Notify runs: failures and retries, the lock, the runs table, user templates, cancellation."""

from __future__ import annotations

import socket
from pathlib import Path

from followup_helpers import cli, notify, read_mail
from followup_portfolio import START, seed, write_config

from coisync.sandbox.smtp import SmtpSink
from coisync.store import open_store
from coisync.sync import runs


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_refused_smtp_fails_the_run_and_a_later_run_retries(tmp_path: Path) -> None:
    port = _closed_port()
    config = write_config(tmp_path, port)
    seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
    code, summary = notify(config, START)
    assert code == 1
    assert summary["failed"] == {"email": 4} and summary["sent"] == {}
    assert all("SMTP 127.0.0.1" in f["error"] for f in summary["failures"])
    with SmtpSink(tmp_path / "sink", port=port) as sink:
        code, retried = notify(config, START)
        assert code == 0 and retried["sent"] == {"email": 4}
        assert len(sink.messages()) == 4
    store = open_store(f"sqlite:///{tmp_path / 'coisync.db'}")
    with store.engine.connect() as conn:
        recorded = runs.list_runs(conn, kind="notify")
    store.close()
    assert [(r.status, r.exit_code) for r in recorded] == [("ok", 0), ("partial", 1)]
    assert recorded[0].summary["sent"] == {"email": 4}


def test_a_held_lock_exits_4(tmp_path: Path) -> None:
    config = write_config(tmp_path, _closed_port())
    store = seed(f"sqlite:///{tmp_path / 'coisync.db'}")
    with store.lock("notify"):
        code, _ = cli(config, "notify", "--as-of", START.isoformat())
    store.close()
    assert code == 4


def test_user_templates_override_the_shipped_ones_by_name(tmp_path: Path) -> None:
    templates = tmp_path / "mytemplates"
    templates.mkdir()
    (templates / "deficiency.subject.j2").write_text("Action required for {{ party_name }}", encoding="utf-8")
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        text = config.read_text(encoding="utf-8").replace(
            'channels = ["email"]', 'channels = ["email"]\ntemplate_dir = "mytemplates"'
        )
        config.write_text(text, encoding="utf-8")
        seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
        assert notify(config, START)[0] == 0
        subjects = {
            str(read_mail(p)["X-Coisync-Party"]): str(read_mail(p)["Subject"]) for p in sink.messages()
        }
    assert subjects["V2"] == "Action required for Bolt Electric"
    assert subjects["V1"].startswith("Insurance renewal due 2027-02-15")  # not overridden


def test_broken_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = write_config(tmp_path, 2525, "\n[followup.cadence.vendor]\nrenewal = [0, 30]\n")
    seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
    code, _ = cli(config, "notify", "--as-of", START.isoformat())
    assert code == 2
