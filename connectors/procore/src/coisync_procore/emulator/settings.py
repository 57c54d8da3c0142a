"""Knobs of the Procore emulator; every undocumented behaviour has one, marked "assumed".

Documented behaviour (platforms.md §4/§8.4, Procore's own docs) is fixed; the defaults of the
assumed knobs are the emulator's best guess and can be changed per test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coisync.sandbox.emulator.ratelimit import RateWindow

INSURANCE_STATUSES = (
    "compliant",
    "compliant_in_progress",
    "expired",
    "non_compliant",
    "non_compliant_in_progress",
    "undecided",
    "unregistered",
)
"""The documented values of an insurance's ``status``."""

INSURANCE_FIELDS = (
    "id",
    "vendor_id",
    "insurance_type",
    "insurance_provider",
    "policy_number",
    "effective_date",
    "expiration_date",
    "limit",
    "status",
    "exempt",
    "info_received",
    "enable_expired_insurance_notifications",
    "additional_insured",
    "notes",
    "division_template",
    "insurance_sets",
    "origin_id",
    "origin_data",
)
"""The documented fields of an insurance record, in response order."""

ASSUMED_INSURANCE_FIELDS = ("updated_at", "deleted_at", "attachments")
"""Fields the emulator adds to insurance responses when ``extra_fields`` is on (assumed)."""


@dataclass(frozen=True)
class ProcoreSettings:
    """Behaviour switches of :class:`~coisync_procore.emulator.app.ProcoreEmulator`.

    Attributes:
        spike_window: The short window; Procore documents a 10-second spike limit (examples
            show 25). The sandbox default is generous so the demo never waits.
        hourly_window: The long window; Procore's examples show 600 and warn not to assume 3600.
        token_ttl: ``expires_in`` of access tokens; assumed 5400 s from "about 90 minutes".
        refresh_on_client_credentials: Whether a client-credentials grant also returns a refresh
            token (assumed: yes; Procore's docs show ``refresh_token`` as optional).
        default_per_page: ``per_page`` when absent (assumed 100).
        max_per_page: Larger ``per_page`` values are clamped to this (assumed; Procore
            recommends at most 2000).
        updated_at_end_inclusive: Whether the END of ``filters[updated_at]=START...END`` is
            inclusive (assumed yes; the start is inclusive too).
        extra_fields: Add ``updated_at``, ``deleted_at`` and ``attachments`` to insurance
            responses (assumed names; Procore documents the filter, not the response field).
        vendor_level_sync: Serve ``PATCH /companies/{id}/vendors/{id}/insurances/sync``
            (assumed; only the project-level ``sync`` is documented besides the company one).
        sync_upsert_by_origin_id: A sync item without ``id`` whose ``origin_id`` matches a
            live record updates that record (assumed); when off such an item is a create and
            fails with 409.
        sync_max_items: Most items one sync request may carry (assumed 1000).
        default_status: ``status`` of a record created without one (assumed ``undecided``).
        attachments: Serve the upload → PUT → ``upload_ids`` flow (assumed minimal shape).
        tombstones_keep_origin_id: Whether a deleted record still blocks its ``origin_id``
            (assumed no: a new record may reuse it).
        unknown_company_status: Status for a ``Procore-Company-Id`` naming a company the
            app cannot see (assumed 403).
        limit_token_endpoint: Count ``/oauth/token`` against the rate limits (assumed yes; at
            Procore it lives on the separate login host).
    """

    spike_window: RateWindow = field(default_factory=lambda: RateWindow(1000, 10))
    hourly_window: RateWindow = field(default_factory=lambda: RateWindow(100_000, 3600))
    token_ttl: int = 5400
    refresh_on_client_credentials: bool = True
    default_per_page: int = 100
    max_per_page: int = 2000
    updated_at_end_inclusive: bool = True
    extra_fields: bool = True
    vendor_level_sync: bool = True
    sync_upsert_by_origin_id: bool = True
    sync_max_items: int = 1000
    default_status: str = "undecided"
    attachments: bool = True
    tombstones_keep_origin_id: bool = False
    unknown_company_status: int = 403
    limit_token_endpoint: bool = True
