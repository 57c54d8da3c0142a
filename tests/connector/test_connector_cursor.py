"""Cursor semantics and batch bookkeeping: safe cursors, ties, unsorted streams, quarantine."""

from __future__ import annotations

from typing import Any

import pytest

from coisync.connector import Cursor, PlatformRecord, Quarantined, batch_records, cursor_key


def rec(pid: str, updated: str | None, **raw: Any) -> PlatformRecord:
    return PlatformRecord(
        stream="policies",
        platform_type="policy",
        platform_id=pid,
        raw={"id": pid, "updated": updated, **raw},
        cursor_value=updated,
    )


def test_json_round_trip() -> None:
    cursor = Cursor(
        field="updated_at", value="2025-03-01T10:00:00Z", lag=30, sorted=True, seen=("policy:1:abc",)
    )
    text = cursor.to_json()
    assert Cursor.from_json(text) == cursor
    assert '"bound":"closed"' in text


def test_unknown_json_key_refused() -> None:
    with pytest.raises(ValueError, match="extra"):
        Cursor.from_json('{"field": "u", "colour": 1}')


def test_cursor_key_orders_timestamps_numbers_text() -> None:
    assert cursor_key("2025-03-01T10:00:00Z") < cursor_key("2025-03-01T06:00:01-05:00")
    assert cursor_key("9") < cursor_key("10")
    assert cursor_key("2025-03-01 10:15:32.123") > cursor_key("2025-03-01T10:15:32Z")


@pytest.mark.parametrize(
    ("bound", "value", "admitted"),
    [
        ("closed", "2025-01-01", True),
        ("closed", "2024-12-31", False),
        ("closed", "2025-01-02", True),
        ("open", "2025-01-01", False),
        ("open", "2025-01-02", True),
    ],
)
def test_admits(bound: str, value: str, admitted: bool) -> None:
    cursor = Cursor(field="u", value="2025-01-01", bound=bound)  # type: ignore[arg-type]
    assert cursor.admits(value) is admitted


def test_lag_asks_earlier_and_admits_older_records() -> None:
    cursor = Cursor(field="u", value="2025-03-01T10:00:00Z", lag=120)
    assert cursor.request_value() == "2025-03-01T09:58:00+00:00"
    assert cursor.admits("2025-03-01T09:59:00Z")
    assert Cursor(field="u", value="abc", lag=5).request_value() == "abc"
    assert Cursor(field="u", value="2025-03-01", lag=0).request_value() == "2025-03-01"


def test_first_read_sorted_advances_per_batch_and_never_ahead() -> None:
    items = [rec(str(i), f"2025-01-0{i}") for i in range(1, 6)]
    batches = list(batch_records("policies", items, Cursor(field="u", sorted=True), batch_size=2))
    assert [len(b.records) for b in batches] == [2, 2, 1]
    assert [b.cursor.value for b in batches] == ["2025-01-02", "2025-01-04", "2025-01-05"]
    for batch in batches:
        newest = max(r.cursor_value or "" for r in batch.records)
        assert batch.cursor.value == newest
    assert batches[-1].cursor.seen == (items[-1].key,)


def test_unsorted_stream_saves_only_after_the_last_batch() -> None:
    items = [rec("3", "2025-01-03"), rec("1", "2025-01-01"), rec("5", "2025-01-05"), rec("2", "2025-01-02")]
    start = Cursor(field="u", value=None, sorted=False)
    batches = list(batch_records("policies", items, start, batch_size=2))
    assert [len(b.records) for b in batches] == [2, 2]
    assert batches[0].cursor == start
    assert batches[-1].cursor.value == "2025-01-05"


def test_ties_reread_with_closed_bound_are_deduplicated() -> None:
    first = [rec("1", "2025-01-01"), rec("2", "2025-01-02"), rec("3", "2025-01-02")]
    (batch,) = batch_records("policies", first, Cursor(field="u", sorted=True), batch_size=10)
    assert batch.cursor.value == "2025-01-02"
    assert set(batch.cursor.seen) == {first[1].key, first[2].key}
    # The next read asks >= 2025-01-02: the two ties come back, plus a new record at the same value.
    again = [rec("2", "2025-01-02"), rec("3", "2025-01-02"), rec("4", "2025-01-02"), rec("5", "2025-01-03")]
    (batch2,) = batch_records("policies", again, batch.cursor, batch_size=10)
    assert [r.platform_id for r in batch2.records] == ["4", "5"]
    assert batch2.cursor.value == "2025-01-03"


def test_changed_record_at_the_same_value_is_not_a_duplicate() -> None:
    first = [rec("2", "2025-01-02", limit="1")]
    (batch,) = batch_records("policies", first, Cursor(field="u", sorted=True))
    changed = [rec("2", "2025-01-02", limit="2")]
    (batch2,) = batch_records("policies", changed, batch.cursor)
    assert [r.raw["limit"] for r in batch2.records] == ["2"]
    assert set(batch2.cursor.seen) == {first[0].key, changed[0].key}


def test_tie_spanning_batches_survives_a_crash() -> None:
    items = [rec("1", "2025-01-01"), rec("2", "2025-01-02"), rec("3", "2025-01-02"), rec("4", "2025-01-02")]
    batches = list(batch_records("policies", items, Cursor(field="u", sorted=True), batch_size=2))
    saved = batches[0].cursor  # crash after the first batch was stored
    assert saved.value == "2025-01-02"
    (resumed,) = batch_records("policies", items[1:], saved, batch_size=10)
    assert [r.platform_id for r in resumed.records] == ["3", "4"]


def test_records_before_the_cursor_are_dropped() -> None:
    cursor = Cursor(field="u", value="2025-01-02", sorted=True)
    (batch,) = batch_records("policies", [rec("1", "2025-01-01"), rec("2", "2025-01-03")], cursor)
    assert [r.platform_id for r in batch.records] == ["2"]


def test_quarantined_records_travel_with_their_batch_and_siblings_continue() -> None:
    bad = Quarantined(stream="policies", raw={"x": 1}, reason="no platform id at id")
    items: list[PlatformRecord | Quarantined] = [rec("1", "2025-01-01"), bad, rec("2", "2025-01-02")]
    (batch,) = batch_records("policies", items, Cursor(field="u", sorted=True), batch_size=10)
    assert [r.platform_id for r in batch.records] == ["1", "2"]
    assert batch.quarantined == (bad,)
    assert len(batch) == 3


def test_full_refresh_stream_keeps_an_empty_cursor() -> None:
    (batch,) = batch_records("policies", [rec("1", None)], Cursor(field=None))
    assert batch.cursor == Cursor(field=None)


def test_no_records_no_batch() -> None:
    assert list(batch_records("policies", [], Cursor(field="u", value="x", sorted=True))) == []


def test_platform_record_identity() -> None:
    a, b = rec("1", "2025-01-01"), rec("1", "2025-01-01")
    assert a.key == b.key
    assert a.key.startswith("policy:1:")
    assert rec("1", "2025-01-01", extra=1).content_hash != a.content_hash
    with pytest.raises(ValueError, match="platform_id"):
        rec("", None)
