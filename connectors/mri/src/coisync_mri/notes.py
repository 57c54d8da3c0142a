"""The lease notes coisync writes: their text, their key, and reading them back onto lease rows.

coisync keeps two kinds of note on a lease, each its own category so sync and reconcile never
write over each other's:

* the compliance note of ``coisync sync`` (:data:`STATUS_NOTE`): ``NoteReference1`` = the
  connection's ``note_reference_type``, ``NoteReference2`` = ``COI-`` plus a key of its
  content, ``NoteText`` = ``Insurance compliance: <status>. <detail>``;
* the flag note of ``coisync reconcile`` (:data:`FLAG_NOTE`): ``NoteReference1`` = the
  connection's ``reconcile_reference_type`` (its ``note_reference_type`` unless set),
  ``NoteReference2`` = ``REC-`` plus a key of its content, ``NoteText`` = the flags
  (:mod:`coisync.connector.flagnote`).

MRI's notes API only appends (platforms.md §2), so the latest note of a kind is the lease's
current value. The lease stream adds the values of each lease's latest note of each kind to the
lease row (:data:`NOTE_STATUS`, :data:`NOTE_DETAIL`, :data:`NOTE_FLAGS`), so what coisync wrote
as a note reads back like a field and is not written again. The ``COI-``/``REC-`` keys are
coisync's own convention in MRI's free ``NoteReference2`` (**assumed** to keep what is posted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from coisync.connector.flagnote import flag_note_text, flags_of_note, is_flag_note
from coisync_mri.api import lease_key

NOTE_STATUS, NOTE_DETAIL = "coisync_note_status", "coisync_note_detail"
"""Where the lease mapping reads and writes the compliance note's status and detail."""
NOTE_FLAGS = "coisync_reconcile_flags"
"""Where the lease mapping reads and writes the flag note's flags."""
NOTE_PREFIX = "Insurance compliance: "
NOTE_KEY_PREFIX = "COI-"
FLAG_KEY_PREFIX = "REC-"


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


def _flag_text(payload: Mapping[str, Any]) -> str:
    flags = payload.get(NOTE_FLAGS)
    return flag_note_text(flags if isinstance(flags, str) else None)


def _parse_flags(text: str) -> dict[str, str | None] | None:
    return {NOTE_FLAGS: flags_of_note(text)} if is_flag_note(text) else None


@dataclass(frozen=True)
class NoteKind:
    """One kind of coisync lease note.

    Attributes:
        job: The coisync job whose writes it holds (the write op's ``job``).
        key_prefix: Start of its ``NoteReference2``.
        fields: The lease-row fields it reads back as.
        compose: The ``NoteText`` of a write payload.
        parse: The field values of a ``NoteText``, or ``None`` when the text is not this kind's.
    """

    job: str
    key_prefix: str
    fields: tuple[str, ...]
    compose: Callable[[Mapping[str, Any]], str]
    parse: Callable[[str], dict[str, str | None] | None]


STATUS_NOTE = NoteKind("sync", NOTE_KEY_PREFIX, (NOTE_STATUS, NOTE_DETAIL), note_text, parse_note_text)
FLAG_NOTE = NoteKind("reconcile", FLAG_KEY_PREFIX, (NOTE_FLAGS,), _flag_text, _parse_flags)
KINDS = (STATUS_NOTE, FLAG_NOTE)


def kind_of_job(job: str) -> NoteKind | None:
    """The note kind that holds a job's writes, or ``None`` for a job that writes no lease note."""
    return next((kind for kind in KINDS if kind.job == job), None)


@dataclass(frozen=True)
class NoteCategories:
    """``NoteReference1`` of each kind on one connection."""

    status: str
    flags: str

    def of(self, kind: NoteKind) -> str:
        """The reference type of ``kind``."""
        return self.flags if kind is FLAG_NOTE else self.status


def kind_of_note(row: Mapping[str, Any], categories: NoteCategories) -> NoteKind | None:
    """The kind of a note row coisync wrote on this connection, or ``None`` for anyone else's."""
    key = str(row.get("NoteReference2") or "")
    for kind in KINDS:
        if key.startswith(kind.key_prefix) and row.get("NoteReference1") == categories.of(kind):
            return kind
    return None


def latest_by_kind(
    rows: Iterable[Any], categories: NoteCategories
) -> dict[str, dict[str, Mapping[str, Any]]]:
    """Per lease key, the latest coisync note row of each kind (by ``LastUpdate``; later rows win ties)."""
    latest: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        kind = kind_of_note(row, categories)
        if kind is None or kind.parse(str(row.get("NoteText") or "")) is None:
            continue
        per_kind = latest.setdefault(lease_key(row), {})
        known = per_kind.get(kind.key_prefix)
        if known is None or str(row.get("LastUpdate") or "") >= str(known.get("LastUpdate") or ""):
            per_kind[kind.key_prefix] = row
    return latest


def latest_notes(rows: Iterable[Any], categories: NoteCategories) -> dict[str, dict[str, str | None]]:
    """Per lease key, the field values of its latest coisync note of each kind."""
    values: dict[str, dict[str, str | None]] = {}
    for key, per_kind in latest_by_kind(rows, categories).items():
        for kind in KINDS:
            row = per_kind.get(kind.key_prefix)
            parsed = kind.parse(str(row.get("NoteText") or "")) if row is not None else None
            if parsed is not None:
                values.setdefault(key, {}).update(parsed)
    return values


def with_note(lease: Mapping[str, Any], notes: Mapping[str, Mapping[str, str | None]]) -> dict[str, Any]:
    """A lease row with the values of its latest coisync notes (``None`` where it has none)."""
    values = notes.get(lease_key(lease), {})
    return {**lease, **{name: values.get(name) for kind in KINDS for name in kind.fields}}


__all__ = [
    "FLAG_KEY_PREFIX",
    "FLAG_NOTE",
    "KINDS",
    "NOTE_DETAIL",
    "NOTE_FLAGS",
    "NOTE_KEY_PREFIX",
    "NOTE_PREFIX",
    "NOTE_STATUS",
    "STATUS_NOTE",
    "NoteCategories",
    "NoteKind",
    "kind_of_job",
    "kind_of_note",
    "latest_by_kind",
    "latest_notes",
    "note_text",
    "parse_note_text",
    "with_note",
]
