"""Helpers every writer needs: compare what a platform holds, and turn failures into outcomes.

A writer reads a record before writing it and writes nothing when the platform already holds
the values (:func:`payload_held`, numbers compared as numbers by :func:`same_value`), so a
repeated write changes the platform once. When a request fails, :func:`failed_result` decides
between ``AMBIGUOUS`` (the write may have landed: the outbox reads back before anything is
sent again) and ``REJECTED`` (it certainly did not). :func:`rejected` reports a refusal the
platform answered inside a successful response, such as a per-row error.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from coisync.connector.writer import WriteOp, WriteOutcome, WriteResult
from coisync.http import AmbiguousWriteError, CircuitOpenError, ServerError, TransportFailedError

UNKNOWN_OUTCOME: tuple[type[Exception], ...] = (
    AmbiguousWriteError,
    TransportFailedError,
    ServerError,
    CircuitOpenError,
)
"""Failures after which a write may or may not have been applied."""


def same_value(platform: Any, wanted: Any) -> bool:
    """Whether a platform's value equals the written one (numbers compared as numbers)."""
    if platform == wanted:
        return True
    if isinstance(platform, bool) or isinstance(wanted, bool) or platform is None or wanted is None:
        return False
    try:
        return Decimal(str(platform)) == Decimal(str(wanted))
    except InvalidOperation:
        return False


def payload_held(
    record: Mapping[str, Any], payload: Mapping[str, Any], read_names: Mapping[str, str] | None = None
) -> bool:
    """Whether ``record`` already holds every value of ``payload`` (flat keys).

    Args:
        record: The record as the platform returns it.
        payload: The values a write would send.
        read_names: Write names the platform answers under another name.
    """
    names = read_names or {}
    return all(same_value(record.get(names.get(key, key)), value) for key, value in payload.items())


def failed_result(op: WriteOp, exc: Exception) -> WriteResult:
    """``AMBIGUOUS`` when the failed request may have landed, ``REJECTED`` otherwise."""
    outcome = WriteOutcome.AMBIGUOUS if isinstance(exc, UNKNOWN_OUTCOME) else WriteOutcome.REJECTED
    return WriteResult(op_id=op.op_id, outcome=outcome, platform_id=op.platform_id, message=str(exc))


def rejected(op: WriteOp, message: str) -> WriteResult:
    """A write the platform refused (e.g. a per-row error inside HTTP 200), with its message."""
    return WriteResult(
        op_id=op.op_id, outcome=WriteOutcome.REJECTED, platform_id=op.platform_id, message=message
    )


__all__ = ["UNKNOWN_OUTCOME", "failed_result", "payload_held", "rejected", "same_value"]
