"""A raw record's content hash: equal content gives an equal hash whatever the key order, any
change gives another, and records the fast encoder cannot write still hash (standard encoder)."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from decimal import Decimal

from coisync.connector.records import PlatformRecord, content_hash


def test_equal_content_equal_hash_whatever_the_key_order() -> None:
    first = {"id": 7, "status": "undecided", "limits": {"b": 2, "a": 1}, "name": "Acme Ünited"}
    second = {"name": "Acme Ünited", "limits": {"a": 1, "b": 2}, "status": "undecided", "id": 7}
    assert content_hash(first) == content_hash(second)
    assert content_hash(first) != content_hash({**first, "status": "expired"})
    assert content_hash(first) != content_hash({**first, "limits": {"a": 1, "b": 3}})


def test_values_json_cannot_hold_hash_as_their_text() -> None:
    assert content_hash({"limit": Decimal("1000000.00")}) == content_hash({"limit": "1000000.00"})


def test_records_the_fast_encoder_refuses_still_hash() -> None:
    huge = {"id": 2**70, "n": 1}
    assert content_hash(huge) == content_hash({"n": 1, "id": 2**70})
    assert content_hash(huge) != content_hash({"id": 2**70 + 1, "n": 1})
    assert content_hash({1: "a", 2: "b"}) == content_hash({2: "b", 1: "a"})


def test_a_record_with_another_content_hash_keeps_every_other_field() -> None:
    record = PlatformRecord(
        stream="insurances",
        platform_type="insurance",
        platform_id="311823",
        raw={"id": 311823, "status": "compliant"},
        version="7",
        updated_at=datetime(2026, 5, 1, tzinfo=UTC),
        cursor_value="2026-05-01T00:00:00Z",
    )
    again = record.with_content_hash("f" * 64)
    assert again.content_hash == "f" * 64 != record.content_hash
    others = [f.name for f in fields(PlatformRecord) if f.name != "content_hash"]
    assert [getattr(again, name) for name in others] == [getattr(record, name) for name in others]
