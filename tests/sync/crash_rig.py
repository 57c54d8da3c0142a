"""What the kill -9 tests share: a served portfolio, resume-to-completion, and the fault-free comparison.

Each kill happens in a forked child running the real CLI against the emulator served on
loopback; a named crash point (``COISYNC_CRASH_AT``) sends SIGKILL, as ``kill -9`` would. The
resumed store and emulator are compared with a fault-free run: same canonical rows and content
hashes, same platform values, every record written exactly as often.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sync_rig import (
    ServedRig,
    cli_forked,
    outbox_rows,
    outbox_states,
    platform_snapshot,
    row_stamps,
    served,
    store_snapshot,
)

SEED_NOW = 1_790_000_000.0
"""Seeded records are stamped before this moment (2026-09-21), the same in every rig."""
KILLED = -9


def make_rig(directory: Path, sync: Mapping[str, Any], vendors: int, lines: int) -> ServedRig:
    """A served rig with ``vendors`` x ``lines`` insurances seeded before :data:`SEED_NOW`."""
    rig = ServedRig(directory, sync=dict(sync))
    rig.seed(vendors, lines, now=SEED_NOW)
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


@contextmanager
def scratch_directory(fallback: Path) -> Iterator[Path]:
    """A scratch directory in memory when the machine has /dev/shm (fsync costs nothing there;
    a SIGKILL keeps the page cache, so crash semantics are the same as on disk)."""
    shm = Path("/dev/shm")  # noqa: S108 - the directory made in it is a private mkdtemp
    if not shm.is_dir():
        yield fallback
        return
    directory = Path(tempfile.mkdtemp(prefix="coisync-crash-", dir=shm))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def result_of(rig: ServedRig) -> dict[str, Any]:
    """The store (comparable part), the platform and the writes per record of a rig."""
    return {
        "store": comparable(store_snapshot(rig.db_url)),
        "platform": platform_snapshot(rig.emulator),
        "writes": Counter(rig.counter.counts),
    }


def assert_same_as_golden(rig: ServedRig, golden: dict[str, Any], point: str) -> None:
    """The rig ends where the fault-free run did: no row, value or write lost or doubled."""
    store = comparable(store_snapshot(rig.db_url))
    for table, rows in golden["store"].items():
        assert store[table] == rows, f"{point}: table {table} differs from the fault-free run"
    assert platform_snapshot(rig.emulator) == golden["platform"], f"{point}: the platform differs"
    assert rig.counter.counts == golden["writes"], f"{point}: lost or doubled writes"
    states = outbox_states(rig.db_url)
    assert set(states) <= {"confirmed", "cancelled"}, f"{point}: outbox left {states}"


def resume_once(rig: ServedRig, point: str) -> None:
    """One more run after a kill, which must exit 0 (its output kept for the failure message)."""
    log = rig.directory / "resume.log"
    code_after = cli_forked(rig.args(), output=log)
    assert code_after == 0, f"{point}: the resumed run failed: {log.read_text()[-3000:]}"


def kill_and_resume(
    rig: ServedRig, point: str, *, converge: bool, after_kill: Callable[[int], None] | None = None
) -> int:
    """Kill a run of the served ``rig`` at ``point``, then run again: once (``converge`` False:
    it must exit 0), or until nothing more is planned. ``after_kill`` sees the killed run's
    exit code and the store it left before the resume. Returns that exit code."""
    with served(rig):
        code = cli_forked(rig.args(), {"COISYNC_CRASH_AT": point})
        if after_kill is not None:
            after_kill(code)
        if converge:
            run_to_completion(rig)
        else:
            resume_once(rig, point)
    return code
