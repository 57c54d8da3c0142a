"""Opening certificate PDFs safely and reading their AcroForm fields (pypdf).

:func:`open_pdf` refuses, with one line naming the fix, anything that is not a PDF, is larger
than :data:`MAX_BYTES` or has more than :data:`MAX_PAGES` pages, is encrypted, or cannot be
parsed. :func:`read_acroform` reads the filled-in values of a fillable form.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject

from coisync.intake.acord25_fields import ACORD25_BY_NAME, ACORD25_FIELDS, FormField
from coisync.intake.acord28_fields import ACORD28_BY_NAME, ACORD28_FIELDS
from coisync.intake.errors import IntakeError
from coisync.intake.extracted import Extraction, FieldValue
from coisync.intake.values import PARSERS

MAX_BYTES = 20 * 1024 * 1024
"""Largest document intake reads (20 MB)."""
MAX_PAGES = 50
"""Most pages a certificate document may have."""
PDF_MAGIC = b"%PDF-"
MAX_FIELDS = 5000
"""Most form fields read from one document (a guard against hostile field trees)."""

logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class PdfInfo:
    """An opened PDF: its reader and page count."""

    reader: PdfReader
    pages: int


def check_size(name: str, size: int) -> None:
    """Refuse documents past :data:`MAX_BYTES`."""
    if size > MAX_BYTES:
        raise IntakeError(
            f"{name} is {size / 1_048_576:.1f} MB, more than the 20 MB intake accepts; "
            "send the certificate pages only"
        )


def is_pdf(content: bytes) -> bool:
    """True when the bytes start like a PDF (a little leading junk is tolerated, as readers do)."""
    return PDF_MAGIC in content[:1024]


def open_pdf(name: str, content: bytes) -> PdfInfo:
    """Open a PDF for intake or raise :class:`IntakeError` with a one-line reason."""
    check_size(name, len(content))
    if not is_pdf(content):
        raise IntakeError(
            f"{name} is not a PDF; intake reads certificate PDFs, .eml messages, .json and .csv"
        )
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        encrypted = reader.is_encrypted
        if encrypted and not _opens_without_password(reader):
            raise IntakeError(
                f"{name} is encrypted (password protected); ask the sender for an unprotected copy"
            )
        pages = len(reader.pages)
    except IntakeError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise IntakeError(
            f"{name} is not a readable PDF ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'damaged'}); "
            "ask the sender to export it again"
        ) from exc
    if pages == 0:
        raise IntakeError(f"{name} has no pages; ask the sender to export it again")
    if pages > MAX_PAGES:
        raise IntakeError(
            f"{name} has {pages} pages, more than the {MAX_PAGES} intake accepts; send the certificate pages only"
        )
    return PdfInfo(reader, pages)


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, ArrayObject):
        return " ".join(_text(v) for v in value)
    return str(value)


def form_values(reader: PdfReader) -> dict[str, str]:
    """Every AcroForm field with a value, as text (check boxes give their state, e.g. ``/Yes``).

    Walks the form's field tree directly (faster than ``PdfReader.get_fields``, which also
    resolves every widget's page); nested fields get dotted names as in the PDF specification.
    """
    try:
        acroform = _resolve(_resolve(reader.trailer["/Root"]).get("/AcroForm"))
        roots = acroform.get("/Fields") if acroform is not None else None
    except Exception:
        return {}
    values: dict[str, str] = {}
    if roots is None:
        return values
    stack: list[tuple[object, str]] = [(ref, "") for ref in reversed(list(roots.get_object()))]
    seen = 0
    while stack and seen < MAX_FIELDS:
        ref, prefix = stack.pop()
        seen += 1
        node = _resolve(ref)
        if node is None:
            continue
        title = node.get("/T")
        name = (
            f"{prefix}.{title}"
            if prefix and title is not None
            else str(title)
            if title is not None
            else prefix
        )
        kids = node.get("/Kids")
        named_kids = [k for k in kids.get_object() if _has_title(k)] if kids is not None else []
        if named_kids:
            stack.extend((kid, name) for kid in reversed(named_kids))
            continue
        raw = node.get("/V")
        if raw is not None and name:
            values[name] = _text(raw.get_object() if hasattr(raw, "get_object") else raw)
    return values


def _resolve(ref: object) -> Any:
    """The dictionary behind a reference, or None when it is broken or not a dictionary."""
    try:
        node = ref.get_object() if hasattr(ref, "get_object") else ref
    except Exception:  # a damaged object: skip it like a reader would
        return None
    return node if isinstance(node, dict) else None


def _has_title(ref: object) -> bool:
    node = _resolve(ref)
    return node is not None and node.get("/T") is not None


def detect_form(values: dict[str, str]) -> str | None:
    """``acord25``, ``acord28`` or None, by which known field names carry values."""
    hits25 = sum(1 for name in values if name in ACORD25_BY_NAME)
    hits28 = sum(1 for name in values if name in ACORD28_BY_NAME)
    if max(hits25, hits28) < 3:
        return None
    return "acord25" if hits25 >= hits28 else "acord28"


def read_acroform(values: dict[str, str], form: str) -> Extraction:
    """The fields of a fillable ACORD 25 or 28: each value normalised, with its field name."""
    table: tuple[FormField, ...] = ACORD25_FIELDS if form == "acord25" else ACORD28_FIELDS
    extraction = Extraction(form="acord25" if form == "acord25" else "acord28", method="acroform")
    parts: dict[str, list[tuple[int, FormField, str]]] = {}
    for spec in table:
        if spec.name in values:
            parts.setdefault(spec.key, []).append((spec.part, spec, values[spec.name]))
    for key, found in parts.items():
        found.sort(key=lambda item: item[0])
        spec = found[0][1]
        if len(found) > 1:
            raw = ", ".join(" ".join(text.split()) for _, _, text in found if text.strip())
            location = " + ".join(s.name for _, s, _ in found)
        else:
            raw, location = found[0][2], spec.name
        value, confidence = PARSERS[spec.kind](raw)
        if value is None and confidence == 1.0:
            continue
        extraction.put(FieldValue(key, spec.kind, value, raw, confidence, "form_field", location))
    return extraction
