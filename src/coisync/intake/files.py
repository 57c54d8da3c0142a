"""Turning intake arguments into documents: PDFs, ``.eml`` messages, canonical JSON and CSV."""

from __future__ import annotations

from pathlib import Path

from coisync.intake.errors import IntakeError
from coisync.intake.mail import MAX_MESSAGE_BYTES, Source, read_message
from coisync.intake.pdf_forms import check_size

CANONICAL_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".csv"})
"""Files taken in through ``coisync import``'s readers (already canonical records)."""


def is_canonical(path: Path) -> bool:
    """True for canonical JSON, JSONL or CSV files."""
    return path.suffix.lower() in CANONICAL_SUFFIXES


def sources_from(path: Path) -> list[Source]:
    """The documents in one file: itself (a PDF), or a message's PDF attachments.

    Raises:
        IntakeError: the file is missing, too large, or neither a PDF nor an e-mail message.
    """
    name = str(path)
    if not path.is_file():
        raise IntakeError(f"{name}: no such file")
    size = path.stat().st_size
    if path.suffix.lower() == ".eml":
        if size > MAX_MESSAGE_BYTES:
            raise IntakeError(f"{name} is {size / 1_048_576:.1f} MB, more than intake accepts for a message")
        return read_message(name, path.read_bytes())
    check_size(name, size)
    return [Source(name, path.read_bytes())]
