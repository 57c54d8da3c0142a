"""The MRI wheel carries its mapping, and the mapping loads from the installed package."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from coisync.mapping import load_mapping

REPO = Path(__file__).resolve().parents[3]
MAPPING = REPO / "mappings" / "mri.toml"
INSIDE = "coisync_mri/mappings/mri.toml"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH; the wheel is built with `uv build`")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [uv, "build", "--package", "coisync-mri", "--wheel", "-o", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("coisync_mri-*.whl")
    return built


def test_wheel_contains_the_mapping(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert INSIDE in names and "coisync_mri/py.typed" in names
        shipped = archive.read(INSIDE)
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    assert shipped == MAPPING.read_bytes()
    assert b"mri = coisync_mri" in entry_points
    copy = tmp_path / "mri.toml"
    copy.write_bytes(shipped)
    assert sorted(load_mapping(copy).records) == ["building", "insurance", "lease", "occupant"]
