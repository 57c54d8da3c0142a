"""Fixtures for driving the VTS emulator with raw HTTP requests (no connector code involved)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from coisync_vts.emulator import VtsEmulator, VtsSettings
from vts_raw import API_KEY, API_SECRET

from coisync.sandbox.emulator import EmulatorTransport, FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings() -> VtsSettings:
    return VtsSettings()


@pytest.fixture
def emulator(tmp_path: Path, clock: FixedClock, settings: VtsSettings) -> VtsEmulator:
    emu = VtsEmulator(tmp_path / "state", clock, seed=5, credentials={API_KEY: API_SECRET}, settings=settings)
    emu.seed_demo()
    return emu


@pytest.fixture
def client(emulator: VtsEmulator) -> Iterator[httpx.Client]:
    """An unauthenticated client on the in-process emulator."""
    with httpx.Client(transport=EmulatorTransport(emulator), base_url="https://vts.emulator.test") as c:
        yield c


@pytest.fixture
def authed(emulator: VtsEmulator) -> Iterator[httpx.Client]:
    """A client sending the valid API key and secret."""
    with httpx.Client(
        transport=EmulatorTransport(emulator),
        base_url="https://vts.emulator.test",
        auth=httpx.BasicAuth(API_KEY, API_SECRET),
    ) as c:
        yield c
