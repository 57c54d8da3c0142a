"""Intake errors: a document that cannot be read at all, with a one-line reason."""

from __future__ import annotations

from coisync.errors import InputError


class IntakeError(InputError):
    """A document intake cannot read (not a PDF, encrypted, damaged, too large); nothing is stored."""
