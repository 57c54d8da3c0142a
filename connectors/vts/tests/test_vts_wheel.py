"""The connector's wheel carries its mapping, and the mapping loads from the installed package."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from coisync.mapping import load_mapping

REPO = Path(__file__).resolve().parents[3]
MAPPING = REPO / "mappings" / "vts.toml"
INSIDE = "coisync_vts/mappings/vts.toml"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH; the wheel is built with `uv build`")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [uv, "build", "--package", "coisync-vts", "--wheel", "-o", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("coisync_vts-*.whl")
    return built


def test_wheel_contains_the_mapping(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert INSIDE in archive.namelist()
        shipped = archive.read(INSIDE)
        entry_points = archive.read(next(n for n in archive.namelist() if n.endswith("entry_points.txt")))
    assert shipped == MAPPING.read_bytes()
    assert b"vts = coisync_vts" in entry_points
    copy = tmp_path / "vts.toml"
    copy.write_bytes(shipped)
    mapping = load_mapping(copy)
    assert sorted(mapping.records) == ["asset", "insurance_certificate", "lease", "tenant"]
