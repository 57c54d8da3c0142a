"""The review queue: a person confirms, corrects or rejects what intake could not trust.

Every decision is one audit row (``review.correct``, ``review.accept``, ``review.reject``) with
the field, the value before and after, and who decided. Accepting writes the certificate through
the same ingest path as a trusted intake, so history and versions work the same.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from coisync.errors import UsageError
from coisync.ingest.single import WrittenRecord, ingest_record
from coisync.intake.acord25_fields import ACORD25_KINDS
from coisync.intake.acord28_fields import ACORD28_KINDS
from coisync.intake.assemble import AssemblyError, wording_summary
from coisync.intake.extracted import Extraction, encode_value
from coisync.intake.pipeline import build_record
from coisync.intake.values import PARSERS
from coisync.model import Provenance
from coisync.store import Store
from coisync.store.review import IntakeRow, get_intake, list_intakes, update_intake
from coisync.store.upsert import utcnow

EXTRA_KEYS: dict[str, dict[str, str]] = {
    "acord25": {"revision_number": "text"},
    "acord28": {},
}


def field_kinds(form: str) -> dict[str, str]:
    """Every field key a person may set on a form, with its value kind."""
    base = ACORD25_KINDS if form == "acord25" else ACORD28_KINDS
    return {**base, **EXTRA_KEYS.get(form, {})}


def queue(store: Store, statuses: tuple[str, ...] = ("pending",)) -> list[IntakeRow]:
    """Intake rows in the given statuses, newest first."""
    with store.engine.connect() as conn:
        return list_intakes(conn, statuses)


def intake(store: Store, intake_id: int) -> IntakeRow:
    """One intake row; a usage error names the fix when it does not exist."""
    with store.engine.connect() as conn:
        row = get_intake(conn, intake_id)
    if row is None:
        raise UsageError(f"no intake {intake_id}; list the queue with 'coisync review list'")
    return row


def _pending(store: Store, intake_id: int) -> IntakeRow:
    row = intake(store, intake_id)
    if row.status != "pending":
        raise UsageError(f"intake {intake_id} is {row.status}, not pending review; nothing to decide")
    return row


def _still_pending(conn: Connection, intake_id: int) -> None:
    """Inside the write transaction: refuse when another reviewer decided meanwhile."""
    row = get_intake(conn, intake_id)
    if row is None or row.status != "pending":
        raise UsageError(
            f"intake {intake_id} was decided by someone else meanwhile; see 'coisync review show'"
        )


def correct(store: Store, intake_id: int, assignments: dict[str, str], actor: str) -> Extraction:
    """Set fields by hand (``{"gl.limit.each_occurrence": "1,000,000"}``); each change is audited."""
    row = _pending(store, intake_id)
    kinds = field_kinds(row.form)
    extraction = Extraction.from_dict(row.extraction)
    changes = []
    for key, text in assignments.items():
        kind = kinds.get(key)
        if kind is None:
            raise UsageError(f"unknown field {key!r} for {row.form}; the keys are listed in docs/intake.md")
        value, confidence = PARSERS[kind](text)
        if confidence < 1.0 or (value is None and text.strip()):
            raise UsageError(f"{key}: cannot read {text!r} as a {kind} value")
        before = extraction.fields.get(key)
        extraction = extraction.corrected(key, kind, value, text, actor)
        changes.append(
            {
                "field": key,
                "before": encode_value(before.value) if before else None,
                "before_confidence": before.confidence if before else None,
                "after": encode_value(value),
            }
        )
    with store.transaction() as conn:
        update_intake(
            conn, intake_id, extraction={**extraction.as_dict(), "wording": wording_summary(extraction)}
        )
        store.audit.append(actor, "review.correct", f"intake:{intake_id}", {"changes": changes}, conn=conn)
    return extraction


def accept(store: Store, intake_id: int, actor: str, party_id: str | None = None) -> WrittenRecord:
    """Accept the fields as they now stand and write the record for the party."""
    row = _pending(store, intake_id)
    party = party_id or row.party_id
    if party is None:
        raise UsageError(f"intake {intake_id} has no party; accept it with --party ID")
    if store.get_party(party) is None:
        raise UsageError(f"no party {party!r} in the store; import it first or check the id")
    extraction = Extraction.from_dict(row.extraction)
    provenance = Provenance(source="intake", document_sha256=row.document_sha256, sender=row.sender)
    try:
        record = build_record(extraction, party, provenance)
    except AssemblyError as exc:
        raise UsageError(
            f"intake {intake_id} cannot be accepted: {exc}; fix it with 'coisync review correct'"
        ) from exc
    details = {"intake_id": intake_id, "document_sha256": row.document_sha256, "file": row.file_name}
    with store.transaction() as conn:
        _still_pending(conn, intake_id)
        written = ingest_record(
            store, record, conn=conn, actor=actor, action="intake.accept", details=details
        )
        update_intake(
            conn,
            intake_id,
            status="accepted",
            party_id=party,
            record_type=written.record_type,
            record_id=written.record_id,
            record_version=written.version,
            decided_at=utcnow(),
            decided_by=actor,
        )
        manual = sorted(k for k, f in extraction.fields.items() if f.source == "manual")
        store.audit.append(
            actor,
            "review.accept",
            f"intake:{intake_id}",
            {
                **details,
                "party_id": party,
                "record_id": written.record_id,
                "version": written.version,
                "corrected": manual,
            },
            conn=conn,
        )
    return written


def reject(store: Store, intake_id: int, actor: str, reason: str) -> None:
    """Reject a queued document (kept, with the reason); nothing is written for the party."""
    _pending(store, intake_id)
    with store.transaction() as conn:
        _still_pending(conn, intake_id)
        update_intake(conn, intake_id, status="rejected", decided_at=utcnow(), decided_by=actor)
        store.audit.append(actor, "review.reject", f"intake:{intake_id}", {"reason": reason}, conn=conn)
