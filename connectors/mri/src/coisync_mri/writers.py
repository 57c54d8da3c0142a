"""MRI's writers: compliance status on insurance rows, and a compliance note on each lease.

MRI takes many rows in one POST, so both writers implement ``apply_batch``: per building, one
read of what MRI holds, then one POST with the rows that still need writing. A row MRI already
holds is ``UNCHANGED`` (a repeated write changes MRI once). MRI answers with HTTP 200 and a
per-row ``Error.Message`` for each row it refuses: that row's write is ``REJECTED`` with the
message (the outbox marks it failed and the next run plans it again) while the rows beside it
are ``APPLIED``. When the POST's outcome is unknown, every row of it is ``AMBIGUOUS`` and the
outbox reads each back before anything is sent again.

* :class:`InsuranceStatusWriter` updates ``ComplianceStatus`` and ``ComplianceNote`` (assumed
  fields) and sets the row's ``Compliant`` flag from the same verdict: ``Y`` for compliant,
  expiring and not required, ``N`` otherwise. The flag is derived here, not mapped, because a
  yes/no field cannot carry the status back (the text field does). Keyed by ``PolicyID``, so a
  resend is harmless.
* :class:`LeaseNoteWriter` adds a lease note (:mod:`coisync_mri.notes`): the compliance note for
  a ``sync`` write, the flag note (reconcile flags) for a ``reconcile`` write. MRI appends a
  note on every POST, so the writer first reads the lease's latest note of that kind and sends
  nothing when it already has the same key; its POST is never resent blindly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from coisync.connector import Idempotency, WriteOp, WriteOutcome, Writer, WriteResult, WriteTarget
from coisync.connector.outcomes import failed_write, same_value
from coisync.http import HttpError, InvalidResponseError
from coisync_mri.api import (
    INSURANCE_API,
    KEY_FIELD,
    LEASES_API,
    NOTES_API,
    MriApi,
    policy_key,
    row_error,
    split_key,
)
from coisync_mri.notes import STATUS_NOTE, NoteKind, kind_of_job, latest_by_kind, latest_notes, with_note

if TYPE_CHECKING:
    from coisync_mri.connector import MriConnector

COMPLIANT_FLAG_STATUSES = frozenset({"compliant", "expiring", "not_required"})
"""Canonical statuses written as ``Compliant = "Y"``; every other status is ``"N"``."""
MAX_ROWS_PER_POST = 100
"""Rows per POST (assumed: MRI documents no limit)."""


def rejected(op: WriteOp, message: str) -> WriteResult:
    """A write MRI refused or that cannot be sent, with the reason."""
    return WriteResult(
        op_id=op.op_id, outcome=WriteOutcome.REJECTED, platform_id=op.platform_id, message=message
    )


def ambiguous(op: WriteOp, message: str) -> WriteResult:
    """A write that may or may not have landed (the outbox reads it back before anything else)."""
    return WriteResult(
        op_id=op.op_id, outcome=WriteOutcome.AMBIGUOUS, platform_id=op.platform_id, message=message
    )


def held(row: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether ``row`` already holds every value of ``values``."""
    return all(same_value(row.get(key), value) for key, value in values.items())


class MriWriter(Writer):
    """One read and one POST per building for a batch of writes (see the module docs)."""

    max_batch: ClassVar[int] = MAX_ROWS_PER_POST
    api_name: ClassVar[str]
    key_parts: ClassVar[int]
    idempotent_post: ClassVar[bool]

    def __init__(self, connector: MriConnector) -> None:
        self.connector = connector
        self.api = MriApi(connector)

    # -- what subclasses provide ----------------------------------------------------------

    def current(self, building: str, leases: set[str]) -> dict[str, Any]:
        """What MRI holds in a building for the ops' leases, in the form :meth:`row_for` reads."""
        raise NotImplementedError

    def row_for(
        self, op: WriteOp, key: tuple[str, ...], current: Mapping[str, Any]
    ) -> dict[str, Any] | WriteResult:
        """The row to POST for ``op``, or the op's result when nothing needs sending."""
        raise NotImplementedError

    # -- provided -----------------------------------------------------------------------

    def today(self) -> datetime:
        """Now on the connector's clock (the system clock when it has none)."""
        clock = self.connector.clock
        return datetime.fromtimestamp(clock.now(), tz=UTC) if clock is not None else datetime.now(tz=UTC)

    def rows_of(self, api: str, building: str, leases: set[str]) -> list[dict[str, Any]]:
        """The rows of ``api`` in a building (filtered by lease when there is only one)."""
        lease = next(iter(leases)) if len(leases) == 1 else None
        return [dict(r) for r in self.api.rows(api, BLDGID=building, LEASEID=lease) if isinstance(r, Mapping)]

    def apply(self, op: WriteOp) -> WriteResult:
        """One write (a batch of one)."""
        return self.apply_batch([op])[0]

    def apply_batch(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Per building: read, then POST what MRI does not hold yet; one result per op, in order."""
        results: dict[int, WriteResult] = {}
        by_building: dict[str, list[tuple[int, WriteOp, tuple[str, ...]]]] = {}
        for index, op in enumerate(ops):
            key = split_key(op.platform_id or "", self.key_parts)
            if key is None:
                results[index] = rejected(op, f"{op.platform_id!r} is not a {self.platform_type} key")
            else:
                by_building.setdefault(key[0], []).append((index, op, key))
        for building, items in by_building.items():
            results.update(self._apply_building(building, items))
        return [results[index] for index in range(len(ops))]

    def _apply_building(
        self, building: str, items: list[tuple[int, WriteOp, tuple[str, ...]]]
    ) -> dict[int, WriteResult]:
        results: dict[int, WriteResult] = {}
        try:
            current = self.current(building, {key[1] for _, _, key in items})
        except HttpError as exc:
            return {index: failed_write(op, exc) for index, op, _ in items}
        sending: list[tuple[int, WriteOp, dict[str, Any]]] = []
        for index, op, key in items:
            row = self.row_for(op, key, current)
            if isinstance(row, WriteResult):
                results[index] = row
            else:
                sending.append((index, op, row))
        if not sending:
            return results
        try:
            answers = self.api.post(
                self.api_name, [row for _, _, row in sending], idempotent=self.idempotent_post
            )
        except InvalidResponseError as exc:
            # MRI answered, but not row by row: the rows may have been saved.
            results.update({index: ambiguous(op, str(exc)) for index, op, _ in sending})
            return results
        except HttpError as exc:
            results.update({index: failed_write(op, exc) for index, op, _ in sending})
            return results
        for (index, op, _), answer in zip(sending, answers, strict=True):
            results[index] = self.saved(op, answer)
        return results

    def saved(self, op: WriteOp, answer: Mapping[str, Any]) -> WriteResult:
        """``APPLIED`` with the saved row, or ``REJECTED`` with MRI's per-row message."""
        message = row_error(answer)
        if message is not None:
            return rejected(op, f"MRI refused {op.platform_type} {op.platform_id}: {message}")
        return WriteResult(
            op_id=op.op_id,
            outcome=WriteOutcome.APPLIED,
            platform_id=op.platform_id,
            version=str(answer.get("LastUpdate") or "") or None,
            platform_value={**answer, KEY_FIELD: op.platform_id},
        )


class InsuranceStatusWriter(MriWriter):
    """Compliance status, its note and the ``Compliant`` flag of insurance rows."""

    name: ClassVar[str] = "insurance_status"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.COMPLIANCE_STATUS})
    platform_type: ClassVar[str] = "insurance"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("compliance_status", "deficiency_summary")
    api_name = INSURANCE_API
    key_parts = 3
    idempotent_post = True  # keyed by PolicyID: the same values again change nothing

    @staticmethod
    def values(op: WriteOp) -> dict[str, Any]:
        """The payload plus the ``Compliant`` flag derived from the desired status."""
        values = dict(op.payload)
        status = op.desired.get("compliance_status")
        if isinstance(status, str):
            values["Compliant"] = "Y" if status in COMPLIANT_FLAG_STATUSES else "N"
        return values

    def current(self, building: str, leases: set[str]) -> dict[str, Any]:
        """The building's insurance rows by policy key."""
        return {policy_key(row): row for row in self.rows_of(INSURANCE_API, building, leases)}

    def row_for(
        self, op: WriteOp, key: tuple[str, ...], current: Mapping[str, Any]
    ) -> dict[str, Any] | WriteResult:
        """The update row, unless the policy is gone or already holds the values."""
        row = current.get("/".join(key))
        if row is None:
            return rejected(op, f"insurance {op.platform_id} no longer exists in MRI")
        values = self.values(op)
        if held(row, values):
            return WriteResult(
                op_id=op.op_id,
                outcome=WriteOutcome.UNCHANGED,
                platform_id=op.platform_id,
                platform_value={**row, KEY_FIELD: op.platform_id},
            )
        return {"BuildingID": key[0], "LeaseID": key[1], "PolicyID": key[2], **values}

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The insurance row ``op`` writes, or ``None`` when MRI no longer has it."""
        key = split_key(op.platform_id or "", 3)
        if key is None:
            return None
        row = self.current(key[0], {key[1]}).get(op.platform_id or "")
        return None if row is None else {**row, KEY_FIELD: op.platform_id}


class LeaseNoteWriter(MriWriter):
    """coisync's notes on leases (MRI's lease notes API): the compliance note of ``sync`` and
    the flag note of ``reconcile``, each its own kind (:mod:`coisync_mri.notes`), chosen by the
    write's job."""

    name: ClassVar[str] = "lease_note"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset(
        {WriteTarget.COMPLIANCE_STATUS, WriteTarget.NOTE, WriteTarget.FLAG}
    )
    platform_type: ClassVar[str] = "lease"
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields: ClassVar[tuple[str, ...]] = ("compliance_status", "deficiency_summary", "reconcile_flags")
    api_name = NOTES_API
    key_parts = 2
    idempotent_post = False  # MRI appends a note per POST: never resent blindly

    @staticmethod
    def reference(op: WriteOp, kind: NoteKind = STATUS_NOTE) -> str:
        """``NoteReference2`` of the note: the kind's prefix and a key of its content."""
        text = json.dumps(dict(op.payload), sort_keys=True, default=str)
        digest = hashlib.sha256(f"{op.platform_id}|{text}".encode()).hexdigest()
        return kind.key_prefix + digest[:12].upper()

    def current(self, building: str, leases: set[str]) -> dict[str, Any]:
        """The key of the latest coisync note of each kind per lease: ``{"lease key|prefix": key}``."""
        latest = latest_by_kind(
            self.rows_of(NOTES_API, building, leases), self.connector.config.note_categories()
        )
        return {
            f"{lease}|{prefix}": str(row.get("NoteReference2") or "")
            for lease, per_kind in latest.items()
            for prefix, row in per_kind.items()
        }

    def row_for(
        self, op: WriteOp, key: tuple[str, ...], current: Mapping[str, Any]
    ) -> dict[str, Any] | WriteResult:
        """The note row, unless the lease's latest note of its kind already has its key.

        Comparing with the latest note only (not any earlier one) means a value that returns
        (compliant, then expired, then compliant again) is written again, as MRI shows the
        latest note.
        """
        kind = kind_of_job(op.job)
        if kind is None:
            return rejected(op, f"lease notes hold no writes of job {op.job!r}")
        reference = self.reference(op, kind)
        if current.get(f"{'/'.join(key)}|{kind.key_prefix}") == reference:
            return WriteResult(op_id=op.op_id, outcome=WriteOutcome.UNCHANGED, platform_id=op.platform_id)
        return {
            "BuildingID": key[0],
            "LeaseID": key[1],
            "NoteDate": self.today().strftime("%Y-%m-%dT00:00:00.0000000"),
            "NoteText": kind.compose(op.payload),
            "NoteReference1": self.connector.config.note_categories().of(kind),
            "NoteReference2": reference,
        }

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The lease row with its latest coisync notes, or ``None`` when MRI no longer has the lease."""
        key = split_key(op.platform_id or "", 2)
        if key is None:
            return None
        lease = next(
            (r for r in self.rows_of(LEASES_API, key[0], {key[1]}) if r.get("LeaseID") == key[1]), None
        )
        if lease is None:
            return None
        notes = latest_notes(
            self.rows_of(NOTES_API, key[0], {key[1]}), self.connector.config.note_categories()
        )
        return with_note({**lease, KEY_FIELD: op.platform_id}, notes)


__all__ = [
    "COMPLIANT_FLAG_STATUSES",
    "MAX_ROWS_PER_POST",
    "InsuranceStatusWriter",
    "LeaseNoteWriter",
    "MriWriter",
]
