"""Writers: what a connector can write back to its platform, and how each write stays safe.

A writer declares what it can hold (:class:`WriteTarget`), what makes a repeated write harmless
(:class:`Idempotency`), and which canonical fields it owns (they must be coisync-owned in the
connector's mapping). ``apply`` performs one :class:`WriteOp`; when the outcome of a write is
unknown (a timeout after sending), the outbox calls ``read_back`` and compares before trying
again, so a write is never applied twice.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from coisync.mapping.compiled import PlatformMapping


class WriteTarget(StrEnum):
    """What a platform can hold that coisync writes."""

    COMPLIANCE_STATUS = "compliance_status"
    POLICY_LINE = "policy_line"
    NOTE = "note"
    FLAG = "flag"
    ATTACHMENT = "attachment"


class Idempotency(StrEnum):
    """What makes repeating a write harmless on a platform."""

    NATURAL_KEY = "natural_key"
    """The record is addressed by its id; writing the same values again changes nothing."""
    IF_MATCH = "if_match"
    """The platform checks a version/ETag (``If-Match``) and refuses stale writes."""
    ORIGIN_ID = "origin_id"
    """The platform de-duplicates creates on an external id coisync supplies."""
    IDEMPOTENCY_KEY = "idempotency_key"
    """The platform honours an idempotency-key header."""


class WriteOutcome(StrEnum):
    """How one write ended."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, kw_only=True)
class WriteOp:
    """One write the outbox asks a writer to perform.

    Attributes:
        op_id: Stable id of the operation; reused on every retry (the idempotency key).
        connection: Connection name.
        target: What is written.
        platform_type: Platform record type (the mapping's record key).
        platform_id: The record written to; ``None`` creates one.
        payload: Platform values, already reverse-mapped.
        desired: The canonical values the payload came from (for comparison on read-back).
        job: The coisync job that owns the written fields (``sync``, ``reconcile``, ``followup``).
        expected_version: Version/ETag last read, for ``If-Match``.
        origin_id: coisync's id for the record, for platforms that de-duplicate on it.
    """

    op_id: str
    connection: str
    target: WriteTarget
    platform_type: str
    platform_id: str | None
    payload: Mapping[str, Any]
    desired: Mapping[str, Any] = field(default_factory=dict)
    job: str = "sync"
    expected_version: str | None = None
    origin_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class WriteResult:
    """What happened to one write.

    Attributes:
        op_id: The operation's id.
        outcome: How it ended.
        platform_id: The record's id (the new one after a create).
        version: The record's version/ETag after the write.
        platform_value: The platform's values after the write, when it returned them.
        message: Details for the run summary (the platform's error, a conflict's cause).
    """

    op_id: str
    outcome: WriteOutcome
    platform_id: str | None = None
    version: str | None = None
    platform_value: Mapping[str, Any] | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the platform now holds what was asked."""
        return self.outcome in (WriteOutcome.APPLIED, WriteOutcome.UNCHANGED)


class Writer(ABC):
    """One writable surface of a platform. Subclasses set the class attributes and two methods.

    Attributes:
        name: Writer name, unique within the connector.
        targets: What it can hold.
        platform_type: The record type it writes (the mapping's record key).
        idempotency: What makes its writes safe to repeat; at least one.
        owned_fields: Canonical fields it writes; each must be coisync-owned in the mapping.
    """

    name: ClassVar[str]
    targets: ClassVar[frozenset[WriteTarget]]
    platform_type: ClassVar[str]
    idempotency: ClassVar[frozenset[Idempotency]]
    owned_fields: ClassVar[tuple[str, ...]] = ()
    max_batch: ClassVar[int] = 1
    """Most operations :meth:`apply_batch` sends in one request; 1 when the platform takes one at a time."""

    @abstractmethod
    def apply(self, op: WriteOp) -> WriteResult:
        """Perform one write; an unknown outcome is ``WriteOutcome.AMBIGUOUS``, never a guess."""

    def apply_batch(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Perform up to :attr:`max_batch` writes, one result per op in order.

        The default applies them one by one. A writer whose platform takes many writes in one
        request overrides it and raises ``max_batch``; when the request's outcome is unknown,
        every op of it is ``AMBIGUOUS`` (the outbox reads each back before writing again).
        """
        return [self.apply(op) for op in ops]

    @abstractmethod
    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        """The platform's current values of the record ``op`` writes, or ``None`` when it does not exist."""

    def __repr__(self) -> str:
        targets = ",".join(sorted(self.targets))
        return f"<{type(self).__name__} {self.name} ({self.platform_type}: {targets})>"


def ownership_problems(writer: Writer | type[Writer], mapping: PlatformMapping) -> list[str]:
    """Why a writer's declared fields do not match the mapping's ownership (empty when they do)."""
    problems: list[str] = []
    if not writer.idempotency:
        problems.append(f"writer {writer.name!r} declares nothing that makes its writes idempotent")
    if writer.platform_type not in mapping.records:
        problems.append(
            f"writer {writer.name!r} writes {writer.platform_type!r}, which the mapping does not map"
        )
        return problems
    record = mapping.records[writer.platform_type]
    for target in writer.owned_fields:
        spec = record.owner_of(target)
        if spec is None:
            problems.append(f"writer {writer.name!r} owns {target!r}, which the mapping does not map")
        elif spec.owner != "coisync" or spec.effective_direction == "forward":
            problems.append(
                f"writer {writer.name!r} owns {target!r}, which the mapping leaves to the platform"
            )
    return problems


__all__ = [
    "Idempotency",
    "WriteOp",
    "WriteOutcome",
    "WriteResult",
    "WriteTarget",
    "Writer",
    "ownership_problems",
]
