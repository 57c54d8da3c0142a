"""Talking to MRI's endpoint: the query of an API, paged reads, row POSTs, record keys, time spellings.

Every API is ``GET|POST {api_path}?$api=NAME&$format=json&...``; reads page with ``$top``/
``$skip`` and follow the body's ``nextLink`` (the ``odata`` paginator of the HTTP seam).

Leases and policies are addressed by keys the connector builds, because MRI numbers leases per
building: a lease is ``BUILDING/LEASE`` and a policy ``BUILDING/LEASE/POLICY``. Streams add the
key to each row as :data:`KEY_FIELD` before mapping; writers split it to address the row.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any

from coisync.http import InvalidResponseError, ODataNextLinkPaginator
from coisync.mapping.parsing import parse_datetime

if TYPE_CHECKING:
    from coisync_mri.connector import MriConnector

log = logging.getLogger("coisync.connector.mri")

BUILDINGS_API = "MRI_S-PMCM_Buildings"
"""Buildings (assumed name following MRI's pattern)."""
LEASES_API = "MRI_S-PMCM_CommercialLeasesLeasByBuildingID"
NOTES_API = "MRI_S-PMCM_CommercialLeasesNoteByBuildingID"
INSURANCE_API = "MRI_S-PMCM_CommercialLeaseInsuranceByBuildingID"
"""Lease insurance rows (assumed: MRI publishes no insurance API)."""

BUILDING_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
"""What MRI building ids (``BLDGID``) look like."""

KEY_FIELD = "coisync_key"
"""Field the connector adds to lease and insurance rows: the record's key (see the module docs)."""


def lease_key(row: Mapping[str, Any]) -> str:
    """``BUILDING/LEASE`` of a lease, insurance or note row."""
    return f"{row.get('BuildingID', '')}/{row.get('LeaseID', '')}"


def policy_key(row: Mapping[str, Any]) -> str:
    """``BUILDING/LEASE/POLICY`` of an insurance row."""
    return f"{lease_key(row)}/{row.get('PolicyID', '')}"


def split_key(key: str, parts: int) -> tuple[str, ...] | None:
    """A key's parts, or ``None`` when it does not have ``parts`` non-empty parts."""
    pieces = tuple(key.split("/"))
    return pieces if len(pieces) == parts and all(pieces) else None


def mri_time(value: str) -> str:
    """A cursor value as ``LASTUPDATEDATE`` wants it: ``YYYY-MM-DD HH:mm:ss.SSS`` (UTC)."""
    moment = parse_datetime(value)
    assert moment is not None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


class MriApi:
    """The endpoint as the connector's session reaches it."""

    def __init__(self, connector: MriConnector) -> None:
        self.connector = connector

    def params(self, api: str, **extra: Any) -> dict[str, Any]:
        """``$api``, ``$format=json`` and ``extra`` (``None`` values left out)."""
        return {"$api": api, "$format": "json", **{k: v for k, v in extra.items() if v is not None}}

    def rows(self, api: str, **extra: Any) -> Iterator[Any]:
        """Every row of a read, page by page."""
        paginator = ODataNextLinkPaginator(page_size=self.connector.config.page_size)
        params = self.params(api, **extra)
        for page in self.connector.session.paginate(self.connector.config.api_path, paginator, params):
            yield from page.records

    def building_ids(self) -> list[str]:
        """The configured buildings, or every building the buildings API lists."""
        if self.connector.config.buildings:
            return list(self.connector.config.buildings)
        ids: set[str] = set()
        for row in self.rows(BUILDINGS_API):
            building = row.get("BuildingID") if isinstance(row, Mapping) else None
            if isinstance(building, str) and BUILDING_ID.fullmatch(building):
                ids.add(building)
            else:
                log.warning("MRI listed a building row without a usable BuildingID; its leases are not read")
        return sorted(ids)

    def post(self, api: str, rows: Sequence[Mapping[str, Any]], *, idempotent: bool) -> list[dict[str, Any]]:
        """POST rows in MRI's envelope; the answer rows, in order (``Error.Message`` inside on failure).

        Raises:
            InvalidResponseError: The answer is not the envelope with one row per posted row.
        """
        lowered = api.lower()
        metadata = f"{self.connector.config.base_url}{self.connector.config.api_path}?$api={api}&$metadata#MRI.{lowered}-container/{lowered}"
        response = self.connector.session.request(
            "POST",
            self.connector.config.api_path,
            params=self.params(api),
            json={"odata.metadata": metadata, "value": [dict(r) for r in rows]},
            idempotent=idempotent,
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        answers = body.get("value") if isinstance(body, dict) else None
        if (
            not isinstance(answers, list)
            or len(answers) != len(rows)
            or not all(isinstance(a, dict) for a in answers)
        ):
            raise InvalidResponseError(f"MRI answered a POST to {api} without one row per posted row")
        return answers


def row_error(answer: Mapping[str, Any]) -> str | None:
    """MRI's per-row ``Error.Message`` of an answer row, or ``None`` when the row was saved."""
    error = answer.get("Error")
    if error in (None, "", {}):
        return None
    if isinstance(error, Mapping):
        return str(error.get("Message") or "MRI refused the row without a message")
    return str(error)


__all__ = [
    "BUILDINGS_API",
    "INSURANCE_API",
    "KEY_FIELD",
    "LEASES_API",
    "NOTES_API",
    "MriApi",
    "lease_key",
    "mri_time",
    "policy_key",
    "row_error",
    "split_key",
]
