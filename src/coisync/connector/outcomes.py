"""How a failed write ends, and whether a platform already holds a value: shared by writers.

A write whose request failed after it may have reached the platform (an ambiguous POST, a
network failure or 5xx after the retry budget, an open breaker, an answer that cannot be read)
is ``AMBIGUOUS``: the outbox
reads back before trying again. Any other failure is ``REJECTED``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from coisync.connector.writer import WriteOp, WriteOutcome, WriteResult
from coisync.http import (
    AmbiguousWriteError,
    CircuitOpenError,
    InvalidResponseError,
    ServerError,
    TransportFailedError,
)

UNKNOWN_OUTCOME: tuple[type[Exception], ...] = (
    AmbiguousWriteError,
    TransportFailedError,
    ServerError,
    CircuitOpenError,
    InvalidResponseError,  # the platform answered, but not so that its answer can be read
)
"""Failures after which the write may or may not have been applied."""


def failed_write(op: WriteOp, exc: Exception) -> WriteResult:
    """``AMBIGUOUS`` when the write may have landed, ``REJECTED`` otherwise (message: the error)."""
    outcome = WriteOutcome.AMBIGUOUS if isinstance(exc, UNKNOWN_OUTCOME) else WriteOutcome.REJECTED
    return WriteResult(op_id=op.op_id, outcome=outcome, platform_id=op.platform_id, message=str(exc))


def same_value(platform: Any, wanted: Any) -> bool:
    """Whether the platform's value equals the written one (numbers compared as numbers, blank as None)."""
    if platform in ("", None) and wanted in ("", None):
        return True
    if platform == wanted:
        return True
    if isinstance(platform, bool) or isinstance(wanted, bool) or platform is None or wanted is None:
        return str(platform).lower() == str(wanted).lower() if None not in (platform, wanted) else False
    try:
        return Decimal(str(platform)) == Decimal(str(wanted))
    except InvalidOperation:
        return str(platform) == str(wanted)


__all__ = ["UNKNOWN_OUTCOME", "failed_write", "same_value"]
