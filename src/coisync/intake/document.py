"""Reading one certificate document into an :class:`~coisync.intake.extracted.Extraction`.

Order of trust, as brokers' documents come: AcroForm fields first (fillable PDFs), then the
text layer laid out like the ACORD 25 grid, then OCR through the ``extract_certificate_text``
hook for scanned pages. A scan without an OCR plugin is kept and routed to review.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from coisync.intake.acord25_text import parse_acord25
from coisync.intake.errors import IntakeError
from coisync.intake.extracted import Extraction
from coisync.intake.pdf_forms import detect_form, form_values, open_pdf, read_acroform
from coisync.intake.text_layout import Word, read_words

log = logging.getLogger("coisync.intake")

SCAN_REASON = (
    "scanned image without a text layer: no OCR plugin read it (install one that implements "
    "extract_certificate_text) - enter the fields with 'coisync review correct'"
)


@dataclass(frozen=True)
class ReadDocument:
    """A document's extraction and page count."""

    extraction: Extraction
    pages: int


def read_document(name: str, content: bytes) -> ReadDocument:
    """Read a certificate PDF; raises :class:`IntakeError` when it cannot be read at all."""
    info = open_pdf(name, content)
    values = form_values(info.reader)
    form = detect_form(values)
    if form is not None:
        return ReadDocument(read_acroform(values, form), info.pages)
    try:
        words, images = read_words(content)
    except Exception as exc:  # pdfminer raises many types for damaged content streams
        raise IntakeError(
            f"{name}: the text of the PDF cannot be read ({type(exc).__name__}); ask the sender to export it again"
        ) from exc
    method = "text"
    if not words and images:
        words = ocr_words(content, info.pages)
        method = "ocr"
        if not words:
            extraction = Extraction(form="acord25", method="scan", reasons=[SCAN_REASON])
            return ReadDocument(extraction, info.pages)
    if not words:
        raise IntakeError(f"{name} has no form fields, no text and no images; it is not a certificate")
    parsed = parse_acord25(words)
    if parsed is None:
        raise IntakeError(
            f"{name} does not look like an ACORD 25 or 28 certificate (no insured or policy grid found)"
        )
    if method == "ocr":
        parsed.reasons.append("read by OCR: check the fields before accepting")
    return ReadDocument(parsed, info.pages)


def ocr_words(content: bytes, pages: int) -> list[Word]:
    """Words from the OCR hook, or an empty list when no plugin reads scans."""
    from coisync.plugins import get_plugin_manager

    found = get_plugin_manager().hook.extract_certificate_text(document=content, pages=pages)
    if not found:
        return []
    words: list[Word] = []
    for item in found:
        try:
            words.append(
                Word(
                    str(item["text"]),
                    float(item["x0"]),
                    float(item["x1"]),
                    float(item["top"]),
                    float(item["bottom"]),
                    int(item.get("page", 1)),
                )
            )
        except (KeyError, TypeError, ValueError):
            log.warning("OCR plugin returned a malformed word %r; skipped", item)
    return words
