"""An emulator of VTS's Lease API (platforms.md §3 and §8.3).

:class:`VtsEmulator` serves assets, tenants, global tenants, leases and tenant contacts in
VTS's JSON:API shape, plus an **assumed** ``insurance_certificates`` resource that
:class:`VtsSettings` can switch off (then VTS is read-only, as the real one is).
"""

from __future__ import annotations

from coisync_vts.emulator.app import DEMO_CREDENTIALS, FILTERS, VtsEmulator, stamp
from coisync_vts.emulator.certificates import COMPLIANCE_STATUSES
from coisync_vts.emulator.documents import decode_cursor, encode_cursor
from coisync_vts.emulator.seed import DEMO_SEED
from coisync_vts.emulator.settings import (
    ACCESS_DENIED,
    API_BASE,
    CERTIFICATES,
    CONNECT_PATH,
    DUPLICATE,
    NOT_AUTHORIZED,
    RATE_LIMITED,
    VtsSettings,
)

__all__ = [
    "ACCESS_DENIED",
    "API_BASE",
    "CERTIFICATES",
    "COMPLIANCE_STATUSES",
    "CONNECT_PATH",
    "DEMO_CREDENTIALS",
    "DEMO_SEED",
    "DUPLICATE",
    "FILTERS",
    "NOT_AUTHORIZED",
    "RATE_LIMITED",
    "VtsEmulator",
    "VtsSettings",
    "decode_cursor",
    "encode_cursor",
    "stamp",
]
