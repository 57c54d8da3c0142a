"""`coisync connections test` on a VTS connection: the writable line says whether and why it is read-only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from coisync_vts.emulator import VtsEmulator, VtsSettings
from vts_adapter import API_KEY, API_SECRET, KEY_ENV, SECRET_ENV, vts_emulator

from coisync.cli import build_cli
from coisync.http import FakeClock
from coisync.sandbox.emulator import RunningServer, serve


@pytest.fixture(params=[True, False], ids=["with_certificates", "without_certificates"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[RunningServer, bool]]:
    emulator: VtsEmulator = vts_emulator(
        tmp_path / "vts", FakeClock(), VtsSettings(insurance_certificates=request.param)
    )
    with serve(emulator) as server:
        yield server, request.param


def test_connections_test_reports_the_writable_state(
    served: tuple[RunningServer, bool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, certificates = served
    config = tmp_path / "coisync.toml"
    config.write_text(
        f"""
[connections.vts]
connector = "vts"
base_url = "{server.url}"
writes = true
allow_private_network = true
allow_insecure_http = true

[connections.vts.credentials]
username = {{"$env" = "{KEY_ENV}"}}
password = {{"$env" = "{SECRET_ENV}"}}
""",
        encoding="utf-8",
    )
    env = {KEY_ENV: API_KEY, SECRET_ENV: API_SECRET}
    runner = CliRunner()
    args = ["--config", str(config), "--db", f"sqlite:///{tmp_path / 'c.db'}", "connections", "test"]
    result = runner.invoke(build_cli(), [*args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)  # stderr carries the private-network warning
    assert row["auth"]["ok"] is True and row["reachable"]["ok"] is True
    if certificates:
        assert row["writable"] == {"ok": True, "message": "writes are on"}
    else:
        assert row["writable"]["ok"] is False
        assert "no insurance_certificates resource (HTTP 404)" in row["writable"]["message"]
    text = runner.invoke(build_cli(), args, env=env)
    assert text.exit_code == 0
    assert API_SECRET not in text.output + result.output
    if not certificates:
        assert "read-only" in text.output
