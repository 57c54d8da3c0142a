"""Proof of attempts: the audit chain detects tampering with notify rows; exports are inert."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest
from followup_helpers import cli, notify, read_mail
from followup_portfolio import HOSTILE_NAME, START, seed, write_config

from coisync.sandbox.smtp import SmtpSink


@pytest.fixture
def notified(tmp_path: Path) -> tuple[Path, Path]:
    """A store after day one's notify run (four messages sent), and its config."""
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        seed(f"sqlite:///{tmp_path / 'coisync.db'}").close()
        code, summary = notify(config, START)
        assert code == 0 and summary["sent"] == {"email": 4}
        (tmp_path / "t1.eml").write_bytes(
            next(p for p in sink.messages() if "t1@example.com" in p.name).read_bytes()
        )
    return config, tmp_path / "coisync.db"


def _sent_rows(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return list(
            conn.execute(
                "SELECT seq, payload FROM audit_log WHERE action = 'followup.attempt.sent' ORDER BY seq"
            )
        )


def test_every_attempt_is_in_the_chain_with_its_proof(notified: tuple[Path, Path]) -> None:
    config, db = notified
    rows = _sent_rows(db)
    assert len(rows) == 4
    proof = json.loads(rows[0][1])
    assert proof["channel"] == "email" and proof["outcome"] == "sent"
    assert proof["message_id"].endswith("@coisync.followup>") and len(proof["content_hash"]) == 64
    assert proof["recipients"] and proof["as_of"] == START.isoformat()
    code, out = cli(config, "audit", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_altering_a_notify_row_is_detected_and_named(notified: tuple[Path, Path]) -> None:
    config, db = notified
    seq, payload = _sent_rows(db)[1]
    forged = json.loads(payload) | {"recipients": ["someone-else@example.com"]}
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET payload = ? WHERE seq = ?", (json.dumps(forged), seq))
    code, out = cli(config, "audit", "verify")
    assert code == 3
    assert f"seq {seq}: row was altered" in out


def test_deleting_a_notify_row_is_detected_and_named(notified: tuple[Path, Path]) -> None:
    config, db = notified
    seq, _ = _sent_rows(db)[0]
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
    code, out = cli(config, "audit", "verify")
    assert code == 3
    assert f"rows {seq}..{seq} are missing" in out


def test_truncating_the_log_after_notify_is_detected(notified: tuple[Path, Path]) -> None:
    config, db = notified
    last = _sent_rows(db)[-1][0]
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq >= ?", (last - 1,))
    code, out = cli(config, "audit", "verify")
    assert code == 3
    assert f"seq {last - 1}: rows {last - 1}..{last} are missing (log truncated)" in out


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return str(plain.get_content()), str(html.get_content())


def test_hostile_party_name_is_inert_in_email_html_and_csv(
    notified: tuple[Path, Path], tmp_path: Path
) -> None:
    config, _ = notified
    message = read_mail(tmp_path / "t1.eml")
    assert message.get_content_type() == "multipart/alternative"
    text, html = _parts(message)
    assert HOSTILE_NAME in text  # plain text is never interpreted
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "limit_insufficient" not in text and "Master Services Agreement § 9.1" in text  # clause cited

    out_dir = tmp_path / "bundle"
    code, out = cli(config, "audit", "export", "--party", "T1", "--output", str(out_dir))
    assert code == 0, out
    timeline = (out_dir / "followup-proof-T1.html").read_text(encoding="utf-8")
    assert "<script" not in timeline and "&lt;script&gt;" in timeline
    assert "http://" not in timeline.replace("&#34;http://x&#34;", "")  # only as escaped text
    rows = list(csv.DictReader(io.StringIO((out_dir / "followup-proof-T1.csv").read_text(encoding="utf-8"))))
    assert rows and all(row["party_name"].startswith("'=HYPERLINK") for row in rows)
    assert {row["action"] for row in rows} >= {"followup.attempt.uncertain", "followup.attempt.sent"}
    bundle = json.loads((out_dir / "followup-proof-T1.json").read_text(encoding="utf-8"))
    assert bundle["party"]["legal_name"] == HOSTILE_NAME and bundle["chain"]["ok"] is True
    assert [e["seq"] for e in bundle["entries"]] == [int(row["seq"]) for row in rows]


def test_export_of_a_tampered_log_says_so(notified: tuple[Path, Path], tmp_path: Path) -> None:
    config, db = notified
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    code, out = cli(config, "audit", "export", "--party", "T1", "--format", "json")
    assert code == 3
    assert json.loads(out)["chain"]["ok"] is False
