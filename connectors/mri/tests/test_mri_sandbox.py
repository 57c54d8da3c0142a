"""Seeding the MRI emulator from the sandbox scenario, and the connection the sandbox writes for it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from coisync_mri.config import MriConfig
from coisync_mri.connector import MriConnector
from coisync_mri.emulator import MriEmulator
from coisync_mri.sandbox import MriEmulatorFactory, scenario_seed

from coisync.connector import parse_connection
from coisync.http import FakeClock
from coisync.sandbox.scenario import build_scenario
from coisync.sandbox.views import platform_view
from coisync.testing import open_endpoint, read_stream


def test_the_scenario_view_becomes_buildings_leases_and_insurance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = platform_view(build_scenario(seed=4, size=40, as_of=date(2026, 1, 1)), "mri")
    tenants = [m for m in view.parties if m.record_type == "tenant"]
    assert tenants, "the scenario placed no tenant on MRI"
    factory = MriEmulatorFactory()
    clock = FakeClock()
    emulator = factory(tmp_path, clock, seed=4)
    factory.seed_from_scenario(emulator, view)
    assert isinstance(emulator, MriEmulator)
    state = emulator.store.snapshot()
    assert set(state["buildings"]) == {pid for pid, _ in view.properties}
    assert len(state["leases"]) == len(tenants)
    assert len(state["insurance"]) == sum(len(m.lines) for m in tenants)
    assert all(row["ComplianceStatus"] == "" for row in state["insurance"].values())

    connection = factory.sandbox_connection(emulator, "http://127.0.0.1:1")
    for key, value in connection.credentials.items():
        monkeypatch.setenv(f"MRI_SANDBOX_{key.upper()}", value)
    with open_endpoint("in_process", emulator, clock) as endpoint:
        table = {
            "connector": "mri",
            "base_url": endpoint.base_url,
            **connection.settings,
            "credentials": {key: {"$env": f"MRI_SANDBOX_{key.upper()}"} for key in connection.credentials},
        }
        connector = MriConnector(
            parse_connection("sandbox", table, MriConfig), endpoint.session_factory(), clock=clock
        )
        occupants, quarantined, _ = read_stream(connector, "occupants")
        assert not quarantined
        assert {r.platform_id for r in occupants} == {m.platform_id for m in tenants}
        policies, quarantined, _ = read_stream(connector, "insurance")
        assert not quarantined and len(policies) == len(state["insurance"])
        connector.close()


def test_seed_is_deterministic() -> None:
    scenario = build_scenario(seed=9, size=30, as_of=date(2026, 1, 1))
    assert scenario_seed(platform_view(scenario, "mri")) == scenario_seed(platform_view(scenario, "mri"))


def test_seeding_refuses_another_emulator(tmp_path: Path) -> None:
    from coisync.sandbox.emulator import Emulator

    view = platform_view(build_scenario(seed=1, size=30, as_of=date(2026, 1, 1)), "mri")
    with pytest.raises(TypeError):
        MriEmulatorFactory().seed_from_scenario(Emulator(tmp_path), view)
