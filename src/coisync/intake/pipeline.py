"""Certificate intake: read each document, match its party, then trust it or queue it for review.

For every document: read it (:func:`coisync.intake.document.read_document`), match the named
insured to a party (or take ``--party``), and decide. A document with no doubt (every field at
or above the confidence threshold, one matching party, a valid certificate) is written through
the shared ingest path (:func:`coisync.ingest.single.ingest_record`: versioned, audited, party
marked changed); anything else goes to the review queue. Either way the PDF is stored by content
and its intake row records every field's value, confidence and location, all in one transaction:
a document that fails leaves nothing behind.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass, field
from typing import Any

from coisync.errors import UsageError
from coisync.ingest.single import WrittenRecord, ingest_record
from coisync.intake.assemble import AssemblyError, build_certificate, wording_summary
from coisync.intake.assemble_evidence import build_evidence
from coisync.intake.document import read_document
from coisync.intake.errors import IntakeError
from coisync.intake.extracted import CONFIDENCE_THRESHOLD, Extraction
from coisync.intake.mail import Source
from coisync.intake.match import match_party
from coisync.model import Certificate, PropertyEvidence, Provenance
from coisync.store import Store
from coisync.store.review import add_intake

PDF_MEDIA_TYPE = "application/pdf"


@dataclass
class IntakeResult:
    """What became of one document."""

    file: str
    status: str
    """``trusted`` (written), ``pending`` (in the review queue) or ``error`` (nothing stored)."""
    intake_id: int | None = None
    party_id: str | None = None
    record_id: str | None = None
    version: int | None = None
    changed: bool = False
    document_sha256: str | None = None
    pages: int | None = None
    form: str | None = None
    method: str | None = None
    sender: str | None = None
    reasons: list[str] = field(default_factory=list)
    error: str | None = None
    verdict: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def default_actor(prefix: str = "intake") -> str:
    """``intake:<login>`` (or just the prefix when the login is unknown)."""
    try:
        return f"{prefix}:{getpass.getuser()}"
    except (KeyError, OSError):
        return prefix


def record_id_for(party_id: str, form: str) -> str:
    """The id of a party's certificate of one form: resubmissions version the same record."""
    return f"{party_id}:{form}"


def review_reasons(extraction: Extraction, threshold: float = CONFIDENCE_THRESHOLD) -> list[str]:
    """Why an extraction cannot be trusted as read (empty when it can)."""
    reasons = list(extraction.reasons)
    for item in extraction.low_confidence(threshold):
        reasons.append(
            f"{item.key} read with confidence {item.confidence:.2f} from {item.raw!r} ({item.location})"
        )
    return reasons


def build_record(
    extraction: Extraction, party_id: str, provenance: Provenance
) -> Certificate | PropertyEvidence:
    """The canonical record of an extraction for one party; raises AssemblyError when it cannot."""
    record_id = record_id_for(party_id, extraction.form)
    if extraction.form == "acord28":
        return build_evidence(extraction, record_id, party_id, provenance)
    certificate = build_certificate(extraction, record_id, party_id, provenance)
    if not certificate.lines:
        raise AssemblyError("no coverage line was found")
    return certificate


def take_in(
    store: Store, source: Source, *, party_id: str | None = None, actor: str | None = None
) -> IntakeResult:
    """Read one document and store it as trusted or pending review (or raise IntakeError)."""
    who = actor or default_actor()
    document = read_document(source.name, source.content)
    extraction = document.extraction
    digest = hashlib.sha256(source.content).hexdigest()
    result = IntakeResult(
        source.name,
        "pending",
        document_sha256=digest,
        pages=document.pages,
        form=extraction.form,
        method=extraction.method,
        sender=source.sender,
    )
    reasons = review_reasons(extraction)
    insured = _text(extraction.value("insured.name"))
    if party_id is None:
        match = match_party(insured, store.iter_parties())
        party_id = match.party_id
        if match.reason:
            reasons.append(match.reason)
    else:
        given = store.get_party(party_id)
        if insured and given is not None and not match_party(insured, [given]).matched:
            reasons.append(
                f"the named insured {insured!r} does not match party {party_id} ({given.legal_name}); "
                "accept it in review if it is right"
            )
    result.party_id = party_id
    provenance = Provenance(
        source="intake", document_sha256=digest, sender=source.sender, received_at=source.received_at
    )
    record: Certificate | PropertyEvidence | None = None
    if party_id is not None:
        try:
            record = build_record(extraction, party_id, provenance)
        except AssemblyError as exc:
            reasons.append(f"the fields do not make a valid {extraction.form}: {exc}")
    result.reasons = reasons
    trusted = record is not None and not reasons
    details = {
        "file": source.name,
        "document_sha256": digest,
        "sender": source.sender,
        "method": extraction.method,
    }
    with store.transaction() as conn:
        store.put_document(source.content, PDF_MEDIA_TYPE, conn=conn)
        written: WrittenRecord | None = None
        if trusted and record is not None:
            written = ingest_record(
                store, record, conn=conn, actor=who, action="intake.accept", details=details
            )
        result.status = "trusted" if written else "pending"
        result.intake_id = add_intake(
            conn,
            document_sha256=digest,
            file_name=source.name,
            pages=document.pages,
            sender=source.sender,
            form=extraction.form,
            method=extraction.method,
            status=result.status,
            party_id=party_id,
            record_type=written.record_type if written else None,
            record_id=written.record_id if written else None,
            record_version=written.version if written else None,
            reasons=reasons,
            extraction={**extraction.as_dict(), "wording": wording_summary(extraction)},
        )
        if written is None:
            store.audit.append(
                who, "intake.queue", f"intake:{result.intake_id}", {**details, "reasons": reasons}, conn=conn
            )
    if written is not None:
        result.record_id, result.version, result.changed = written.record_id, written.version, written.changed
    return result


def _text(value: object) -> str | None:
    return str(value) if value else None


def take_in_all(
    store: Store, sources: list[Source], *, party_id: str | None = None, actor: str | None = None
) -> list[IntakeResult]:
    """Take in every document; one that cannot be read is reported and the others still are."""
    if party_id is not None and store.get_party(party_id) is None:
        raise UsageError(f"no party {party_id!r} in the store; import it first or check the id")
    results = []
    for source in sources:
        try:
            results.append(take_in(store, source, party_id=party_id, actor=actor))
        except IntakeError as exc:
            results.append(IntakeResult(source.name, "error", error=str(exc)))
    return results
