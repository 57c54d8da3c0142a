"""Fixtures for driving the MRI emulator with raw HTTP requests (no connector code involved)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from coisync_mri.emulator import MriEmulator, MriSettings
from mri_raw import PASSWORD, USERNAME

from coisync.sandbox.emulator import EmulatorTransport, FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings() -> MriSettings:
    return MriSettings()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def emulator(state_dir: Path, clock: FixedClock, settings: MriSettings) -> MriEmulator:
    emu = MriEmulator(state_dir, clock, seed=5, credentials={USERNAME: PASSWORD}, settings=settings)
    emu.seed_demo()
    return emu


@pytest.fixture
def client(emulator: MriEmulator) -> Iterator[httpx.Client]:
    """An unauthenticated client on the in-process emulator."""
    with httpx.Client(transport=EmulatorTransport(emulator), base_url="https://mri.emulator.test") as c:
        yield c


@pytest.fixture
def authed(emulator: MriEmulator) -> Iterator[httpx.Client]:
    """A client sending the valid composite Basic credentials."""
    with httpx.Client(
        transport=EmulatorTransport(emulator),
        base_url="https://mri.emulator.test",
        auth=httpx.BasicAuth(USERNAME, PASSWORD),
    ) as c:
        yield c
