"""Cursors and state: sequential runs (scenario 2), resume from every checkpoint (3), future,
empty, null and corrupt state (4), cursor ties across page breaks and unsorted pages (5).

Reliability scenarios of docs (reliability.md §7); the emulator runs in process on a fake clock.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sync_rig import (
    INSURANCE_BASE,
    VENDOR_BASE,
    InProcessRig,
    row_stamps,
    store_snapshot,
    write_requests,
)

from coisync.connector import Cursor
from coisync.errors import ExitCode
from coisync.store import open_store, schema
from coisync.sync import crashpoints


@pytest.fixture
def rig(tmp_path: Path) -> InProcessRig:
    return InProcessRig(
        tmp_path, connection={"page_size": 5}, sync={"max_write_fraction": 1.0, "max_batch_records": 4}
    )


def converge(rig: InProcessRig, runs: int = 3) -> None:
    """Run until a run plans nothing (our own writes read back once)."""
    for _ in range(runs):
        summary = rig.run()
        assert summary.exit_code == ExitCode.OK, summary.as_dict()
        if summary.connections[0].planned == 0:
            return
    raise AssertionError("the sync did not converge")


def cursors(rig: InProcessRig) -> dict[str, Cursor]:
    raw = store_snapshot(rig.db_url)["sync_state"]
    return {stream: Cursor.model_validate(json.loads(text)) for (_, stream), text in raw.items()}


def test_two_sequential_runs_without_upstream_change_write_nothing_and_only_read_cursors(
    rig: InProcessRig,
) -> None:
    # Batched status writes land in the same second: the bookmark's tie (re-read by design,
    # then de-duplicated) fits one page of the default size.
    rig.connection = {}
    rig.seed(8, 2)
    converge(rig)
    before = row_stamps(rig.db_url)
    writes_before = rig.counter.total
    mark = len(rig.transport.exchanges)
    bookmark = cursors(rig)

    summary = rig.run()

    assert summary.exit_code == ExitCode.OK
    part = summary.connections[0]
    assert (part.read, part.planned) == (0, 0)
    assert row_stamps(rig.db_url) == before, "run 2 wrote rows"
    assert rig.counter.total == writes_before
    exchanges = rig.requests_since(mark)
    assert write_requests(exchanges) == []
    assert [(e.method, e.path) for e in exchanges] == [
        ("POST", "/oauth/token"),
        ("GET", "/rest/v1.0/vendors"),
        ("GET", f"/rest/v1.0/companies/{4_264_917}/insurances"),
    ]
    after = cursors(rig)
    for stream, cursor in bookmark.items():
        assert after[stream].value is not None and cursor.value is not None
        assert after[stream].value >= cursor.value, "the bookmark went backwards"


def test_resume_from_every_emitted_checkpoint_reads_only_at_or_after_it_and_misses_nothing(
    rig: InProcessRig,
) -> None:
    """Every cursor a run saves is a valid starting point: a run from it reads records at or after
    it, and the union with what came before is the whole dataset."""
    rig.sync = {"max_write_fraction": 1.0, "max_batch_records": 3}
    rig.writes = False
    rig.seed(6, 2)
    first = rig.run()
    assert first.exit_code == ExitCode.OK
    # Move time on and change records one by one, saving the cursor after each run.
    checkpoints: list[tuple[dict[str, Any], set[str]]] = []
    changed: set[str] = set()
    for step in range(4):
        rig.clock.advance(60)
        target = str(INSURANCE_BASE + step * 3)
        with rig.emulator.store.transaction() as state:
            record = state["insurances"][target]
            record["policy_number"] = f"RENEWED-{step}"
            record["updated_at"] = rig.clock.now()
        changed.add(target)
        summary = rig.run()
        assert summary.connections[0].read >= 1
        checkpoints.append((store_snapshot(rig.db_url)["sync_state"], set(changed)))
    final = store_snapshot(rig.db_url)
    for index, (saved, _) in enumerate(checkpoints):
        restore_state(rig, saved)
        mark = len(rig.transport.exchanges)
        summary = rig.run()
        assert summary.exit_code == ExitCode.OK
        cursor = Cursor.model_validate(json.loads(saved[("procore", "insurances")]))
        assert cursor.value is not None
        listing = [e for e in rig.requests_since(mark) if e.path.endswith("/insurances")]
        assert listing, "no read from the checkpoint"
        for exchange in listing:  # the platform is asked only for records at or after the checkpoint
            window_start = exchange.query["filters[updated_at]"].split("...")[0]
            assert iso_seconds(window_start) >= iso_seconds(cursor.value)
        later = len(checkpoints) - 1 - index  # changes made after this checkpoint was saved
        stream = next(s for s in summary.connections[0].streams if s.stream == "insurances")
        assert stream.read >= later
        assert store_snapshot(rig.db_url) == final, "the union of the runs is not the whole dataset"


def iso_seconds(text: str) -> float:
    from coisync.sandbox.emulator import parse_iso_utc

    return parse_iso_utc(text)


def read_insurance_ids(rig: InProcessRig, cursor: Cursor) -> set[str]:
    """Ids the emulator would list from ``cursor`` (what the run just read)."""
    start = iso_seconds(cursor.value) if cursor.value else float("-inf")
    records = rig.emulator.store.snapshot()["insurances"].values()
    return {str(r["id"]) for r in records if r["updated_at"] >= start and r["deleted_at"] is None}


def restore_state(rig: InProcessRig, saved: dict[Any, str]) -> None:
    engine = sa.create_engine(rig.db_url)
    try:
        with engine.begin() as conn:
            for (connection, stream), cursor in saved.items():
                conn.execute(
                    schema.sync_state.update()
                    .where(schema.sync_state.c.connection == connection, schema.sync_state.c.stream == stream)
                    .values(cursor=cursor)
                )
    finally:
        engine.dispose()


def set_cursor(rig: InProcessRig, stream: str, text: str) -> None:
    """Overwrite a stream's saved cursor with raw text."""
    store = open_store(rig.db_url)
    store.close()
    engine = sa.create_engine(rig.db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                schema.sync_state.insert()
                .prefix_with("OR REPLACE")
                .values(
                    connection="procore",
                    stream=stream,
                    cursor=text,
                    run_id="test",
                    updated_at=datetime.now(tz=UTC),
                )
            )
    finally:
        engine.dispose()


def test_a_future_bookmark_reads_nothing_and_exits_0(rig: InProcessRig) -> None:
    rig.writes = False
    rig.seed(3, 1)
    rig.run()
    future = Cursor(field="updated_at", value="2031-01-01T00:00:00Z").model_dump_json()
    set_cursor(rig, "vendors", future)
    set_cursor(rig, "insurances", future)
    summary = rig.run()
    assert summary.exit_code == ExitCode.OK
    assert summary.connections[0].read == 0


def test_an_empty_stream_persists_a_non_null_state_and_the_next_run_succeeds(rig: InProcessRig) -> None:
    rig.seed(3, 0)  # vendors, no insurances
    first = rig.run()
    assert first.exit_code == ExitCode.OK
    saved = store_snapshot(rig.db_url)["sync_state"]
    assert set(saved) == {("procore", "vendors"), ("procore", "insurances")}
    assert all(json.loads(text) is not None for text in saved.values())
    second = rig.run()
    assert second.exit_code == ExitCode.OK


@pytest.mark.parametrize(
    "cursor_text",
    ["{not json", "null", '"a string"', '{"field": "updated_at", "value": 17, "seen": "x"}', "[1, 2]"],
    ids=["corrupt", "null", "string", "wrong-schema", "list"],
)
def test_corrupt_or_wrong_schema_state_stops_before_any_write_with_a_one_line_error(
    rig: InProcessRig, cursor_text: str
) -> None:
    rig.seed(4, 1)
    rig.run()
    rig.clock.advance(60)
    with rig.emulator.store.transaction() as state:  # an upstream change a run would pull and push
        state["insurances"][str(INSURANCE_BASE)].update(status="compliant", updated_at=rig.clock.now())
    set_cursor(rig, "insurances", cursor_text)
    before = row_stamps(rig.db_url)
    writes = rig.counter.total
    mark = len(rig.transport.exchanges)

    summary = rig.run()

    part = summary.connections[0]
    assert summary.exit_code != ExitCode.OK
    assert part.error is not None and "\n" not in part.error
    assert "insurances" in part.error and "--full" in part.error
    assert rig.counter.total == writes
    assert write_requests(rig.requests_since(mark)) == []
    after = row_stamps(rig.db_url)
    assert after["certificates"] == before["certificates"]
    assert after["outbox"] == before["outbox"]


def test_cursor_ties_across_a_page_break_with_a_crash_between_them_miss_nothing_and_double_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five insurances share an ``updated_at`` across a page break of 4; the run dies between
    them (after a committed batch). The resumed run reads all of them once into the store."""
    rig = InProcessRig(
        tmp_path, connection={"page_size": 4}, sync={"max_write_fraction": 1.0, "max_batch_records": 2}
    )
    rig.writes = False
    rig.seed(5, 2, tie_every=5)
    calls = {"n": 0}

    def crash_on_third(name: str) -> None:
        if name == "pull.batch":
            calls["n"] += 1
            if calls["n"] == 6:  # vendors take 3 batches; die after the third insurance batch
                raise KeyboardInterrupt

    monkeypatch.setattr(crashpoints, "hit", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        rig.run()
    monkeypatch.setattr(crashpoints, "hit", lambda name: None)
    assert rig.run().exit_code == ExitCode.OK
    snap = store_snapshot(rig.db_url)
    refs = [k for k in snap["external_refs"] if k[1] == "insurance"]
    assert sorted(int(k[2]) for k in refs) == [INSURANCE_BASE + i for i in range(10)]
    latest = [k for k, (_, is_latest) in snap["certificates"].items() if is_latest]
    assert len(latest) == len({k[0] for k in latest}) == 10, "a certificate is missing or doubled"
    assert len(snap["certificates"]) == 10, "a re-read tie made a second version"
    vendors = [k for k in snap["external_refs"] if k[1] == "vendor"]
    assert sorted(int(k[2]) for k in vendors) == [VENDOR_BASE + i for i in range(5)]


def test_unsorted_pages_miss_nothing_double_nothing_and_keep_the_bookmark_at_the_records_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Procore lists in id order, not by ``updated_at``: later ids carry older stamps here.
    Every record lands once, and the saved cursor never passes the newest stamp read (nor
    the run's start)."""
    rig = InProcessRig(tmp_path, connection={"page_size": 3})
    rig.writes = False
    seed = rig.emulator.seed(
        {
            "company": {"id": 4_264_917, "name": "Harbor Point"},
            "vendors": [{"id": VENDOR_BASE, "name": "Acme", "updated_at": "2025-12-01T00:00:00Z"}],
            "insurances": [
                {
                    "id": INSURANCE_BASE + i,
                    "vendor_id": VENDOR_BASE,
                    "insurance_type": "General Liability",
                    "policy_number": f"GL-{i}",
                    "expiration_date": "2026-12-31",
                    # descending stamps in ascending id order: every page is out of cursor order
                    "updated_at": f"2025-12-{28 - i:02d}T00:00:00Z",
                }
                for i in range(10)
            ],
        }
    )
    assert len(seed["insurances"]) == 10
    assert rig.run().exit_code == ExitCode.OK
    snap = store_snapshot(rig.db_url)
    refs = sorted(int(k[2]) for k in snap["external_refs"] if k[1] == "insurance")
    assert refs == [INSURANCE_BASE + i for i in range(10)]
    assert len(snap["certificates"]) == 10
    cursor = Cursor.model_validate(json.loads(snap["sync_state"][("procore", "insurances")]))
    assert cursor.value == "2025-12-28T00:00:00Z"
    assert cursor.value <= "2026-01-01T00:00:00Z"  # the run's start (the fake clock)
    # A second run re-reads at most the tie at the bookmark and writes nothing.
    before = row_stamps(rig.db_url)
    assert rig.run().exit_code == ExitCode.OK
    assert row_stamps(rig.db_url)["certificates"] == before["certificates"]
