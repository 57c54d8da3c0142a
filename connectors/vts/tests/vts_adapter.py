"""The VTS connector's answers to the conformance kit, with and without the certificate resource."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from coisync_vts.connector import VtsConnector
from coisync_vts.emulator import CERTIFICATES, VtsEmulator, VtsSettings, stamp

from coisync.http import FakeClock
from coisync.sandbox.emulator import Emulator
from coisync.testing import ConformanceAdapter

Make = Callable[..., VtsConnector]
"""``make(mode="auto", **table)``: a VTS connector in certificate ``mode``, closed after the test."""

API_KEY = "canary-vts-api-key-5d1e"
API_SECRET = "canary-vts-api-secret-93b7"
KEY_ENV, SECRET_ENV = "VTS_CONFORMANCE_KEY", "VTS_CONFORMANCE_SECRET"
ASSET, TENANT, LEASE = "1", "7", "1"


def vts_emulator(state_dir: Path, clock: FakeClock, settings: VtsSettings | None = None) -> VtsEmulator:
    """An emulator with one asset, tenant and lease, accepting the kit's credentials."""
    emulator = VtsEmulator(state_dir, clock, seed=11, credentials={API_KEY: API_SECRET}, settings=settings)
    earlier = stamp(clock.now() - 7200)
    emulator.seed(
        {
            "assets": [{"id": ASSET, "name": "West 41st Tower", "updated_at": earlier}],
            "tenants": [{"id": TENANT, "name": "Blue Bottle Coffee", "updated_at": earlier}],
            "leases": [{"id": LEASE, "tenant_id": TENANT, "asset_id": ASSET, "updated_at": earlier}],
        }
    )
    return emulator


def seed_certificates(emulator: VtsEmulator, count: int, **attributes: Any) -> list[str]:
    """``count`` GL certificates of the lease, updated a second apart an hour ago; their ids."""
    now = emulator.clock.now()
    added = emulator.seed(
        {
            CERTIFICATES: [
                {"lease_id": LEASE, "coverage_type": "general liability", "carrier": "Chubb",
                 "policy_number": f"GL-{n:04d}", "expiration_date": "2026-12-31",
                 "limit": {"magnitude": 1000000, "unit": "USD"}, "updated_at": stamp(now - 3600 + n), **attributes}
                for n in range(count)
            ]
        }
    )  # fmt: skip
    return added[CERTIFICATES]


def seed_leases(emulator: VtsEmulator, count: int) -> list[str]:
    """``count`` more leases of the tenant, updated a second apart an hour ago; their ids."""
    now = emulator.clock.now()
    added = emulator.seed(
        {
            "leases": [
                {"tenant_id": TENANT, "asset_id": ASSET, "expiration_date": "2030-01-31",
                 "updated_at": stamp(now - 3600 + n)}
                for n in range(count)
            ]
        }
    )  # fmt: skip
    return added["leases"]


def connection_table(base_url: str, page_size: int = 5, certificates: str = "auto") -> dict[str, Any]:
    """Page size, the certificate mode and secret references (the API key is a secret too)."""
    return {
        "base_url": base_url,
        "page_size": page_size,
        "insurance_certificates": certificates,
        "credentials": {"username": {"$env": KEY_ENV}, "password": {"$env": SECRET_ENV}},
    }


class VtsAdapter(ConformanceAdapter):
    """Reads the certificate stream; writes a compliance status."""

    connector_cls = VtsConnector
    stream = "insurance_certificates"
    status_type = "insurance_certificate"  # the kit's default write: a non-compliant status with its reason
    page_size = 5
    mode = "on"
    """``on``: the kit's malformed fault corrupts the first list response, which must be the stream's."""

    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        """The emulator with the asset, tenant and lease the certificates belong to."""
        return vts_emulator(state_dir, clock)

    def connection_table(self, base_url: str) -> dict[str, Any]:
        """See :func:`connection_table`."""
        return connection_table(base_url, self.page_size, self.mode)

    def credentials_env(self, *, valid: bool) -> dict[str, str]:
        """The API key and secret, or a wrong secret."""
        return {KEY_ENV: API_KEY, SECRET_ENV: API_SECRET if valid else "wrong-vts-secret-0000"}

    def seed(self, emulator: Emulator, count: int) -> list[str]:
        """GL certificates of the one lease."""
        assert isinstance(emulator, VtsEmulator)
        return seed_certificates(emulator, count)

    def modify(self, emulator: Emulator, platform_id: str) -> None:
        """A VTS user corrects a carrier."""
        assert isinstance(emulator, VtsEmulator)
        emulator.touch(CERTIFICATES, platform_id, carrier="Chubb Group")


class VtsReadOnlyAdapter(VtsAdapter):
    """A VTS without the certificate resource (``auto`` finds out): reads leases, writes nothing."""

    stream = "leases"
    mode = "auto"

    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        """The emulator with the resource switched off."""
        return vts_emulator(state_dir, clock, VtsSettings(insurance_certificates=False))

    def seed(self, emulator: Emulator, count: int) -> list[str]:
        """Leases of the one tenant."""
        assert isinstance(emulator, VtsEmulator)
        return seed_leases(emulator, count)

    def modify(self, emulator: Emulator, platform_id: str) -> None:
        """A VTS user marks a lease as renewing."""
        assert isinstance(emulator, VtsEmulator)
        emulator.touch("leases", platform_id, renewal_status="renewing")
