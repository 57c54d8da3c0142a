"""The MRI connector's answers to the conformance kit (and helpers for its other tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coisync_mri.connector import MriConnector
from coisync_mri.emulator import MriEmulator, MriSettings
from coisync_mri.emulator.envelope import row_time

from coisync.http import FakeClock
from coisync.sandbox.emulator import Emulator
from coisync.testing import ConformanceAdapter

USERNAME = "CANARYCLIENT/CANARYDB/APIUSER/CANARY-PARTNER-KEY-61d2"
PASSWORD = "canary-mri-password-0b9e"
USER_ENV, PASSWORD_ENV = "MRI_CONFORMANCE_USERNAME", "MRI_CONFORMANCE_PASSWORD"
BUILDING, LEASE, OCCUPANT = "BLD001", "L00001", "0000000001"
KIT_SETTINGS = MriSettings(retry_after_on_429=True)
"""The kit checks that a Retry-After is honoured, so its 429s carry one (MRI's default has none)."""


def mri_emulator(state_dir: Path, clock: FakeClock, settings: MriSettings = KIT_SETTINGS) -> MriEmulator:
    """An emulator with one building and one lease, accepting the kit's credentials."""
    emulator = MriEmulator(state_dir, clock, seed=11, credentials={USERNAME: PASSWORD}, settings=settings)
    stamp = row_time(clock.now() - 7200)
    emulator.seed(
        {
            "buildings": [{"BuildingID": BUILDING, "BuildingName": "Harbor Point Center", "LastUpdate": stamp}],
            "leases": [
                {"BuildingID": BUILDING, "LeaseID": LEASE, "OccupantName": "Blue Bottle Coffee",
                 "MasterOccupantID": OCCUPANT, "LastUpdate": stamp}
            ],
        }
    )  # fmt: skip
    return emulator


def seed_insurance(emulator: MriEmulator, count: int, **fields: Any) -> list[str]:
    """``count`` GL rows on the lease, updated a second apart an hour ago; their keys."""
    now = emulator.clock.now()
    added = emulator.seed(
        {
            "insurance": [
                {"BuildingID": BUILDING, "LeaseID": LEASE, "InsuranceType": "GL", "Carrier": "Travelers",
                 "PolicyNumber": f"GL-{n:04d}", "ExpirationDate": "2026-12-31T00:00:00",
                 "CoverageAmount": "1000000.00", "LastUpdate": row_time(now - 3600 + n), **fields}
                for n in range(count)
            ]
        }
    )  # fmt: skip
    return [f"{BUILDING}/{LEASE}/{policy}" for policy in added["insurance"]]


def connection_table(
    base_url: str, page_size: int = 5, buildings: tuple[str, ...] = (BUILDING,)
) -> dict[str, Any]:
    """Page size, buildings and secret references (the user name embeds the partner key: a secret too).

    The kit's table names the building, so its first list request is the stream's own (the kit
    corrupts the first list response it sees); building discovery has its own tests.
    """
    return {
        "base_url": base_url,
        "page_size": page_size,
        "buildings": list(buildings),
        "credentials": {"username": {"$env": USER_ENV}, "password": {"$env": PASSWORD_ENV}},
    }


class MriAdapter(ConformanceAdapter):
    """Reads the insurance stream; writes a compliance status."""

    connector_cls = MriConnector
    stream = "insurance"
    status_type = "insurance"  # the kit's default write: a non-compliant status with its reason
    page_size = 5

    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        """The emulator with the building and lease the rows belong to."""
        return mri_emulator(state_dir, clock)

    def connection_table(self, base_url: str) -> dict[str, Any]:
        """See :func:`connection_table`."""
        return connection_table(base_url, self.page_size)

    def credentials_env(self, *, valid: bool) -> dict[str, str]:
        """The web-service user, or one whose partner key is wrong."""
        username = USERNAME if valid else USERNAME.replace("CANARY-PARTNER-KEY-61d2", "WRONG-KEY-77aa")
        return {USER_ENV: username, PASSWORD_ENV: PASSWORD}

    def seed(self, emulator: Emulator, count: int) -> list[str]:
        """GL rows of the one lease."""
        assert isinstance(emulator, MriEmulator)
        return seed_insurance(emulator, count)

    def modify(self, emulator: Emulator, platform_id: str) -> None:
        """An MRI user edits the notes of one row."""
        assert isinstance(emulator, MriEmulator)
        emulator.update_insurance(platform_id.rsplit("/", 1)[-1], Notes="Renewal requested by phone")
