"""The lease notes coisync writes: their text, their key, and reading them back onto lease rows.

A coisync note has ``NoteReference1`` = the connection's reference type, ``NoteReference2`` =
``COI-`` plus a key of its content, and ``NoteText`` = ``Insurance compliance: <status>.
<detail>``. The lease stream adds the status and detail of each lease's latest coisync note to
the lease row (:data:`NOTE_STATUS`, :data:`NOTE_DETAIL`), so a status written as a note reads
back like a field and is not written again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from coisync_mri.api import lease_key

NOTE_STATUS, NOTE_DETAIL = "coisync_note_status", "coisync_note_detail"
"""Where the lease mapping reads and writes the note's status and detail."""
NOTE_PREFIX = "Insurance compliance: "
NOTE_KEY_PREFIX = "COI-"


def note_text(payload: Mapping[str, Any]) -> str:
    """``Insurance compliance: <status>. <detail>``."""
    status = str(payload.get(NOTE_STATUS) or "").strip() or "Unknown"
    detail = str(payload.get(NOTE_DETAIL) or "").strip()
    return f"{NOTE_PREFIX}{status}." + (f" {detail}" if detail else "")


def parse_note_text(text: str) -> dict[str, str | None] | None:
    """The status and detail of a note :func:`note_text` wrote, or ``None`` for another note."""
    if not text.startswith(NOTE_PREFIX):
        return None
    status, dot, detail = text[len(NOTE_PREFIX) :].partition(".")
    if not dot:
        return None
    return {NOTE_STATUS: status.strip() or None, NOTE_DETAIL: detail.strip() or None}


def is_coisync_note(row: Mapping[str, Any], reference_type: str) -> bool:
    """Whether a note row is one coisync wrote on this connection."""
    return row.get("NoteReference1") == reference_type and str(row.get("NoteReference2") or "").startswith(
        NOTE_KEY_PREFIX
    )


def latest_notes(rows: Iterable[Any], reference_type: str) -> dict[str, dict[str, str | None]]:
    """Per lease key, the status and detail of the latest note coisync wrote (by ``LastUpdate``)."""
    latest: dict[str, tuple[str, dict[str, str | None]]] = {}
    for row in rows:
        if not isinstance(row, Mapping) or not is_coisync_note(row, reference_type):
            continue
        parsed = parse_note_text(str(row.get("NoteText") or ""))
        if parsed is None:
            continue
        key, stamp = lease_key(row), str(row.get("LastUpdate") or "")
        if key not in latest or stamp >= latest[key][0]:
            latest[key] = (stamp, parsed)
    return {key: values for key, (_, values) in latest.items()}


def with_note(lease: Mapping[str, Any], notes: Mapping[str, Mapping[str, str | None]]) -> dict[str, Any]:
    """A lease row with the status and detail of its latest coisync note (``None`` when it has none)."""
    values = notes.get(lease_key(lease), {})
    return {**lease, NOTE_STATUS: values.get(NOTE_STATUS), NOTE_DETAIL: values.get(NOTE_DETAIL)}


__all__ = [
    "NOTE_DETAIL",
    "NOTE_KEY_PREFIX",
    "NOTE_PREFIX",
    "NOTE_STATUS",
    "is_coisync_note",
    "latest_notes",
    "note_text",
    "parse_note_text",
    "with_note",
]
