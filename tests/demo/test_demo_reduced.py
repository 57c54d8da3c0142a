"""The demo (`make demo`) on a small portfolio: it must run, and its writes must land in every emulator.

The demo script itself is run (so a broken demo fails the suite), with the sandbox kept up
afterwards; then, for every platform, a deficiency summary that the first sync says it wrote
must be found in what that emulator holds (`coisync sandbox state`), and the second sync must
have planned nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    directory = tmp_path / "sandbox"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEMO_DIR": str(directory),
        "KEEP": "1",
        "SIZE": "12",
        "SEED": "3",
    }
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        yield directory, env
    finally:
        subprocess.run(
            [sys.executable, "-m", "coisync", "sandbox", "down", "--dir", str(directory)],
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )


def coisync_json(env: dict[str, str], *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "coisync", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 3), result.stderr
    return json.loads(result.stdout)


def test_demo_writes_land_in_every_emulator(demo: tuple[Path, dict[str, str]]) -> None:
    directory, env = demo
    config = str(directory / "coisync.toml")
    emulators = json.loads((directory / "sandbox.json").read_text())["emulators"]
    assert len(emulators) >= 4, f"expected every platform emulated, got {sorted(emulators)}"

    runs = coisync_json(env, "--config", config, "runs", "--json")
    assert {r["kind"] for r in runs} >= {"sync", "reconcile", "notify"}
    syncs = [r for r in runs if r["kind"] == "sync"]
    assert len(syncs) == 3
    first, last = syncs[-1], syncs[0]
    for part in last["summary"]["connections"]:
        assert part["writes_planned"] == 0, (
            f"a sync with nothing changed planned writes on {part['connection']}"
        )
    assert list((directory / "mail").glob("*.eml")), "notify sent no e-mail to the sandbox's SMTP sink"

    writes = coisync_json(env, "--config", config, "run", first["run_id"], "--json")["writes"]
    for name in emulators:
        texts = {
            change["after"]
            for write in writes
            if write["connection"] == name and write["state"] == "confirmed"
            for field, change in write["changes"].items()
            if field == "deficiency_summary" and change["after"]
        }
        assert texts, f"the first sync wrote no deficiency summary to {name}"
        held = set(strings(coisync_json(env, "sandbox", "state", name, "--dir", str(directory), "--json")))
        assert texts & held, (
            f"none of the {len(texts)} summaries written to {name} is in its emulator's state"
        )
