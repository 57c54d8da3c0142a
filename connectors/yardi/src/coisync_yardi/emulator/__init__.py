"""The Yardi Voyager SIPP emulator (see :mod:`coisync_yardi.emulator.app` for what it covers).

Not emulated: ``GetAttachment``, payables and invoices, residential resident data beyond the
Renters Insurance 3.0 policies, ``CustomerSearch`` and ``GetUnitConfiguration``.
"""

from __future__ import annotations

from coisync_yardi.emulator.access import DEMO_CREDENTIAL, LOGIN_FAILED, YardiCredential
from coisync_yardi.emulator.app import YardiEmulator
from coisync_yardi.emulator.seed import DEMO_SEED
from coisync_yardi.emulator.settings import (
    COMMON_DATA,
    INTERFACES,
    RENTERS_INSURANCE,
    VENDOR_INVOICING,
    Interface,
    YardiSettings,
)

__all__ = [
    "COMMON_DATA",
    "DEMO_CREDENTIAL",
    "DEMO_SEED",
    "INTERFACES",
    "LOGIN_FAILED",
    "RENTERS_INSURANCE",
    "VENDOR_INVOICING",
    "Interface",
    "YardiCredential",
    "YardiEmulator",
    "YardiSettings",
]
