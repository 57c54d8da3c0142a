"""The local SMTP sink saves what smtplib sends as .eml files."""

from __future__ import annotations

import email
import smtplib
from email.message import EmailMessage
from pathlib import Path

from coisync.sandbox.smtp import SmtpSink


def _message(to: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "coi@landlord.example"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Your certificate of insurance expires in 30 days.")
    return message


def test_sink_saves_each_message_as_eml(tmp_path: Path) -> None:
    with SmtpSink(tmp_path) as sink:
        assert sink.running
        assert sink.port > 0
        with smtplib.SMTP(sink.host, sink.port, timeout=5) as smtp:
            smtp.send_message(_message("tenant@acme.example", "COI expiring"))
            smtp.send_message(_message("vendor@hvac.example", "COI missing"))
        saved = sink.messages()
    assert not sink.running
    assert [p.parent for p in saved] == [tmp_path / "mail"] * 2
    parsed = [email.message_from_bytes(p.read_bytes()) for p in saved]
    assert [m["Subject"] for m in parsed] == ["COI expiring", "COI missing"]
    assert parsed[0]["X-Sandbox-Rcpt-To"] == "tenant@acme.example"
    assert parsed[0]["X-Sandbox-Mail-From"] == "coi@landlord.example"
    assert "expires in 30 days" in parsed[0].get_payload()


def test_sink_keeps_numbering_across_restarts(tmp_path: Path) -> None:
    for subject in ("first", "second"):
        with SmtpSink(tmp_path) as sink, smtplib.SMTP(sink.host, sink.port, timeout=5) as smtp:
            smtp.send_message(_message("t@x.example", subject))
    names = [p.name for p in SmtpSink(tmp_path).messages()]
    assert names == ["000001-t@x.example.eml", "000002-t@x.example.eml"]
