"""MRI's writers: compliance status on insurance rows, and a compliance note on each lease.

Both read the row first and write nothing when MRI already holds the values, so a repeated
write changes MRI once. MRI answers a POST with HTTP 200 and a per-row ``Error.Message`` for a
row it refuses; that message becomes the write's ``REJECTED`` result (the outbox marks the row
failed with it, and the next run plans the write again), never a lost write.

Rows are POSTed one per write: the connector contract has no batch seam yet, and the outbox
confirms each write on its own. MRI accepts several rows per POST, so a batch writer can later
send one envelope per building without changing what is written.

* :class:`InsuranceStatusWriter` updates ``ComplianceStatus`` and ``ComplianceNote`` (assumed
  fields) of an insurance row, and sets the row's ``Compliant`` flag from the same verdict:
  ``Y`` for compliant, expiring and not required, ``N`` otherwise. The flag is the row's
  yes/no summary of the status; it is derived here, not mapped, because a yes/no field cannot
  carry the status back (the text field does). The update is keyed by ``PolicyID``: resending
  it is harmless.
* :class:`LeaseNoteWriter` adds a lease note (``MRI_S-PMCM_CommercialLeasesNoteByBuildingID``)
  with the lease's status, tagged ``NoteReference1`` = the connection's reference type and
  ``NoteReference2`` = a key of the note's content. MRI appends a note on every POST, so the
  writer looks for a note with that key first and never sends the same note twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, Writer, WriteResult, WriteTarget
from coisync.connector.write_outcomes import failed_result, payload_held, rejected
from coisync.http import HttpError
from coisync_mri.api import (
    INSURANCE_API,
    KEY_FIELD,
    LEASES_API,
    NOTES_API,
    MriApi,
    lease_key,
    policy_key,
    row_error,
    split_key,
)

if TYPE_CHECKING:
    from coisync_mri.connector import MriConnector

COMPLIANT_FLAG_STATUSES = frozenset({"compliant", "expiring", "not_required"})
"""Canonical statuses written as ``Compliant = "Y"``; every other status is ``"N"``."""
NOTE_STATUS, NOTE_DETAIL = "coisync_note_status", "coisync_note_detail"
"""Where the lease mapping reads and writes the note's status and detail: the note writer
composes ``NoteText`` from them, and the lease stream adds them to each lease row from the
lease's latest coisync note (:func:`parse_note_text`), so what coisync wrote reads back."""
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


def latest_notes(rows: Iterable[Any], reference_type: str) -> dict[str, dict[str, str | None]]:
    """Per lease key, the status and detail of the latest note coisync wrote (by ``LastUpdate``)."""
    latest: dict[str, tuple[str, dict[str, str | None]]] = {}
    for row in rows:
        if not isinstance(row, Mapping) or row.get("NoteReference1") != reference_type:
            continue
        if not str(row.get("NoteReference2") or "").startswith(NOTE_KEY_PREFIX):
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


class MriWriter(Writer):
    """Shared plumbing of MRI's writers."""

    def __init__(self, connector: MriConnector) -> None:
        self.connector = connector
        self.api = MriApi(connector)

    def today(self) -> datetime:
        """Now on the connector's clock (the system clock when it has none)."""
        clock = self.connector.clock
        return datetime.fromtimestamp(clock.now(), tz=UTC) if clock is not None else datetime.now(tz=UTC)

    def row(self, api: str, key: tuple[str, ...], match: Mapping[str, str]) -> dict[str, Any] | None:
        """The row of ``api`` in building ``key[0]``, lease ``key[1]``, matching ``match``."""
        for raw in self.api.rows(api, BLDGID=key[0], LEASEID=key[1]):
            if isinstance(raw, Mapping) and all(raw.get(k) == v for k, v in match.items()):
                return dict(raw)
        return None

    def saved(self, op: WriteOp, answer: Mapping[str, Any], key: str) -> WriteResult:
        """``APPLIED`` with the saved row, or ``REJECTED`` with MRI's per-row message."""
        message = row_error(answer)
        if message is not None:
            return rejected(op, f"MRI refused {op.platform_type} {op.platform_id}: {message}")
        value = {**answer, KEY_FIELD: key}
        return WriteResult(
            op_id=op.op_id,
            outcome=WriteOutcome.APPLIED,
            platform_id=op.platform_id,
            version=str(answer.get("LastUpdate") or "") or None,
            platform_value=value,
        )


class InsuranceStatusWriter(MriWriter):
    """Compliance status, its note and the ``Compliant`` flag of an insurance row."""

    name: ClassVar[str] = "insurance_status"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.COMPLIANCE_STATUS})
    platform_type: ClassVar[str] = "insurance"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("compliance_status", "deficiency_summary")

    def values(self, op: WriteOp) -> dict[str, Any]:
        """The payload plus the ``Compliant`` flag derived from the desired status."""
        values = dict(op.payload)
        status = op.desired.get("compliance_status")
        if isinstance(status, str):
            values["Compliant"] = "Y" if status in COMPLIANT_FLAG_STATUSES else "N"
        return values

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The insurance row ``op`` writes, or ``None`` when MRI no longer has it."""
        key = split_key(op.platform_id or "", 3)
        if key is None:
            return None
        found = self.row(INSURANCE_API, key, {"PolicyID": key[2]})
        return None if found is None else {**found, KEY_FIELD: policy_key(found)}

    def apply(self, op: WriteOp) -> WriteResult:
        """POST the row's new values unless MRI already holds them."""
        key = split_key(op.platform_id or "", 3)
        if key is None:
            return rejected(op, f"{op.platform_id!r} is not an insurance key (BUILDING/LEASE/POLICY)")
        values = self.values(op)
        try:
            current = self.read_back(op)
            if current is None:
                return rejected(op, f"insurance {op.platform_id} no longer exists in MRI")
            if payload_held(current, values):
                return WriteResult(
                    op_id=op.op_id,
                    outcome=WriteOutcome.UNCHANGED,
                    platform_id=op.platform_id,
                    platform_value=current,
                )
            row = {"BuildingID": key[0], "LeaseID": key[1], "PolicyID": key[2], **values}
            # Keyed by PolicyID: the same values again change nothing, so a resend is safe.
            answers = self.api.post(INSURANCE_API, [row], idempotent=True)
        except HttpError as exc:
            return failed_result(op, exc)
        return self.saved(op, answers[0], op.platform_id or "")


class LeaseNoteWriter(MriWriter):
    """A compliance note on a lease (MRI's lease notes API)."""

    name: ClassVar[str] = "lease_note"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.COMPLIANCE_STATUS, WriteTarget.NOTE})
    platform_type: ClassVar[str] = "lease"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("compliance_status", "deficiency_summary")

    @staticmethod
    def reference(op: WriteOp) -> str:
        """``NoteReference2`` of the note: a key of its content (the same note has the same key)."""
        text = json.dumps(dict(op.payload), sort_keys=True, default=str)
        digest = hashlib.sha256(f"{op.platform_id}|{text}".encode()).hexdigest()
        return NOTE_KEY_PREFIX + digest[:12].upper()

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The lease row ``op`` annotates with its latest coisync note, or ``None`` when MRI no longer has it."""
        key = split_key(op.platform_id or "", 2)
        if key is None:
            return None
        found = self.row(LEASES_API, key, {"LeaseID": key[1]})
        if found is None:
            return None
        notes = latest_notes(
            self.api.rows(NOTES_API, BLDGID=key[0], LEASEID=key[1]), self.connector.config.note_reference_type
        )
        return with_note({**found, KEY_FIELD: lease_key(found)}, notes)

    def apply(self, op: WriteOp) -> WriteResult:
        """POST the note unless a note with its key is already on the lease."""
        key = split_key(op.platform_id or "", 2)
        if key is None:
            return rejected(op, f"{op.platform_id!r} is not a lease key (BUILDING/LEASE)")
        reference = self.reference(op)
        try:
            if self.row(NOTES_API, key, {"NoteReference2": reference}) is not None:
                return WriteResult(op_id=op.op_id, outcome=WriteOutcome.UNCHANGED, platform_id=op.platform_id)
            note = {
                "BuildingID": key[0],
                "LeaseID": key[1],
                "NoteDate": self.today().strftime("%Y-%m-%dT00:00:00.0000000"),
                "NoteText": note_text(op.payload),
                "NoteReference1": self.connector.config.note_reference_type,
                "NoteReference2": reference,
            }
            # MRI appends a note per POST: never resent blindly; the outbox reads back first.
            answers = self.api.post(NOTES_API, [note], idempotent=False)
        except HttpError as exc:
            return failed_result(op, exc)
        return self.saved(op, answers[0], op.platform_id or "")


__all__ = [
    "COMPLIANT_FLAG_STATUSES",
    "NOTE_DETAIL",
    "NOTE_STATUS",
    "InsuranceStatusWriter",
    "LeaseNoteWriter",
    "MriWriter",
    "latest_notes",
    "note_text",
    "parse_note_text",
    "with_note",
]
