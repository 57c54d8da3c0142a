"""In-process checks of the sandbox commands' errors, the plugin protocol, the config and state output."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pluggy
import pytest

from coisync import hookimpl
from coisync.cli import main
from coisync.cli.sandbox_inspect import FAULT_CHOICES, _render_state
from coisync.connector import load_connection
from coisync.errors import UsageError
from coisync.plugins import hookspecs
from coisync.sandbox.emulator import FAULT_KINDS, Emulator, FixedClock
from coisync.sandbox.layout import SandboxSettings, resolve_settings, write_json
from coisync.sandbox.plugins import collect_emulators, select_emulators
from coisync.sandbox.runner import SandboxServer


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0), out.out + out.err


def test_down_and_state_without_a_sandbox_name_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["sandbox", "down"],
        ["sandbox", "state", "procore"],
        ["sandbox", "fault", "procore", "429"],
    ):
        code, text = run([*args, "--dir", str(tmp_path)], capsys)
        assert code == 2, text
        assert f"no sandbox running in {tmp_path}; start it with coisync sandbox up --detach" in text
        assert "Traceback" not in text and len(text.strip().splitlines()) == 1


def test_up_refuses_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(["sandbox", "up", "--dir", str(tmp_path), "--only", "nosuch"], capsys)
    assert code == 2 and "--only nosuch: no such emulator (installed: " in text
    code, text = run(["sandbox", "up", "--dir", str(tmp_path), "--size", "3"], capsys)
    assert code == 2 and "use at least 9" in text
    code, text = run(["sandbox", "fault", "procore", "all", "--dir", str(tmp_path)], capsys)
    assert code == 2 and "add --off" in text


def test_up_refuses_a_running_sandbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sandbox.pid").write_text(f"{os.getpid()}\n")
    code, text = run(["sandbox", "up", "--dir", str(tmp_path)], capsys)
    assert code == 2 and f"already running in {tmp_path} (pid {os.getpid()})" in text


def test_recorded_scenario_is_kept_unless_reset(tmp_path: Path) -> None:
    write_json(tmp_path / "sandbox-settings.json", SandboxSettings(5, 30, date(2026, 1, 2)).as_dict())
    kept = resolve_settings(tmp_path, None, None, None, (), reset=False)
    assert (kept.seed, kept.size, kept.as_of) == (5, 30, date(2026, 1, 2))
    with pytest.raises(UsageError, match=r"made with --seed 5; run coisync sandbox reset --seed 6"):
        resolve_settings(tmp_path, 6, None, None, (), reset=False)
    assert resolve_settings(tmp_path, 6, None, date(2026, 3, 1), (), reset=True).seed == 6


def test_fault_choices_match_the_emulator_base() -> None:
    assert (*FAULT_KINDS, "all") == FAULT_CHOICES


class _Plain:
    """A plugin registering a plain factory (no sandbox protocol)."""

    @hookimpl
    def register_emulators(self, register: Any) -> None:
        register("plain", lambda state_dir, clock=None, seed=0: Emulator(state_dir, clock, seed))


class _Duplicate:
    @hookimpl
    def register_emulators(self, register: Any) -> None:
        register("plain", lambda state_dir, clock=None, seed=0: Emulator(state_dir, clock, seed))


class _Broken:
    @hookimpl
    def register_emulators(self, register: Any) -> None:
        raise RuntimeError("boom")


def _manager(*plugins: object) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("coisync")
    pm.add_hookspecs(hookspecs)
    for plugin in plugins:
        pm.register(plugin)
    return pm


def test_plain_factory_is_served_unseeded_and_broken_plugins_skipped(tmp_path: Path) -> None:
    emulators = collect_emulators(_manager(_Plain(), _Broken()))
    assert list(emulators) == ["plain"] and not emulators["plain"].seedable
    server = SandboxServer(
        tmp_path, SandboxSettings(1, 12, date(2026, 12, 4)), [emulators["plain"]], smtp=False
    )
    try:
        state = server.start()
    finally:
        server.stop()
    assert state["emulators"]["plain"]["seeded"] is False
    assert "[connections." not in (tmp_path / "coisync.toml").read_text()
    with pytest.raises(UsageError, match="registered by plugins"):
        collect_emulators(_manager(_Plain(), _Duplicate()))
    with pytest.raises(UsageError, match="no emulator is installed"):
        select_emulators({}, ())


def test_procore_config_loads_with_the_real_connector(tmp_path: Path) -> None:
    from coisync.plugins import get_plugin_manager

    emulators = collect_emulators(get_plugin_manager())
    server = SandboxServer(tmp_path, SandboxSettings(2, 20, date(2026, 12, 4)), [emulators["procore"]])
    try:
        state = server.start()
        config_path = tmp_path / "coisync.toml"
        config = tomllib.loads(config_path.read_text())
        connection = load_connection("procore", config, config_path=config_path)
        assert connection.base_url == state["emulators"]["procore"]["url"]
        assert connection.writes and connection.allow_private_network and connection.allow_insecure_http
        assert state["smtp"] and (tmp_path / "mail").is_dir()
        vendors = server.servers["procore"].emulator.store.snapshot()["vendors"]
        on_procore = [p for p in server.scenario().placements if p.platform == "procore"]
        assert sorted(vendors) == sorted(p.platform_id for p in on_procore)
    finally:
        server.stop()
    for secret in (tmp_path / "credentials").iterdir():
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert not (tmp_path / "sandbox.pid").exists()
    assert json.loads((tmp_path / "sandbox.json").read_text())["ready"] is False


def test_state_tables_hide_secrets_and_split_wide_records(capsys: pytest.CaptureFixture[str]) -> None:
    wide = {str(n): {"id": n, **{f"field_{k}": f"v{n}-{k}" for k in range(12)}, "client_secret": "hunter2"}
            for n in range(3)}  # fmt: skip
    _render_state("demo", {"things": wide, "tokens": {"a": {"access_token": "hunter2"}}, "counter": 3})
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert "demo: things (3), fields 1/2" in out and "demo: things (3), fields 2/2" in out
    assert "v2-11" in out and "counter" in out


def test_fixed_clock_seeding_is_stable(tmp_path: Path) -> None:
    from coisync_procore.sandbox import ProcoreEmulatorFactory, scenario_seed

    from coisync.sandbox.scenario import build_scenario
    from coisync.sandbox.views import platform_view

    view = platform_view(build_scenario(4, 40, date(2026, 12, 4)), "procore")
    first, second = scenario_seed(view), scenario_seed(view)
    assert first == second and first["vendors"] and first["insurances"]
    emulator = ProcoreEmulatorFactory()(tmp_path, FixedClock(), 4)
    ProcoreEmulatorFactory().seed_from_scenario(emulator, view)
    held = emulator.store.snapshot()
    assert len(held["insurances"]) == len(first["insurances"])
    assert {r["status"] for r in held["insurances"].values()} == {"undecided"}
