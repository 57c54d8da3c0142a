"""Crash-resume (reliability scenarios 1 and 6): ``coisync sync`` is SIGKILLed at every commit
boundary of the pull and inside outbox sends, then run again to completion.

Each kill happens in a forked child running the real CLI against the emulator served on
loopback (forking skips the interpreter start, which is most of a fresh process's cost); the
named crash points (``COISYNC_CRASH_AT``) send SIGKILL, as ``kill -9`` would. After the resume,
the store and the emulator must equal a fault-free run: same canonical rows and content
hashes, same insurance values, and every record written exactly as often as without the crash.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from crash_rig import (
    KILLED,
    assert_same_as_golden,
    kill_and_resume,
    result_of,
    run_to_completion,
    scratch_directory,
)
from crash_rig import make_rig as make_served_rig
from sync_rig import ServedRig, cli, cli_forked, outbox_states, row_stamps, served, store_snapshot

VENDORS, LINES = 20, 1
"""20 vendors and 20 insurances, committed one record per transaction: 20 boundaries per stream."""
SYNC = {"max_write_fraction": 1.0, "max_batch_records": 1, "max_write_batch": 4}
"""One record per pull commit; status writes in batches of 4 (five requests for 20 writes)."""
WRITE_BATCHES = 5


def make_rig(directory: Path) -> ServedRig:
    return make_served_rig(directory, SYNC, VENDORS, LINES)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    with scratch_directory(tmp_path) as directory:
        yield directory


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fault-free results after one run (``once``) and once converged: the store, the
    platform, and the writes per record."""
    rig = make_rig(tmp_path_factory.mktemp("golden"))
    results: dict[str, Any] = {}
    with served(rig):
        assert cli_forked(rig.args()) == 0
        results["once"] = result_of(rig)
        run_to_completion(rig)
        results["converged"] = result_of(rig)
    assert sum(rig.counter.counts.values()) == VENDORS * LINES, "every insurance gets one status write"
    return results


def pull_points() -> list[str]:
    return [f"pull.batch:{k}" for k in range(1, 2 * VENDORS * LINES + 1)]


def sweep(points: list[str], workdir: Path, golden: dict[str, Any], *, converge: bool) -> None:
    """Kill and resume at every point, two at a time (each in its own store and emulator)."""

    def one(point: str) -> None:
        rig = make_rig(workdir / point.replace(":", "-"))
        code = kill_and_resume(rig, point, converge=converge)
        assert code == KILLED, f"{point}: the run was not killed (exit {code})"
        assert_same_as_golden(rig, golden, point)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(one, point) for point in points]:
            future.result()


def test_a_kill_after_every_pull_commit_resumes_to_the_fault_free_result(
    golden: dict[str, Any], workdir: Path
) -> None:
    """SIGKILL after commit k for every k of both streams (20 vendor and 20 insurance batches).
    Nothing was pushed before the kill, so one resumed run must end where one fault-free run does."""
    sweep(pull_points(), workdir, golden["once"], converge=False)


def test_a_kill_inside_outbox_sends_neither_loses_nor_doubles_a_write(
    golden: dict[str, Any], workdir: Path
) -> None:
    """Kill before the k-th write request leaves (its rows marked sending) and after the platform
    committed it but before the local ack, for every k; the resume reads back first and writes
    each record once."""
    points = [
        f"{name}:{k}" for name in ("push.before_send", "push.after_send") for k in range(1, WRITE_BATCHES + 1)
    ]
    sweep(points, workdir, golden["converged"], converge=True)


def test_crash_resume_with_zero_new_records_changes_nothing(tmp_path: Path) -> None:
    """Scenario 6: a synced portfolio, no upstream change; the run is killed mid-pull (the
    cursor re-saved), then resumed: exit 0, store and state unchanged, nothing written."""
    rig = make_rig(tmp_path / "zero")
    with served(rig):
        run_to_completion(rig)
        before = row_stamps(rig.db_url)
        state_before = store_snapshot(rig.db_url)
        writes = rig.counter.total
        code = cli_forked(rig.args(), {"COISYNC_CRASH_AT": "pull.batch:2"})
        # With nothing new the vendor stream has no batch; the kill lands on the insurance stream
        # (its re-read tie) or the run ends normally.
        assert code in (KILLED, 0)
        assert cli(rig.args()) == 0
    after = row_stamps(rig.db_url)
    for table in ("parties", "certificates", "verdicts", "outbox"):
        assert after[table] == before[table], f"{table} changed"
    assert store_snapshot(rig.db_url)["sync_state"] == state_before["sync_state"]
    assert rig.counter.total == writes


def test_the_real_command_is_killed_by_coisync_crash_at_and_resumes(tmp_path: Path) -> None:
    """The same, once, through ``python -m coisync`` in a fresh interpreter (not a fork)."""
    rig = make_rig(tmp_path / "exec")
    with served(rig):
        env = {**os.environ, "COISYNC_CRASH_AT": "push.after_send:3"}  # after 3 batches of 4
        killed = subprocess.run(
            [sys.executable, "-m", "coisync", *rig.args()], env=env, capture_output=True, check=False
        )
        assert killed.returncode == KILLED, killed.stderr.decode()
        assert rig.counter.total == 12
        # Batches 1 and 2 confirmed; 3 applied by the platform, not acknowledged; 4 marked
        # sending while 3 was out, never sent; 5 pending. The resume reads 3 and 4 back.
        assert outbox_states(rig.db_url) == {"confirmed": 8, "sending": 8, "pending": 4}
        run_to_completion(rig)
    assert rig.counter.total == VENDORS * LINES
    assert set(rig.counter.counts.values()) == {1}
