"""Certificate intake: ACORD 25 and 28 documents into canonical records, with review.

Read order: AcroForm fields of fillable PDFs (:mod:`~coisync.intake.pdf_forms`), then the text
layer of flattened PDFs laid out like the ACORD 25 grid (:mod:`~coisync.intake.acord25_text`),
then OCR through the ``extract_certificate_text`` hook for scans. Every field keeps its value,
confidence and location (:class:`FieldValue`); below :data:`CONFIDENCE_THRESHOLD`, or without a
single matching party, the document waits in the review queue (:mod:`~coisync.intake.review`)
instead of being trusted. Trusted records go through the shared ingest path.
"""

from coisync.intake.document import ReadDocument, read_document
from coisync.intake.errors import IntakeError
from coisync.intake.extracted import CONFIDENCE_THRESHOLD, Extraction, FieldValue
from coisync.intake.mail import Source, read_message
from coisync.intake.match import PartyMatch, match_party
from coisync.intake.pipeline import IntakeResult, take_in, take_in_all

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "Extraction",
    "FieldValue",
    "IntakeError",
    "IntakeResult",
    "PartyMatch",
    "ReadDocument",
    "Source",
    "match_party",
    "read_document",
    "read_message",
    "take_in",
    "take_in_all",
]
