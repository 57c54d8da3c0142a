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
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sync_rig import (
    ServedRig,
    cli,
    cli_forked,
    outbox_rows,
    outbox_states,
    platform_snapshot,
    row_stamps,
    served,
    store_snapshot,
)

VENDORS, LINES = 20, 1
"""20 vendors and 20 insurances, committed one record per transaction: 20 boundaries per stream."""
SEED_NOW = 1_790_000_000.0
"""Seeded records are stamped before this moment (2026-09-21), the same in every rig."""
SYNC = {"max_write_fraction": 1.0, "max_batch_records": 1, "max_write_batch": 4}
"""One record per pull commit; status writes in batches of 4 (five requests for 20 writes)."""
WRITE_BATCHES = 5
KILLED = -9


def make_rig(directory: Path) -> ServedRig:
    rig = ServedRig(directory, sync=dict(SYNC))
    rig.seed(VENDORS, LINES, now=SEED_NOW)
    return rig


def run_to_completion(rig: ServedRig, limit: int = 6) -> list[int]:
    """Run (in forked children) until a run exits 0 and changes nothing: no write planned, no
    row written (our own writes have been read back; a write in the last second of a run's
    window is read back by the run after)."""
    codes = []
    for _ in range(limit):
        before = row_stamps(rig.db_url) if outbox_rows(rig.db_url) else None
        if before is not None:
            # Procore windows end at a whole second: start in the next one, so every write
            # made so far is inside this run's window.
            time.sleep(min(1.0, 1.01 - time.time() % 1))
        codes.append(cli_forked(rig.args()))
        if codes[-1] == 0 and before is not None and row_stamps(rig.db_url) == before:
            return codes
    raise AssertionError(f"no convergence: exit codes {codes}")


def comparable(snapshot: dict[str, dict[Any, Any]]) -> dict[str, dict[Any, Any]]:
    """The store snapshot without what differs by wall-clock time (cursor values, raw-record hashes)."""
    view = dict(snapshot)
    view["external_refs"] = {key: value[:2] for key, value in snapshot["external_refs"].items()}
    view.pop("sync_state")
    return view


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    """A scratch directory in memory when the machine has /dev/shm (fsync costs nothing there;
    a SIGKILL keeps the page cache, so crash semantics are the same as on disk)."""
    shm = Path("/dev/shm")  # noqa: S108 - the directory made in it is a private mkdtemp
    if not shm.is_dir():
        yield tmp_path
        return
    directory = Path(tempfile.mkdtemp(prefix="coisync-crash-", dir=shm))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


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


def result_of(rig: ServedRig) -> dict[str, Any]:
    return {
        "store": comparable(store_snapshot(rig.db_url)),
        "platform": platform_snapshot(rig.emulator),
        "writes": Counter(rig.counter.counts),
    }


def crash_then_resume(directory: Path, point: str, *, converge: bool) -> tuple[int, ServedRig]:
    """Kill a run at ``point``, then run again: once (``converge`` False: it must exit 0), or
    until nothing more is planned."""
    rig = make_rig(directory)
    with served(rig):
        code = cli_forked(rig.args(), {"COISYNC_CRASH_AT": point})
        if converge:
            run_to_completion(rig)
        else:
            log = directory / "resume.log"
            code_after = cli_forked(rig.args(), output=log)
            assert code_after == 0, f"{point}: the resumed run failed: {log.read_text()[-3000:]}"
    return code, rig


def assert_same_as_golden(rig: ServedRig, golden: dict[str, Any], point: str) -> None:
    store = comparable(store_snapshot(rig.db_url))
    for table, rows in golden["store"].items():
        assert store[table] == rows, f"{point}: table {table} differs from the fault-free run"
    assert platform_snapshot(rig.emulator) == golden["platform"], f"{point}: the platform differs"
    assert rig.counter.counts == golden["writes"], f"{point}: lost or doubled writes"
    states = outbox_states(rig.db_url)
    assert set(states) <= {"confirmed", "cancelled"}, f"{point}: outbox left {states}"


def pull_points() -> list[str]:
    return [f"pull.batch:{k}" for k in range(1, 2 * VENDORS * LINES + 1)]


def sweep(points: list[str], workdir: Path, golden: dict[str, Any], *, converge: bool) -> None:
    """Kill and resume at every point, two at a time (each in its own store and emulator)."""

    def one(point: str) -> None:
        code, rig = crash_then_resume(workdir / point.replace(":", "-"), point, converge=converge)
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
        assert outbox_states(rig.db_url) == {"confirmed": 8, "sending": 4, "pending": 8}
        run_to_completion(rig)
    assert rig.counter.total == VENDORS * LINES
    assert set(rig.counter.counts.values()) == {1}
