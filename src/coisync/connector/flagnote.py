"""Reconcile flags held as a note, for platforms whose schema has notes but no field for them.

``coisync reconcile`` plans one text per record (target ``reconcile_flags``, job ``reconcile``):
one line per flag. A platform with a free-text field takes that text as it is. A platform that
keeps notes or comments instead (MRI's lease notes, VTS's tenant updates) gets a note whose
first line is a header, and the latest such note of a record is its current flags, read back by
the connector's stream like a field::

    coisync reconcile: 2 open flags
    [coisync reconcile] expired: general_liability expired 2026-11-30 in mri
    [coisync reconcile] limit_disagrees: ...

When a record's flags are gone the note says ``coisync reconcile: no open flags``, which reads
back as no flags. Connectors share these two functions so every note-holding platform writes
and recognises the same text.
"""

from __future__ import annotations

HEADER = "coisync reconcile:"
"""First line of every flag note (how a connector recognises its own among people's notes)."""
NO_FLAGS = "no open flags"


def flag_note_text(flags: str | None) -> str:
    """The note holding ``flags`` (one flag per line; empty or ``None`` when none are open)."""
    lines = [line for line in (flags or "").splitlines() if line.strip()]
    if not lines:
        return f"{HEADER} {NO_FLAGS}"
    count = f"{len(lines)} open flag" + ("" if len(lines) == 1 else "s")
    return "\n".join([f"{HEADER} {count}", *lines])


def is_flag_note(text: str | None) -> bool:
    """Whether a note's text is one :func:`flag_note_text` wrote."""
    return isinstance(text, str) and text.startswith(HEADER)


def flags_of_note(text: str | None) -> str | None:
    """The flags a flag note holds (``None`` for no open flags, or for another note)."""
    if not is_flag_note(text):
        return None
    assert text is not None
    _, _, body = text.replace("\r\n", "\n").partition("\n")
    lines = [line.rstrip() for line in body.split("\n") if line.strip()]
    return "\n".join(lines) or None


__all__ = ["HEADER", "NO_FLAGS", "flag_note_text", "flags_of_note", "is_flag_note"]
