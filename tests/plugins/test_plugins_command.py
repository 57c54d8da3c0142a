"""``coisync plugins``: an out-of-tree plugin installed as a package, a broken one, allow-list, tracing.

The fixture ``site`` directory holds two real distributions (``*.dist-info`` with METADATA and
entry_points.txt) and their modules; putting it on PYTHONPATH installs them for a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from coisync.cli import build_cli

SITE = Path(__file__).parent / "fixtures" / "site"


def run_coisync(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COISYNC_") and k != "PYTHONPATH"}
    environment["PYTHONPATH"] = str(SITE)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "coisync", "--config", str(tmp_path / "coisync.toml"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def plugins_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in data["plugins"]}


def test_installed_plugin_is_listed_and_broken_one_only_warns(tmp_path: Path) -> None:
    result = run_coisync(tmp_path, "plugins", "--json")
    data = plugins_json(result)
    plugins = by_name(data)
    assert plugins["example"] == {
        "name": "example",
        "distribution": "coisync-example",
        "version": "0.1",
        "hooks": ["register_commands", "register_connectors"],
        "connectors": ["example"],
    }
    assert plugins["builtin"]["distribution"] == "coisync"
    assert "register_commands" in plugins["builtin"]["hooks"]
    assert "broken" not in plugins
    (failed,) = [f for f in data["failed"] if f["name"] == "broken"]
    assert failed["reason"] == "RuntimeError: this plugin is broken on purpose"
    assert "plugin 'broken' from package 'coisync-broken' could not be loaded" in result.stderr
    assert "Traceback" not in result.stderr


def test_plugin_command_works_next_to_a_broken_plugin(tmp_path: Path) -> None:
    result = run_coisync(tmp_path, "example-hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello from coisync-example"


def test_allow_list_and_trace(tmp_path: Path) -> None:
    env = {"COISYNC_LOAD_PLUGINS": "builtin, example", "COISYNC_TRACE_PLUGINS": "1"}
    result = run_coisync(tmp_path, "-v", "plugins", "--json", env=env)
    data = plugins_json(result)
    assert sorted(by_name(data)) == ["builtin", "example"]
    assert data["failed"] == []
    assert "could not be loaded" not in result.stderr
    assert "hook register_connectors called" in result.stderr


def test_allow_list_can_leave_a_plugin_out(tmp_path: Path) -> None:
    result = run_coisync(tmp_path, "example-hello", env={"COISYNC_LOAD_PLUGINS": "builtin"})
    assert result.returncode == 2
    assert "No such command 'example-hello'" in result.stderr


def test_text_output_lists_packages_and_failures(tmp_path: Path) -> None:
    result = run_coisync(tmp_path, "plugins")
    assert result.returncode == 0, result.stderr
    assert "coisync-example" in result.stdout
    assert "register_connectors" in result.stdout
    assert "Failed plugins" in result.stdout
    assert "broken on purpose" in result.stdout


def test_mapping_shipped_inside_the_plugin_package(tmp_path: Path) -> None:
    result = run_coisync(tmp_path, "-v", "mappings", "show", "example", "--json")
    assert result.returncode == 0, result.stderr
    assert "hook register_connectors called" not in result.stderr  # tracing is off by default
    data = json.loads(result.stdout)
    assert data["mapping"] == "example"
    assert str(Path("coisync_example") / "mapping.toml") in data["source"]
    fields = {f["canonical_field"]: f for f in data["records"]["policy"]["fields"]}
    assert fields["coverage_type"]["coercion"] == "code:coverage_type"


def test_in_process_report_has_the_builtin_plugin() -> None:
    result = CliRunner().invoke(build_cli(), ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    builtin = by_name(json.loads(result.output))["builtin"]
    assert builtin["distribution"] == "coisync"
    assert "register_commands" in builtin["hooks"]
