"""The connector guide's example (docs/examples/tinylease*.py): it reads, writes, passes the
conformance kit and plugs into the sandbox without changes to the sandbox."""

from __future__ import annotations

import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pluggy
import pytest

from coisync.connector import ConnectorRegistry, PlatformRecord, WriteOp, WriteTarget, load_connection
from coisync.http import FakeClock
from coisync.plugins import hookspecs
from coisync.sandbox.emulator import Emulator
from coisync.sandbox.layout import SandboxSettings
from coisync.sandbox.plugins import collect_emulators
from coisync.sandbox.runner import SandboxServer
from coisync.testing import ConformanceAdapter, ConnectorConformance, read_stream

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
sys.path.insert(0, str(EXAMPLES))

import tinylease  # noqa: E402
import tinylease_emulator  # noqa: E402

KEY_ENV = "TINYLEASE_TEST_KEY"


class TinyleaseAdapter(ConformanceAdapter):
    """The kit's questions, answered for the example."""

    connector_cls = tinylease.TinyleaseConnector
    stream = "tenants"

    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        return tinylease_emulator.TinyleaseEmulator(state_dir, clock)

    def connection_table(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, "page_size": self.page_size,
                "credentials": {"headers": {"X-Api-Key": {"$env": KEY_ENV}}}}  # fmt: skip

    def credentials_env(self, *, valid: bool) -> dict[str, str]:
        return {KEY_ENV: tinylease_emulator.API_KEY if valid else "wrong-key"}

    def seed(self, emulator: Emulator, count: int) -> list[str]:
        assert isinstance(emulator, tinylease_emulator.TinyleaseEmulator)
        ids = [f"T-{n:04d}" for n in range(count)]
        emulator.seed([{"id": i, "name": f"Tenant {i} LLC"} for i in ids])
        return ids

    def modify(self, emulator: Emulator, platform_id: str) -> None:
        with emulator.store.transaction() as state:
            state["tenants"][platform_id].update(name="Renamed LLC", updated=emulator.now_iso())

    def write_op(self, connector: Any, record: PlatformRecord) -> WriteOp | None:
        return WriteOp(op_id=f"op-{record.platform_id}", connection="conformance",
                       target=WriteTarget.COMPLIANCE_STATUS, platform_type="tenant",
                       platform_id=record.platform_id, payload={"coi_status": "lapsed"},
                       desired={"compliance_status": "expired"})  # fmt: skip


class TestTinyleaseConformance(ConnectorConformance):
    """The same checks every connector passes."""

    adapter = TinyleaseAdapter()


def test_read_and_write_in_process(tmp_path: Path) -> None:
    """A stream read against the emulator in process, then a write it holds."""
    from coisync.testing import open_endpoint

    clock = FakeClock()
    adapter = TinyleaseAdapter()
    emulator = adapter.create_emulator(tmp_path / "emu", clock)
    adapter.seed(emulator, 3)
    with open_endpoint("in_process", emulator, clock) as endpoint:
        table = {**adapter.connection_table(endpoint.base_url), "connector": "tinylease", "writes": True,
                 "allow_private_network": endpoint.private, "allow_insecure_http": endpoint.private,
                 "credentials": {"headers": {"X-Api-Key": {"$file": "key"}}}}  # fmt: skip
        config = load_connection(
            "tiny", {"connections": {"tiny": table}}, config_path=_key_file(tmp_path), registry=_registry()
        )
        connector = tinylease.TinyleaseConnector(config, endpoint.session_factory(), clock=clock)
        records, quarantined, cursor = read_stream(connector, "tenants")
        assert sorted(r.platform_id for r in records) == ["T-0000", "T-0001", "T-0002"] and not quarantined
        mapped = connector.mapping.record("tenant").forward(records[0].raw)
        assert mapped.values["legal_name"] == "Tenant T-0000 LLC"
        assert cursor.value is not None
        result = connector.apply(adapter.write_op(connector, records[0]))  # type: ignore[arg-type]
        assert result.ok and result.outcome.value == "applied"
        assert emulator.store.snapshot()["tenants"]["T-0000"]["coi_status"] == "lapsed"
        assert connector.check().auth.ok is True


def _key_file(tmp_path: Path) -> Path:
    (tmp_path / "key").write_text(tinylease_emulator.API_KEY)
    return tmp_path / "coisync.toml"


def _registry() -> ConnectorRegistry:
    registry = ConnectorRegistry()
    registry.register(tinylease.TinyleaseConnector)
    return registry


def test_served_by_the_sandbox_with_a_working_connection(tmp_path: Path) -> None:
    """Registered through the hook, seeded from the scenario's VTS view, config loads."""
    pm = pluggy.PluginManager("coisync")
    pm.add_hookspecs(hookspecs)
    pm.register(tinylease)
    emulators = collect_emulators(pm)
    assert list(emulators) == ["tinylease"] and emulators["tinylease"].seedable
    server = SandboxServer(
        tmp_path, SandboxSettings(4, 20, date(2026, 12, 4)), [emulators["tinylease"]], smtp=False
    )
    try:
        state = server.start()
        served = server.servers["tinylease"].emulator.store.snapshot()["tenants"]
    finally:
        server.stop()
    assert state["emulators"]["tinylease"]["seeded"] is True
    vts_tenants = [p for p in server.scenario().placements if p.platform == "vts"]
    assert len(served) == len(vts_tenants) > 0
    config = tomllib.loads((tmp_path / "coisync.toml").read_text())
    table = config["connections"]["tinylease"]
    assert table["credentials"] == {
        "headers": {"X-Api-Key": {"$file": "credentials/tinylease-headers-X-Api-Key"}}
    }
    loaded = load_connection("tinylease", config, config_path=tmp_path / "coisync.toml", registry=_registry())
    assert loaded.credentials.headers["X-Api-Key"].get_secret_value() == tinylease_emulator.API_KEY  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["tinylease.py"])
def test_example_stays_small(path: str) -> None:
    assert len((EXAMPLES / path).read_text().splitlines()) < 150
