"""The one write path for imported records: batches, change detection, versioning, audit.

``coisync import`` and certificate intake both feed validated records to an
:class:`Ingestor`. It buffers up to ``batch_size`` records, writes each batch in one
transaction in dependency order (parties, properties, agreements, certificates, evidence,
waivers), and if a batch fails in the database it retries its records one by one, so one
bad record is reported and every other record is still written. :meth:`Ingestor.finish`
appends one audit row when the run changed anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from coisync.ingest.problems import ImportProblem
from coisync.ingest.records import ValidRecord
from coisync.model import RECORD_MODELS
from coisync.store import Store, UpsertCounts

DEFAULT_BATCH_SIZE = 1000


@dataclass
class TypeSummary:
    """Counts for one record type."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0

    def as_dict(self) -> dict[str, int]:
        """JSON-ready form."""
        return {
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
        }


@dataclass
class IngestSummary:
    """What a run did, per record type, with every problem found."""

    types: dict[str, TypeSummary] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    audit_seq: int | None = None

    def of(self, record_type: str) -> TypeSummary:
        """The counts of one record type (created on first use)."""
        return self.types.setdefault(record_type, TypeSummary())

    @property
    def rows_written(self) -> int:
        """Records inserted or updated (a new certificate version counts as one)."""
        return sum(t.inserted + t.updated for t in self.types.values())

    @property
    def invalid(self) -> int:
        """Records that could not be imported."""
        return sum(t.invalid for t in self.types.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "types": {name: counts.as_dict() for name, counts in self.types.items()},
            "rows_written": self.rows_written,
            "invalid": self.invalid,
            "audit_seq": self.audit_seq,
            "problems": [p.as_dict() for p in self.problems],
        }


class Ingestor:
    """Buffers validated records and writes them in batches; see the module docstring."""

    def __init__(self, store: Store, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.store = store
        self.batch_size = batch_size
        self.summary = IngestSummary()
        self._pending: dict[str, dict[str, ValidRecord]] = {name: {} for name in RECORD_MODELS}
        self._count = 0

    def reject(self, problems: Iterable[ImportProblem], record_type: str | None = None) -> None:
        """Count one invalid record and keep its problems."""
        found = list(problems)
        kind = record_type or next((p.record_type for p in found if p.record_type), None) or "unknown"
        counts = self.summary.of(kind)
        counts.read += 1
        counts.invalid += 1
        self.summary.problems.extend(found)

    def add(self, record: ValidRecord) -> None:
        """Queue one valid record; a batch is written when full (or when an id repeats in it)."""
        self.summary.of(record.record_type).read += 1
        if record.record_id in self._pending[record.record_type]:
            self.flush()
        self._pending[record.record_type][record.record_id] = record
        self._count += 1
        if self._count >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write every queued record (one transaction; record by record if that fails)."""
        if not self._count:
            return
        batches = {name: list(records.values()) for name, records in self._pending.items() if records}
        self._pending = {name: {} for name in RECORD_MODELS}
        self._count = 0
        try:
            with self.store.transaction() as conn:
                results = {
                    name: self.store.upsert(name, [r.model for r in records], conn=conn)
                    for name, records in batches.items()
                }
        except SQLAlchemyError:
            for records in batches.values():
                for record in records:
                    self._write_one(record)
            return
        for name, counts in results.items():
            self._count_written(name, counts)

    def _write_one(self, record: ValidRecord) -> None:
        try:
            counts = self.store.upsert(record.record_type, [record.model])
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            self.summary.of(record.record_type).invalid += 1
            self.summary.problems.append(
                ImportProblem(
                    record.file,
                    f"the store refused the record: {reason}",
                    line=record.line,
                    item=record.item,
                    record_type=record.record_type,
                    record_id=record.record_id,
                )
            )
            return
        self._count_written(record.record_type, counts)

    def _count_written(self, record_type: str, counts: UpsertCounts) -> None:
        summary = self.summary.of(record_type)
        summary.inserted += counts.inserted
        summary.updated += counts.updated
        summary.unchanged += counts.unchanged

    def finish(
        self, actor: str, action: str, subject: str, details: dict[str, Any] | None = None
    ) -> IngestSummary:
        """Write what is queued and audit the run when it changed anything."""
        self.flush()
        if self.summary.rows_written:
            payload = {
                **(details or {}),
                "counts": {name: counts.as_dict() for name, counts in self.summary.types.items()},
                "rows_written": self.summary.rows_written,
                "invalid": self.summary.invalid,
            }
            entry = self.store.audit.append(actor, action, subject, payload)
            self.summary.audit_seq = entry.seq
        return self.summary
