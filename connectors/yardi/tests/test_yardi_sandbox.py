"""Yardi in `coisync sandbox`: seeded from the scenario's Yardi view, reachable by its connection."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from coisync_yardi import register_emulators
from coisync_yardi.config import YardiConfig
from coisync_yardi.connector import YardiConnector
from coisync_yardi.emulator import YardiEmulator
from coisync_yardi.sandbox import YardiEmulatorFactory, scenario_seed

from coisync.connector import parse_connection
from coisync.http import FakeClock, HttpSession
from coisync.sandbox.emulator import EmulatorTransport
from coisync.sandbox.plugins import SandboxEmulator
from coisync.sandbox.scenario import build_scenario
from coisync.sandbox.views import platform_view
from coisync.testing import read_stream


def test_the_plugin_registers_a_seedable_factory() -> None:
    registered: dict[str, Any] = {}
    register_emulators(register=lambda name, factory: registered.setdefault(name, factory))
    assert isinstance(registered["yardi"], SandboxEmulator)
    assert registered["yardi"].connector == "yardi"


def test_scenario_seed_then_the_sandbox_connection_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = platform_view(build_scenario(4, 40, date(2026, 12, 4)), "yardi")
    assert view.parties, "the scenario places nobody on Yardi"
    seed = scenario_seed(view)
    assert seed == scenario_seed(view)
    factory = YardiEmulatorFactory()
    clock = FakeClock()
    emulator = factory(tmp_path / "yardi", clock, 4)
    assert isinstance(emulator, YardiEmulator)
    factory.seed_from_scenario(emulator, view)
    connection = factory.sandbox_connection(emulator, "http://127.0.0.1:8123")
    secrets = {key: f"YARDI_SANDBOX_{key.upper()}" for key in connection.credentials}
    for key, env in secrets.items():
        monkeypatch.setenv(env, str(connection.credentials[key]))
    table = {
        "connector": "yardi",
        "base_url": "https://yardi.emulator.test",  # the server root, as the sandbox writes it
        "credentials": {key: {"$env": env} for key, env in secrets.items()},
        **connection.settings,
    }
    config = parse_connection("yardi", table, YardiConfig)
    session = functools.partial(
        HttpSession,
        transport=EmulatorTransport(emulator),
        clock=clock,
        resolver=lambda h, p: ["93.184.216.34"],
    )
    connector = YardiConnector(config, session, clock=clock)
    vendors = {m.platform_id for m in view.parties if m.record_type != "tenant"}
    tenants = {m.platform_id for m in view.parties if m.record_type == "tenant"}
    assert {r.platform_id for r in read_stream(connector, "vendors")[0]} == vendors
    assert {r.platform_id for r in read_stream(connector, "tenants")[0]} == tenants
    lines = sum(len(m.lines) for m in view.parties)
    policies = read_stream(connector, "vendor_policies")[0] + read_stream(connector, "tenant_policies")[0]
    assert len(policies) == lines
    assert connector.check().ok
