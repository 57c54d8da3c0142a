"""During a run the collector walks the youngest generation less often and skips what was alive before."""

from __future__ import annotations

import gc

import pytest

from coisync.collector import YOUNG_THRESHOLD, relaxed_collection


def test_relaxed_collection_raises_the_young_threshold_freezes_and_restores() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    kept = [object() for _ in range(10)] + [[] for _ in range(10)]  # alive before the block
    with pytest.raises(RuntimeError), relaxed_collection():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() >= frozen + 10
        raise RuntimeError("the settings come back after an error too")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
    assert kept


def test_a_rarer_pace_already_set_is_left_alone() -> None:
    before = gc.get_threshold()
    gc.set_threshold(50_000, *before[1:])
    try:
        with relaxed_collection():
            assert gc.get_threshold()[0] == 50_000
    finally:
        gc.set_threshold(*before)
