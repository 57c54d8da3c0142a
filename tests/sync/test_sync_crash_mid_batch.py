"""Crash-resume inside a pull batch (reliability scenario 1, the random mid-batch offsets).

``coisync sync`` commits four records per pull transaction here and is SIGKILLed before the
k-th SQL statement executed inside a pull batch's transaction (crash point ``pull.statement``):
between the reads, the row upserts, the refs, the changed-party marks and the cursor save of
one batch, never at a commit boundary. The offsets k are drawn from a seeded RNG over every
statement a fault-free run executes; the seed is in every assertion message and
``COISYNC_FAULT_SEED=<seed>`` replays the same offsets.

At the moment of the kill the saved cursor must not be ahead of the committed rows; after one
resumed run the store and the emulator must equal a fault-free run's, with every record
written exactly as often (0 lost, 0 doubled writes).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from crash_rig import KILLED, assert_same_as_golden, kill_and_resume, make_rig, result_of, scratch_directory
from sync_rig import ServedRig, cli, served, store_snapshot

from coisync.sync import crashpoints

VENDORS, LINES = 20, 1
SYNC = {"max_write_fraction": 1.0, "max_batch_records": 4, "max_write_batch": 4}
"""Four records per pull transaction: five batches per stream, each with several statements."""
POINT = "pull.statement"
OFFSETS = 20
SEED = int(os.environ.get("COISYNC_FAULT_SEED") or 20_260_115)
STREAM_TYPES = {"vendors": "vendor", "insurances": "insurance"}


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    with scratch_directory(tmp_path) as directory:
        yield directory


def count_statements(rig: ServedRig) -> int:
    """Run once in this process with the crash point armed past reach, and count its passes."""
    saved = os.environ.get("COISYNC_CRASH_AT")
    os.environ["COISYNC_CRASH_AT"] = f"{POINT}:{10**9}"
    try:
        assert cli(rig.args()) == 0
    finally:
        if saved is None:
            del os.environ["COISYNC_CRASH_AT"]
        else:
            os.environ["COISYNC_CRASH_AT"] = saved
        passes = crashpoints._counts.pop(POINT, 0)  # forked children must start from zero
    return passes


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One fault-free run: its result, and how many statements its pull batches executed."""
    rig = make_rig(tmp_path_factory.mktemp("golden-mid-batch"), SYNC, VENDORS, LINES)
    with served(rig):
        statements = count_statements(rig)
    results = result_of(rig)
    assert sum(results["writes"].values()) == VENDORS * LINES, "every insurance gets one status write"
    batches = 2 * VENDORS * LINES // SYNC["max_batch_records"]
    assert statements >= 3 * batches, f"{statements} statements in {batches} batches: no room inside them"
    return {**results, "statements": statements}


def assert_cursor_not_ahead(rig: ServedRig, where: str) -> None:
    """Every record a saved cursor claims (updated before its value, or listed as seen at it)
    is in the store: the cursor was committed with its rows, never before them."""
    snapshot = store_snapshot(rig.db_url)
    held = {(platform_type, platform_id) for _, platform_type, platform_id in snapshot["external_refs"]}
    platform = rig.emulator.store.snapshot()
    for (_, stream), raw in snapshot["sync_state"].items():
        cursor = json.loads(raw) if isinstance(raw, str) else raw
        if not cursor or cursor.get("value") is None:
            continue
        bound = datetime.fromisoformat(cursor["value"]).timestamp()
        platform_type = STREAM_TYPES[stream]
        claimed = {str(r["id"]) for r in platform[stream].values() if r["updated_at"] < bound}
        claimed |= {seen.split(":")[1] for seen in cursor.get("seen", [])}
        missing = sorted(i for i in claimed if (platform_type, i) not in held)
        assert not missing, f"{where}: the {stream} cursor is ahead of the rows: {missing} not committed"


def test_a_kill_at_random_statements_inside_pull_batches_resumes_to_the_fault_free_result(
    golden: dict[str, Any], workdir: Path
) -> None:
    rng = random.Random(SEED)
    offsets = sorted(rng.sample(range(1, golden["statements"] + 1), OFFSETS))

    def one(offset: int) -> None:
        point = f"{POINT}:{offset}"
        where = f"{point} of {golden['statements']} (COISYNC_FAULT_SEED={SEED})"
        rig = make_rig(workdir / f"statement-{offset}", SYNC, VENDORS, LINES)

        def after_kill(code: int) -> None:
            assert code == KILLED, f"{where}: the run was not killed (exit {code})"
            assert_cursor_not_ahead(rig, where)

        kill_and_resume(rig, point, converge=False, after_kill=after_kill)
        assert_same_as_golden(rig, golden, where)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(one, offset) for offset in offsets]:
            future.result()
