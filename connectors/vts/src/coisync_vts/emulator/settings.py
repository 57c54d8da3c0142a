"""Resource names, behaviour switches and what the VTS emulator assumes where VTS is silent.

Evidence (platforms.md §3, §8.3 and VTS's published OpenAPI fragments): the base path, HTTP
Basic with an API key and secret, the XML auth check, JSON:API documents, ``page[size]`` /
``page[after]`` / ``page[before]`` with base64 cursors and ``links``, ``filter[updated_since]``,
``{"errors": [{"detail": ...}]}`` bodies, 403 "API not authorized for use" and 409 "Duplicate
record". Everything a :class:`VtsSettings` field switches is **assumed**.
"""

from __future__ import annotations

from dataclasses import dataclass

API_BASE = "/api/v1"
CONNECT_PATH = "/api/connect/v1"
"""The auth check: XML ``<Connect><ID/><Authorized/></Connect>``."""

ACCESS_DENIED = "HTTP Basic: Access denied."
NOT_AUTHORIZED = "API not authorized for use"
DUPLICATE = "Duplicate record"
RATE_LIMITED = "Rate limit exceeded"
"""The 429 detail (**assumed**: VTS documents no rate limits)."""

CERTIFICATES = "insurance_certificates"
"""The **assumed** insurance resource (VTS has no public COI API; platforms.md §8.3)."""

TENANT_UPDATES = "tenant_updates"
"""Comments on a tenant (VTS's documented ``GET /api/v1/tenant_updates``; writing one is **assumed**)."""

RESOURCES = ("assets", "tenants", "global_tenants", "leases", "tenant_contacts", CERTIFICATES, TENANT_UPDATES)
"""Collections the emulator keeps, in the order seeding fills them."""


@dataclass(frozen=True)
class VtsSettings:
    """Behaviour switches; every one of them is an **assumption** about VTS.

    Attributes:
        insurance_certificates: Serve the assumed ``insurance_certificates`` resource. Off, its
            paths answer 404 like any unknown path (a real VTS account).
        page_size: ``page[size]`` when none is given.
        max_page_size: The largest ``page[size]``; larger values are clamped.
        updated_since_inclusive: ``filter[updated_since]`` keeps records updated at the given
            time too (``>=``); off, only later ones (``>``).
        double_encoded_links: Cursors in ``links`` are percent-encoded twice, as in VTS's own
            examples (``page%5Bafter%5D=MzE2NjQ%253D``); the server accepts both spellings.
        lease_asset_relationship: Leases carry an ``asset`` relationship (the fragments show
            only ``tenant`` and ``contacts``; the connector needs a lease's property).
        authorized_resources: Resources the API key may read; others answer 403. ``None``: all.
        retry_after: ``Retry-After`` seconds of the emulator's own 429s (fault rules set theirs).
        account_id: ``<ID>`` of the auth check.
        tenant_update_writes: Accept ``POST /api/v1/tenants/{tenant_id}/tenant_updates`` (VTS
            documents only the list of tenant updates; the write, modelled on
            ``leases/{lease_id}/delinquencies``, is assumed). Off, that path is 404.
        comment_max: The longest ``comment`` a tenant update takes (VTS documents none).
    """

    insurance_certificates: bool = True
    page_size: int = 25
    max_page_size: int = 100
    updated_since_inclusive: bool = True
    double_encoded_links: bool = True
    lease_asset_relationship: bool = True
    authorized_resources: frozenset[str] | None = None
    retry_after: int = 1
    account_id: int = 166
    tenant_update_writes: bool = True
    comment_max: int = 5000


__all__ = [
    "ACCESS_DENIED",
    "API_BASE",
    "CERTIFICATES",
    "CONNECT_PATH",
    "DUPLICATE",
    "NOT_AUTHORIZED",
    "RATE_LIMITED",
    "RESOURCES",
    "TENANT_UPDATES",
    "VtsSettings",
]
