"""An emulator of MRI Software's API endpoint (platforms.md §2 and §8.2).

:class:`MriEmulator` serves buildings, commercial leases, lease notes and an **assumed**
lease-insurance API from one endpoint; :class:`MriSettings` switches the assumed behaviour.
"""

from __future__ import annotations

from coisync_mri.emulator.app import API_PARAMS, DEMO_CREDENTIALS, MriEmulator
from coisync_mri.emulator.seed import DEMO_SEED, lease_key
from coisync_mri.emulator.settings import (
    ALL_APIS,
    API_PATH,
    BUILDINGS_API,
    DEADLOCK_MESSAGE,
    INSURANCE_API,
    LEASES_API,
    NOTES_API,
    REFERENCE_TYPES_API,
    MriSettings,
)

__all__ = [
    "ALL_APIS",
    "API_PARAMS",
    "API_PATH",
    "BUILDINGS_API",
    "DEADLOCK_MESSAGE",
    "DEMO_CREDENTIALS",
    "DEMO_SEED",
    "INSURANCE_API",
    "LEASES_API",
    "NOTES_API",
    "REFERENCE_TYPES_API",
    "MriEmulator",
    "MriSettings",
    "lease_key",
]
