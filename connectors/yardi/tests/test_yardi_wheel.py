"""The Yardi wheel carries its mapping and entry point; the shipped mapping loads."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from coisync.mapping import load_mapping

REPO = Path(__file__).resolve().parents[3]
MAPPING = REPO / "mappings" / "yardi.toml"
INSIDE = "coisync_yardi/mappings/yardi.toml"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH; the wheel is built with `uv build`")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [uv, "build", "--package", "coisync-yardi", "--wheel", "-o", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("coisync_yardi-*.whl")
    return built


def test_wheel_contains_the_mapping_and_the_entry_point(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        shipped = archive.read(INSIDE)
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
    assert shipped == MAPPING.read_bytes()
    assert b"yardi = coisync_yardi" in entry_points
    assert "coisync_yardi/py.typed" in names
    assert not [n for n in names if "/tests/" in n or n.startswith("tests/")]
    copy = tmp_path / "yardi.toml"
    copy.write_bytes(shipped)
    assert sorted(load_mapping(copy).records) == [
        "property",
        "tenant",
        "tenant_lease",
        "tenant_policy",
        "vendor",
        "vendor_line",
        "vendor_policy",
    ]
