"""Checks every connector's packaging needs: its wheel ships its mapping and its entry point.

A connector's test module needs two lines::

    from coisync.testing.wheel import wheel_contents

    def test_wheel(tmp_path):
        shipped = wheel_contents("coisync-acme", "acme", tmp_path)
        assert sorted(shipped.mapping.records) == ["policy", "vendor"]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from coisync.mapping import PlatformMapping, load_mapping

REPO = Path(__file__).resolve().parents[3]
"""The source checkout (wheels are built from it with ``uv build``)."""


@dataclass(frozen=True)
class WheelContents:
    """What a connector's wheel holds."""

    names: tuple[str, ...]
    mapping: PlatformMapping
    entry_points: str


def find_uv() -> str | None:
    """The uv to build with: the one running these tests (``uv run`` sets ``UV``), else PATH's.

    ``make test`` bootstraps uv into ``~/.local/bin``, which need not be on PATH.
    """
    candidate = os.environ.get("UV")
    if candidate and Path(candidate).is_file():
        return candidate
    return shutil.which("uv")


def build_wheel(distribution: str, out: Path) -> Path:
    """Build one workspace member's wheel into ``out``; skips when uv is not installed (fails
    under ``CI=true``, where a skipped wheel check must not pass for a checked one)."""
    uv = find_uv()
    if uv is None:
        message = "uv is not on PATH and UV is not set; connector wheels are built with `uv build`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run(  # noqa: S603 - uv from PATH building a workspace member
        [uv, "build", "--package", distribution, "--wheel", "-o", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob(f"{distribution.replace('-', '_')}-*.whl")
    return built


def wheel_contents(distribution: str, connector: str, tmp_path: Path) -> WheelContents:
    """Build the wheel and check it: the shipped mapping equals ``mappings/<connector>.toml``, the
    package is typed, no tests are packaged, and the ``coisync`` entry point names the package."""
    package = distribution.replace("-", "_")
    wheel = build_wheel(distribution, tmp_path)
    inside = f"{package}/mappings/{connector}.toml"
    with zipfile.ZipFile(wheel) as archive:
        names = tuple(archive.namelist())
        assert inside in names, f"{inside} is not in {wheel.name}"
        shipped = archive.read(inside)
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert shipped == (REPO / "mappings" / f"{connector}.toml").read_bytes(), (
        "the wheel ships a stale mapping"
    )
    assert f"{package}/py.typed" in names
    assert not [n for n in names if "/tests/" in n or n.startswith("tests/")], "tests are packaged"
    assert f"{connector} = {package}" in entry_points
    copy = tmp_path / f"{connector}.toml"
    copy.write_bytes(shipped)
    return WheelContents(names, load_mapping(copy), entry_points)
