"""A raw record's content hash: equal content gives an equal hash whatever the key order, any
change gives another, and records the fast encoder cannot write still hash (standard encoder)."""

from __future__ import annotations

from decimal import Decimal

from coisync.connector.records import content_hash


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
