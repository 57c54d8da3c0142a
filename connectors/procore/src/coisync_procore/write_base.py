"""What every Procore writer shares: the insurance paths, one fetch, and value comparison.

Failure outcomes and value comparison are the core's (:mod:`coisync.connector.outcomes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coisync.connector import WriteOp, Writer, WriteResult
from coisync.connector.outcomes import UNKNOWN_OUTCOME, failed_write, same_value
from coisync.http import NotFoundError

if TYPE_CHECKING:
    from coisync_procore.connector import ProcoreConnector

READ_NAMES: dict[str, str] = {"name": "insurance_provider"}
"""Write names Procore answers under another name [DOC]: the carrier goes in as ``name``."""


def holds(record: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    """Whether ``record`` (as Procore returns it) already holds every value of ``payload``."""
    return all(same_value(record.get(READ_NAMES.get(key, key)), value) for key, value in payload.items())


class ProcoreWriter(Writer):
    """Shared plumbing: paths, fetching one insurance, and the outcome of a failed request."""

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
        body: dict[str, Any] = self.connector.session.body(response)
        return body

    @staticmethod
    def failed(op: WriteOp, exc: Exception) -> WriteResult:
        """``AMBIGUOUS`` when the write may have landed, ``REJECTED`` otherwise."""
        return failed_write(op, exc)


__all__ = ["READ_NAMES", "UNKNOWN_OUTCOME", "ProcoreWriter", "holds", "same_value"]
