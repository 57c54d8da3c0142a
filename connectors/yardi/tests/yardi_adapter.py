"""The Yardi connector's answers to the conformance kit (and helpers for its other tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coisync_yardi.connector import YardiConnector
from coisync_yardi.emulator import YardiCredential, YardiEmulator, YardiSettings

from coisync.http import FakeClock
from coisync.sandbox.emulator import Emulator, iso_utc
from coisync.testing import ConformanceAdapter

USER = "conformance_user"
PASSWORD = "conformance-password-7d1f"
LICENCE = "conformance-licence-93ab"
ENTITY = "coisync"
PASSWORD_ENV, LICENCE_ENV = "YARDI_CONFORMANCE_PASSWORD", "YARDI_CONFORMANCE_LICENCE"
SERVER, DATABASE = "conformance_server", "conformance_db"


def credential(password: str = PASSWORD, licence: str = LICENCE) -> YardiCredential:
    """The one interface user the test emulators accept."""
    return YardiCredential(
        user_name=USER, password=password, server_name=SERVER, database=DATABASE, licences={ENTITY: licence}
    )


def yardi_emulator(
    state_dir: Path,
    clock: FakeClock,
    *,
    settings: YardiSettings | None = None,
    password: str = PASSWORD,
    licence: str = LICENCE,
) -> YardiEmulator:
    """An emulator with two properties: ``hp01`` (every interface) and ``hp02`` (Common Data only)."""
    emulator = YardiEmulator(
        state_dir, clock, seed=7, credentials=[credential(password, licence)], settings=settings
    )
    emulator.seed(
        {
            "properties": [
                {"code": "hp01", "name": "Harbor Point Tower", "modified": iso_utc(clock.now() - 7200)},
                {
                    "code": "hp02",
                    "name": "Harbor Point Retail",
                    "interfaces": ["Common Data"],
                    "modified": iso_utc(clock.now() - 7200),
                },
            ]
        }
    )
    return emulator


def seed_vendors(emulator: YardiEmulator, count: int, **fields: Any) -> list[str]:
    """``count`` vendors of ``hp01`` with one general-liability policy each, a second apart an hour ago."""
    now = emulator.clock.now()
    seeded = emulator.seed(
        {
            "vendors": [
                {
                    "id": f"v7{n:05d}",
                    "name": f"Vendor {n} LLC",
                    "properties": ["hp01"],
                    "modified": iso_utc(now - 3600 + n),
                    "policies": [
                        {
                            "type": "General Liability",
                            "insurer": "Hartford",
                            "number": f"GL-{n:04d}",
                            "expiration": "2026-12-31",
                            "amount": "1000000",
                        }
                    ],
                    **fields,
                }
                for n in range(count)
            ]
        }
    )
    return seeded["vendors"]


def connection_table(base_url: str, **extra: Any) -> dict[str, Any]:
    """A ``[connections.*]`` table for the emulator at ``base_url`` (client path ``coisync``)."""
    return {
        "base_url": f"{base_url}/coisync",
        "properties": ["hp01"],
        "credentials": {
            "user_name": USER,
            "password": {"$env": PASSWORD_ENV},
            "server_name": SERVER,
            "database": DATABASE,
            "interface_entity": ENTITY,
            "interface_license": {"$env": LICENCE_ENV},
        },
        **extra,
    }


class YardiAdapter(ConformanceAdapter):
    """Reads the vendors stream; writes a vendor's compliance status."""

    connector_cls = YardiConnector
    stream = "vendors"
    status_type = "vendor"  # the kit's default write: a non-compliant status with its reason
    page_size = 5  # Yardi does not page; the kit still seeds enough for three pages

    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        """The emulator with the properties the vendors belong to."""
        return yardi_emulator(state_dir, clock)

    def connection_table(self, base_url: str) -> dict[str, Any]:
        """Property list and secret references."""
        return connection_table(base_url)

    def credentials_env(self, *, valid: bool) -> dict[str, str]:
        """The password and interface licence, or a wrong password."""
        return {PASSWORD_ENV: PASSWORD if valid else "wrong-password-41c2", LICENCE_ENV: LICENCE}

    def secrets(self) -> list[str]:
        """The password and the interface licence."""
        return [PASSWORD, LICENCE]

    def seed(self, emulator: Emulator, count: int) -> list[str]:
        """Vendors of ``hp01``."""
        assert isinstance(emulator, YardiEmulator)
        return seed_vendors(emulator, count)

    def modify(self, emulator: Emulator, platform_id: str) -> None:
        """A Voyager user edits one vendor's notes."""
        with emulator.store.transaction() as state:
            vendor = state["vendors"][platform_id]
            vendor["notes"] = "Renewal requested by phone"
            vendor["modified"] = emulator.clock.now()
