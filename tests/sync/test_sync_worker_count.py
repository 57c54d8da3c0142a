"""How many worker processes a large run uses by default: the CPUs it may run on, within its
container's CPU limit (cgroup v2 ``cpu.max``), at most 4."""

from __future__ import annotations

from pathlib import Path

import pytest

from coisync.sync import workers


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [
        ("max 100000\n", None),
        ("100000 100000\n", 1),
        ("150000 100000\n", 2),
        ("800000 100000\n", 8),
        ("", None),
    ],
)
def test_a_container_cpu_limit_is_read_from_cpu_max(
    tmp_path: Path, cpu_max: str, expected: int | None
) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(cpu_max, encoding="utf-8")
    assert workers.quota_cpus(path) == expected
    assert workers.quota_cpus(tmp_path / "absent") is None


def test_the_default_stays_within_the_limit_the_affinity_and_four(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: set(range(16)))
    monkeypatch.setattr(workers, "quota_cpus", lambda: None)
    assert workers.default_workers() == 4
    monkeypatch.setattr(workers, "quota_cpus", lambda: 1)
    assert workers.default_workers() == 1
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(workers, "quota_cpus", lambda: 3)
    assert workers.default_workers() == 2
