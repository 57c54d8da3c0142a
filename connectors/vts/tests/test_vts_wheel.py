"""The connector's wheel carries its mapping and entry point, and the mapping loads from it."""

from __future__ import annotations

from pathlib import Path

from coisync.testing.wheel import wheel_contents


def test_wheel_contains_the_mapping(tmp_path: Path) -> None:
    shipped = wheel_contents("coisync-vts", "vts", tmp_path)
    assert sorted(shipped.mapping.records) == ["asset", "insurance_certificate", "lease", "tenant"]
