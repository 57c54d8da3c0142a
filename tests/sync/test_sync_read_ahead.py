"""Read-ahead threads: order, errors where they happened, and the GIL handed over quickly."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from coisync_procore.streams import ProcoreStream
from sync_rig import InProcessRig

from coisync.connector import Cursor, RecordBatch
from coisync.readahead import HANDOVER_SECONDS, quick_handover, read_ahead


def _numbers(stop_with_error_at: int | None = None) -> Iterator[int]:
    for n in range(10):
        if n == stop_with_error_at:
            raise ValueError(f"page {n} could not be read")
        yield n


def test_items_arrive_in_order_from_the_thread() -> None:
    assert list(read_ahead(_numbers(), depth=3)) == list(range(10))


def test_an_error_arrives_where_the_item_would_have() -> None:
    seen: list[int] = []
    with pytest.raises(ValueError, match="page 4"):
        for item in read_ahead(_numbers(stop_with_error_at=4), depth=2):
            seen.append(item)
    assert seen == [0, 1, 2, 3]


def test_quick_handover_shortens_the_switch_interval_and_restores_it() -> None:
    before = sys.getswitchinterval()
    assert before > HANDOVER_SECONDS  # CPython's default, 5 ms
    with pytest.raises(RuntimeError), quick_handover():
        assert sys.getswitchinterval() == pytest.approx(HANDOVER_SECONDS)
        raise RuntimeError("the job failed")
    assert sys.getswitchinterval() == before
    sys.setswitchinterval(0.0001)
    shorter = sys.getswitchinterval()  # as CPython rounds it
    try:
        with quick_handover():  # already shorter: left as it is
            assert sys.getswitchinterval() == shorter
    finally:
        sys.setswitchinterval(before)


def test_a_stream_that_reads_its_pages_ahead_gets_no_batch_read_ahead_on_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = InProcessRig(tmp_path)
    rig.seed(2, 2)
    threads: list[str] = []
    original = ProcoreStream.read

    def read(self: ProcoreStream, cursor: Cursor) -> Iterator[RecordBatch]:
        threads.append(threading.current_thread().name)  # runs where the batches are produced
        yield from original(self, cursor)

    monkeypatch.setattr(ProcoreStream, "read", read)
    assert ProcoreStream.reads_ahead
    rig.run()
    assert threads and set(threads) == {threading.main_thread().name}

    threads.clear()
    monkeypatch.setattr(ProcoreStream, "reads_ahead", False)
    rig.run()
    assert threads and all(name.startswith("coisync-read-ahead") for name in threads), threads
