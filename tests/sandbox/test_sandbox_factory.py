"""The shared emulator factory shape: build, demo on a fresh state only, type check, seeding, connection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coisync.sandbox.emulator import Clock, Emulator, FixedClock
from coisync.sandbox.factory import ScenarioEmulatorFactory
from coisync.sandbox.plugins import SandboxEmulator
from coisync.sandbox.views import PlatformView


class ToyEmulator(Emulator):
    name = "toy"

    def __init__(
        self,
        state_dir: Path | str,
        clock: Clock | None = None,
        seed: int = 0,
        *,
        credentials: Mapping[str, str] | None = None,
        settings: str | None = None,
    ) -> None:
        self.credentials = dict(credentials or {"demo-user": "demo-pass"})
        self.settings = settings
        super().__init__(state_dir, clock, seed)

    def seed(self, data: Mapping[str, Any]) -> None:
        with self.store.transaction() as state:
            for key, rows in data.items():
                state.setdefault(key, []).extend(rows)

    def seed_demo(self) -> None:
        self.seed({"sites": ["demo"]})


class OtherEmulator(Emulator):
    name = "other"


class ToyFactory(ScenarioEmulatorFactory[ToyEmulator]):
    connector = "toy"
    platform = "toy"
    fresh_table = "sites"

    def emulator_type(self) -> type[ToyEmulator]:
        return ToyEmulator

    def seed_data(self, view: PlatformView, emulator: ToyEmulator) -> dict[str, Any]:
        return {"sites": [pid for pid, _ in view.properties], "settings": [emulator.settings]}


def test_builds_with_credentials_and_settings(tmp_path: Path) -> None:
    emulator = ToyFactory()(tmp_path, FixedClock(), 3, credentials={"u": "p"}, settings="strict")
    assert isinstance(emulator, ToyEmulator)
    assert (emulator.credentials, emulator.settings, emulator.seed_value) == ({"u": "p"}, "strict", 3)
    assert emulator.store.snapshot().get("sites") is None  # no demo unless asked
    assert isinstance(ToyFactory(), SandboxEmulator)


def test_demo_seeds_a_fresh_state_only(tmp_path: Path) -> None:
    ToyFactory()(tmp_path, FixedClock(), demo=True)
    again = ToyFactory()(tmp_path, FixedClock(), demo=True)
    assert again.store.snapshot()["sites"] == ["demo"]


def test_seeds_from_the_view_and_refuses_another_emulator(tmp_path: Path) -> None:
    factory = ToyFactory()
    emulator = factory(tmp_path / "toy", settings="lenient")
    view = PlatformView("toy", 1, date(2026, 1, 1), (("p1", {}), ("p2", {})), ())
    factory.seed_from_scenario(emulator, view)
    assert emulator.store.snapshot() == {"sites": ["p1", "p2"], "settings": ["lenient"]}
    with pytest.raises(TypeError, match="expected a ToyEmulator, got OtherEmulator"):
        factory.seed_from_scenario(OtherEmulator(tmp_path / "other"), view)


def test_connection_is_the_first_credential_pair(tmp_path: Path) -> None:
    emulator = ToyFactory()(tmp_path, credentials={"key-1": "secret-1", "key-2": "secret-2"})
    connection = ToyFactory().sandbox_connection(emulator, "http://127.0.0.1:1")
    assert connection.credentials == {"username": "key-1", "password": "secret-1"}
    assert connection.settings == {}
