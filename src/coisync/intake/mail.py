"""Certificate e-mails (``.eml``): the PDF attachments are read, the sender kept as provenance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from coisync.intake.errors import IntakeError
from coisync.intake.pdf_forms import MAX_BYTES

MAX_MESSAGE_BYTES = int(MAX_BYTES * 1.4)
"""Largest message read: a 20 MB attachment grows by a third in base64."""


@dataclass(frozen=True)
class Source:
    """One document to take in: its name, bytes and, for e-mail attachments, sender and date."""

    name: str
    content: bytes
    sender: str | None = None
    received_at: datetime | None = None


def read_message(name: str, raw: bytes) -> list[Source]:
    """The PDF attachments of a message; raises :class:`IntakeError` when it has none."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise IntakeError(f"{name} is {len(raw) / 1_048_576:.1f} MB, more than intake accepts for a message")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(message, EmailMessage) or not (message["From"] or message["Subject"]):
        raise IntakeError(f"{name} is not an e-mail message (no From or Subject header)")
    sender = str(message["From"]) if message["From"] else None
    received = None
    if message["Date"]:
        try:
            received = parsedate_to_datetime(str(message["Date"]))
        except (TypeError, ValueError):
            received = None
    sources = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        filename = part.get_filename() or f"attachment-{index}.pdf"
        is_pdf = part.get_content_type() == "application/pdf" or filename.lower().endswith(".pdf")
        if not is_pdf:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            sources.append(Source(f"{name}:{filename}", payload, sender, received))
    if not sources:
        raise IntakeError(f"{name} has no PDF attachment; forward the certificate as a PDF")
    return sources
