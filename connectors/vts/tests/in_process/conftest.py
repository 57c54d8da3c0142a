"""Fixtures for tests that drive the VTS connector against the in-process emulator on a fake
clock (they take the place, in this folder, of the parent folder's raw-HTTP fixtures)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from coisync_vts.config import VtsConfig
from coisync_vts.connector import VtsConnector
from coisync_vts.emulator import VtsEmulator, VtsSettings
from vts_adapter import API_KEY, API_SECRET, KEY_ENV, SECRET_ENV, Make, connection_table, vts_emulator

from coisync.connector import parse_connection
from coisync.http import FakeClock
from coisync.testing import EmulatorEndpoint, open_endpoint


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> VtsSettings:
    return VtsSettings()


@pytest.fixture
def emulator(tmp_path: Path, clock: FakeClock, settings: VtsSettings) -> VtsEmulator:
    return vts_emulator(tmp_path / "vts", clock, settings)


@pytest.fixture
def endpoint(emulator: VtsEmulator, clock: FakeClock) -> Iterator[EmulatorEndpoint]:
    with open_endpoint("in_process", emulator, clock) as opened:
        yield opened


@pytest.fixture
def make(endpoint: EmulatorEndpoint, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Make]:
    monkeypatch.setenv(KEY_ENV, API_KEY)
    monkeypatch.setenv(SECRET_ENV, API_SECRET)
    made: list[VtsConnector] = []

    def factory(mode: str = "auto", **extra: Any) -> VtsConnector:
        table = {**connection_table(endpoint.base_url, certificates=mode), "connector": "vts", **extra}
        connector = VtsConnector(
            parse_connection("vts", table, VtsConfig), endpoint.session_factory(), clock=clock
        )
        made.append(connector)
        return connector

    yield factory
    for connector in made:
        connector.close()
