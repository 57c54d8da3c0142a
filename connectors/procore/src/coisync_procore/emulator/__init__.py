"""The Procore API emulator (see :mod:`coisync_procore.emulator.app` for what it covers).

Not emulated yet: webhooks (hooks/triggers/deliveries), the ``authorization_code`` grant and
custom fields.
"""

from __future__ import annotations

from coisync.sandbox.emulator.ratelimit import RateWindow
from coisync_procore.emulator.app import DEMO_CREDENTIALS, ProcoreEmulator
from coisync_procore.emulator.seed import DEMO_COMPANY_ID, DEMO_SEED
from coisync_procore.emulator.settings import INSURANCE_FIELDS, INSURANCE_STATUSES, ProcoreSettings

__all__ = [
    "DEMO_COMPANY_ID",
    "DEMO_CREDENTIALS",
    "DEMO_SEED",
    "INSURANCE_FIELDS",
    "INSURANCE_STATUSES",
    "ProcoreEmulator",
    "ProcoreSettings",
    "RateWindow",
]
