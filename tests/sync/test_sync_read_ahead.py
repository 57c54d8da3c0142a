"""Read-ahead threads: order, errors where they happened, and the GIL handed over quickly."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

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
