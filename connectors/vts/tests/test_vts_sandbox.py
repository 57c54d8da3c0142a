"""VTS in `coisync sandbox`: seeded from the scenario's VTS view, reachable by its connection;
tenants that MRI also holds arrive under the same names."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from coisync_vts import register_emulators
from coisync_vts.config import VtsConfig
from coisync_vts.connector import VtsConnector
from coisync_vts.emulator import VtsEmulator, VtsSettings
from coisync_vts.sandbox import VtsEmulatorFactory, scenario_seed

from coisync.connector import parse_connection
from coisync.http import FakeClock, HttpSession
from coisync.sandbox.divergence import unknowns
from coisync.sandbox.emulator import EmulatorTransport
from coisync.sandbox.plugins import SandboxEmulator
from coisync.sandbox.scenario import build_scenario
from coisync.sandbox.views import platform_view
from coisync.testing import read_stream

SCENARIO = functools.partial(build_scenario, 4, 40, date(2026, 12, 4))


def test_the_plugin_registers_a_seedable_factory() -> None:
    registered: dict[str, Any] = {}
    register_emulators(register=lambda name, factory: registered.setdefault(name, factory))
    assert isinstance(registered["vts"], SandboxEmulator)
    assert registered["vts"].connector == "vts"


def connector_for(emulator: VtsEmulator, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> VtsConnector:
    connection = VtsEmulatorFactory().sandbox_connection(emulator, "http://127.0.0.1:8123")
    secrets = {key: f"VTS_SANDBOX_{key.upper()}" for key in connection.credentials}
    for key, env in secrets.items():
        monkeypatch.setenv(env, str(connection.credentials[key]))
    table = {
        "connector": "vts",
        "base_url": "https://vts.emulator.test",
        "credentials": {key: {"$env": env} for key, env in secrets.items()},
        **connection.settings,
    }
    session = functools.partial(
        HttpSession,
        transport=EmulatorTransport(emulator),
        clock=clock,
        resolver=lambda h, p: ["93.184.216.34"],
    )
    return VtsConnector(parse_connection("vts", table, VtsConfig), session, clock=clock)


@pytest.mark.parametrize("certificates", [True, False], ids=["with_certificates", "read_only"])
def test_scenario_seed_then_the_sandbox_connection_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, certificates: bool
) -> None:
    scenario = SCENARIO()
    view = platform_view(scenario, "vts")
    tenants = [m for m in view.parties if m.record_type == "tenant"]
    assert tenants, "the scenario places no tenant on VTS"
    assert scenario_seed(view) == scenario_seed(view)
    factory = VtsEmulatorFactory()
    clock = FakeClock()
    emulator = factory(tmp_path / "vts", clock, 4, settings=VtsSettings(insurance_certificates=certificates))
    factory.seed_from_scenario(emulator, view)
    connector = connector_for(emulator, clock, monkeypatch)
    assert connector.read_only is not certificates
    parties, quarantined, _ = read_stream(connector, "tenants")
    assert not quarantined
    assert {p.raw["attributes"]["name"] for p in parties} == {m.party["legal_name"] for m in tenants}
    assert all(p.raw["coisync_contact"]["email"] for p in parties)
    leases, quarantined, _ = read_stream(connector, "leases")
    assert len(leases) == len(tenants) and not quarantined
    if certificates:
        lines = sum(len(m.lines) for m in tenants)
        policies, quarantined, _ = read_stream(connector, "insurance_certificates")
        assert len(policies) == lines and not quarantined
    connector.close()


def test_mri_and_vts_hold_the_same_tenants_under_the_same_names() -> None:
    scenario = SCENARIO()
    mri = {
        m.party["id"]: m.party["legal_name"]
        for m in platform_view(scenario, "mri").parties
        if m.record_type == "tenant"
    }
    vts = {m.party["id"]: m.party["legal_name"] for m in platform_view(scenario, "vts").parties}
    left_out = {u.party_id for u in unknowns(scenario) if "vts" in u.unknown_in}
    assert len(left_out) == 1 and left_out <= set(mri), "one MRI tenant is left out of VTS"
    assert set(mri) - left_out <= set(vts), "every other MRI tenant is tracked in VTS too"
    assert all(vts[party] == name for party, name in mri.items() if party not in left_out)
