"""VTS through the sync engine against a served emulator: certificate statuses written once, and a
VTS without the certificate resource read for reconciliation and reported read-only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from coisync_vts.emulator import CERTIFICATES, VtsEmulator, VtsSettings, stamp
from vts_adapter import API_KEY, API_SECRET, KEY_ENV, SECRET_ENV

from coisync.portfolio import PortfolioSettings
from coisync.sandbox.emulator import FixedClock, serve
from coisync.store import Store, open_store
from coisync.sync.engine import SyncEngine, SyncOptions
from coisync.sync.settings import SyncSettings

AS_OF = date(2026, 1, 1)


def seed(emulator: VtsEmulator, *, certificates: bool) -> None:
    earlier = stamp(emulator.clock.now() - 86400)
    data: dict[str, Any] = {
        "assets": [{"id": "1", "name": "West 41st Tower", "updated_at": earlier}],
        "tenants": [{"id": str(10 + n), "name": f"Tenant {n} LLC", "updated_at": earlier} for n in range(3)],
        "leases": [
            {"id": str(20 + n), "tenant_id": str(10 + n), "asset_id": "1", "commencement_date": "2024-01-01",
             "expiration_date": "2034-01-01", "updated_at": earlier}
            for n in range(3)
        ],
        "tenant_contacts": [
            {"tenant_id": str(10 + n), "lease_ids": [str(20 + n)], "first_name": "Risk", "last_name": "Desk",
             "email": f"coi+{n}@tenant.example", "updated_at": earlier}
            for n in range(3)
        ],
    }  # fmt: skip
    if certificates:
        data[CERTIFICATES] = [
            {"lease_id": str(20 + n), "coverage_type": "general liability", "carrier": "Chubb",
             "policy_number": f"GL-{n}", "effective_date": "2025-06-01",
             "expiration_date": "2025-12-01" if n == 1 else "2026-06-01",
             "limit": {"magnitude": 1000000, "unit": "USD"}, "certificate_received": True, "updated_at": earlier}
            for n in range(3)
        ]  # fmt: skip
    emulator.seed(data)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'coisync.db'}")
    yield opened
    opened.engine.dispose()


def run_sync(tmp_path: Path, store: Store, emulator: VtsEmulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(KEY_ENV, API_KEY)
    monkeypatch.setenv(SECRET_ENV, API_SECRET)
    with serve(emulator) as server:
        config: dict[str, Any] = {
            "connections": {
                "vts": {
                    "connector": "vts",
                    "base_url": server.url,
                    "writes": True,
                    "allow_private_network": True,
                    "allow_insecure_http": True,
                    "credentials": {"username": {"$env": KEY_ENV}, "password": {"$env": SECRET_ENV}},
                }
            }
        }
        engine = SyncEngine(
            store, config, tmp_path / "coisync.toml", PortfolioSettings.defaults(), SyncSettings()
        )
        return engine.run(SyncOptions(as_of=AS_OF, max_write_fraction=1.0))


def writes(emulator: VtsEmulator) -> list[dict[str, Any]]:
    return [e for e in emulator.request_log.entries() if e["method"] in ("POST", "PATCH", "PUT", "DELETE")]


def test_statuses_are_written_to_certificates_once(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = VtsEmulator(tmp_path / "vts", FixedClock(), seed=3, credentials={API_KEY: API_SECRET})
    seed(emulator, certificates=True)
    first = run_sync(tmp_path, store, emulator, monkeypatch)
    part = first.connections[0]
    assert part.error is None, part.error
    assert part.read_only_reason is None and part.writes
    assert part.push is not None and part.push.applied == 3, part.push
    assert {s.stream: s.read for s in part.streams} == {
        "assets": 1,
        "tenants": 3,
        "leases": 3,
        CERTIFICATES: 3,
    }
    statuses = {
        r["id"]: r["attributes"]["compliance_status"]
        for r in emulator.store.snapshot()[CERTIFICATES].values()
    }
    assert all(statuses.values()), statuses
    assert len(set(statuses.values())) >= 2, "the expired line should differ from the others"
    assert all(e["method"] == "PATCH" for e in writes(emulator))

    emulator.request_log.clear()
    second = run_sync(tmp_path, store, emulator, monkeypatch)
    assert second.connections[0].error is None
    assert writes(emulator) == [], "an unchanged second run wrote again"


def test_a_vts_without_certificates_is_read_and_reported_read_only(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = VtsEmulator(
        tmp_path / "vts",
        FixedClock(),
        seed=3,
        credentials={API_KEY: API_SECRET},
        settings=VtsSettings(insurance_certificates=False),
    )
    seed(emulator, certificates=False)
    summary = run_sync(tmp_path, store, emulator, monkeypatch)
    part = summary.connections[0]
    assert part.error is None, part.error
    assert part.writes is False
    assert part.read_only_reason is not None and "no insurance_certificates resource" in part.read_only_reason
    assert summary.as_dict()["connections"][0]["read_only_reason"] == part.read_only_reason
    read = {s.stream: s.read for s in part.streams}
    assert read == {"assets": 1, "tenants": 3, "leases": 3}, part.streams
    assert all(s.quarantined == 0 for s in part.streams)
    assert writes(emulator) == []
