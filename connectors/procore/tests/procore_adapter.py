"""The Procore connector's answers to the conformance kit (and helpers for its other tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coisync_procore.connector import ProcoreConnector
from coisync_procore.emulator import ProcoreEmulator

from coisync.http import FakeClock
from coisync.sandbox.emulator import Emulator, iso_utc
from coisync.testing import ConformanceAdapter

COMPANY_ID = 4_264_917
VENDOR_ID = 2_627_684
CLIENT_ID = "conformance-client"
CLIENT_SECRET = "conformance-secret-5f0c1e"
ID_ENV, SECRET_ENV = "PROCORE_CONFORMANCE_CLIENT_ID", "PROCORE_CONFORMANCE_CLIENT_SECRET"


def procore_emulator(state_dir: Path, clock: FakeClock, **credentials: str) -> ProcoreEmulator:
    """An emulator with one company and one vendor, accepting ``credentials`` (or the kit's)."""
    emulator = ProcoreEmulator(
        state_dir, clock, seed=7, credentials=credentials or {CLIENT_ID: CLIENT_SECRET}
    )
    emulator.seed(
        {
            "company": {"id": COMPANY_ID, "name": "Harbor Point Properties"},
            "vendors": [
                {"id": VENDOR_ID, "name": "Acme HVAC LLC", "updated_at": iso_utc(clock.now() - 7200)}
            ],
        }
    )
    return emulator


def seed_insurances(emulator: ProcoreEmulator, count: int, **fields: Any) -> list[str]:
    """``count`` general-liability insurances of the vendor, updated a second apart an hour ago."""
    now = emulator.clock.now()
    seeded = emulator.seed(
        {
            "insurances": [
                {
                    "vendor_id": VENDOR_ID,
                    "insurance_type": "General Liability",
                    "insurance_provider": "GL Insurance Inc.",
                    "policy_number": f"GL-{n:04d}",
                    "expiration_date": "2026-12-31",
                    "limit": "1000000.0",
                    "updated_at": iso_utc(now - 3600 + n),
                    **fields,
                }
                for n in range(count)
            ]
        }
    )
    return [str(i) for i in seeded["insurances"]]


class ProcoreAdapter(ConformanceAdapter):
    """Reads the insurances stream; writes a compliance status."""

    connector_cls = ProcoreConnector
    stream = "insurances"
    status_type = "insurance"  # the kit's default write: a non-compliant status with its reason
    page_size = 5

    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        """The emulator with the company and vendor the insurances belong to."""
        return procore_emulator(state_dir, clock)

    def connection_table(self, base_url: str) -> dict[str, Any]:
        """Company, page size and secret references."""
        return {
            "base_url": base_url,
            "company_id": COMPANY_ID,
            "page_size": self.page_size,
            "credentials": {"client_id": {"$env": ID_ENV}, "client_secret": {"$env": SECRET_ENV}},
        }

    def credentials_env(self, *, valid: bool) -> dict[str, str]:
        """The service account, or one with a wrong secret."""
        return {ID_ENV: CLIENT_ID, SECRET_ENV: CLIENT_SECRET if valid else "wrong-secret-9d2b77"}

    def secrets(self) -> list[str]:
        """Only the client secret is secret (the client id appears in messages on purpose)."""
        return [CLIENT_SECRET]

    def seed(self, emulator: Emulator, count: int) -> list[str]:
        """Insurances of the one vendor."""
        assert isinstance(emulator, ProcoreEmulator)
        return seed_insurances(emulator, count)

    def modify(self, emulator: Emulator, platform_id: str) -> None:
        """A Procore user edits the notes of one insurance."""
        with emulator.store.transaction() as state:
            record = state["insurances"][platform_id]
            record["notes"] = "Renewal requested by phone"
            record["updated_at"] = emulator.clock.now()
