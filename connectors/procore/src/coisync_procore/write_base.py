"""What every Procore writer shares: the insurance paths, value comparison, failure outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from coisync.connector import WriteOp, WriteOutcome, Writer, WriteResult
from coisync.http import (
    AmbiguousWriteError,
    CircuitOpenError,
    NotFoundError,
    ServerError,
    TransportFailedError,
)

if TYPE_CHECKING:
    from coisync_procore.connector import ProcoreConnector

READ_NAMES: dict[str, str] = {"name": "insurance_provider"}
"""Write names Procore answers under another name [DOC]: the carrier goes in as ``name``."""

UNKNOWN_OUTCOME = (AmbiguousWriteError, TransportFailedError, ServerError, CircuitOpenError)
"""Failures after which the write may or may not have been applied."""


def same_value(platform: Any, wanted: Any) -> bool:
    """Whether the platform's value equals the written one (numbers compared as numbers)."""
    if platform == wanted:
        return True
    if isinstance(platform, bool) or isinstance(wanted, bool) or platform is None or wanted is None:
        return False
    try:
        return Decimal(str(platform)) == Decimal(str(wanted))
    except InvalidOperation:
        return False


def holds(record: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    """Whether ``record`` (as Procore returns it) already holds every value of ``payload``."""
    return all(same_value(record.get(READ_NAMES.get(key, key)), value) for key, value in payload.items())


class ProcoreWriter(Writer):
    """Shared plumbing: paths and the outcome of a failed request."""

    def __init__(self, connector: ProcoreConnector) -> None:
        self.connector = connector

    @property
    def insurances_path(self) -> str:
        """The company-level insurance collection."""
        return f"/rest/v1.0/companies/{self.connector.config.company_id}/insurances"

    def fetch(self, insurance_id: str) -> dict[str, Any] | None:
        """One insurance by id, or ``None`` when Procore does not know it."""
        try:
            response = self.connector.session.request("GET", f"{self.insurances_path}/{insurance_id}")
        except NotFoundError:
            return None
        body: dict[str, Any] = response.json()
        return body

    @staticmethod
    def failed(op: WriteOp, exc: Exception) -> WriteResult:
        """``AMBIGUOUS`` when the write may have landed, ``REJECTED`` otherwise."""
        outcome = WriteOutcome.AMBIGUOUS if isinstance(exc, UNKNOWN_OUTCOME) else WriteOutcome.REJECTED
        return WriteResult(op_id=op.op_id, outcome=outcome, platform_id=op.platform_id, message=str(exc))


__all__ = ["READ_NAMES", "UNKNOWN_OUTCOME", "ProcoreWriter", "holds", "same_value"]
