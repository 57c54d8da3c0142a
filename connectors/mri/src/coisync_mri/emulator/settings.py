"""API names, behaviour switches and what the emulator assumes where MRI's documentation is silent.

Evidence (platforms.md §2, §8.2): the endpoint, the composite Basic user name, the OData-v3
envelope, ``$top``/``$skip`` with ``nextLink``, ``LASTUPDATEDATE``, PascalCase string fields,
per-row ``Error.Message`` inside a 200, the 500 "deadlocked" text and 429 without rate headers
come from third-party client code. Everything in :class:`MriSettings` is **assumed** and can be
switched.
"""

from __future__ import annotations

from dataclasses import dataclass

API_PATH = "/mriapiservices/api.asp"
"""The one endpoint every API name is served from."""

BUILDINGS_API = "MRI_S-PMCM_Buildings"
"""Buildings. **Assumed** name, following MRI's ``MRI_S-<module>_<Name>`` pattern."""
LEASES_API = "MRI_S-PMCM_CommercialLeasesLeasByBuildingID"
"""Commercial leases of a building (MRI's real API name)."""
NOTES_API = "MRI_S-PMCM_CommercialLeasesNoteByBuildingID"
"""Lease notes, GET and POST (MRI's real API name and POST fields)."""
INSURANCE_API = "MRI_S-PMCM_CommercialLeaseInsuranceByBuildingID"
"""Insurance rows of a building's leases. **Assumed**: MRI publishes no insurance API."""
REFERENCE_TYPES_API = "MRI_S-PMCM_ReferenceTypes"
"""Note reference codes (MRI's real API name; the row shape is **assumed**)."""

ALL_APIS = (BUILDINGS_API, LEASES_API, NOTES_API, INSURANCE_API, REFERENCE_TYPES_API)

DEADLOCK_MESSAGE = (
    "Transaction (Process ID 61) was deadlocked on lock resources with another process and has been "
    "chosen as the deadlock victim. Rerun the transaction."
)
"""The SQL Server text MRI returns with an HTTP 500 under contention (clients retry it)."""


@dataclass(frozen=True)
class MriSettings:
    """Behaviour switches; every one of them is an **assumption** about MRI.

    Attributes:
        max_top: Default and largest ``$top`` (300, inferred from observed ``nextLink`` values);
            a larger ``$top`` is clamped.
        retry_after_on_429: Send ``Retry-After`` with a 429. MRI is observed to send no rate
            headers at all, so the default is False.
        rate_windows: ``(limit, seconds)`` fixed windows for the emulator's own 429s; empty
            (the default) means no limit, since MRI documents none.
        manifest: The API names the partner key may call; others get 403. ``None`` allows
            every emulated API.
        note_text_max: The longest ``NoteText`` a note POST accepts.
        status_text_max: The longest ``ComplianceStatus`` an insurance POST accepts.
        comment_max: The longest ``ComplianceNote`` or ``Notes`` an insurance POST accepts
            (2000; MRI's real column width is unknown).
        unknown_api_status: Status of a ``$api`` name the endpoint does not know.
    """

    max_top: int = 300
    retry_after_on_429: bool = False
    rate_windows: tuple[tuple[int, int], ...] = ()
    manifest: frozenset[str] | None = None
    note_text_max: int = 4000
    status_text_max: int = 30
    comment_max: int = 2000
    unknown_api_status: int = 404


__all__ = [
    "ALL_APIS",
    "API_PATH",
    "BUILDINGS_API",
    "DEADLOCK_MESSAGE",
    "INSURANCE_API",
    "LEASES_API",
    "NOTES_API",
    "REFERENCE_TYPES_API",
    "MriSettings",
]
