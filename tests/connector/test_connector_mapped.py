"""``identified_record``: identify a raw record, check its id, quarantine it when it cannot be identified."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coisync.connector import PlatformRecord, Quarantined
from coisync.connector.mapped import NUMERIC_ID, identified_record
from coisync.mapping import load_mapping

MAPPING = load_mapping(Path(__file__).parents[1] / "testing" / "fixtures" / "kitlease.toml").record("policy")


def row(**changes: Any) -> dict[str, Any]:
    return {"id": 7, "vendor": "v-1", "coverage": "GL", "updated_at": "2026-01-01T00:00:00Z", **changes}


def test_a_good_record_passes_with_its_cursor_value() -> None:
    item = identified_record("policies", row(), MAPPING, id_pattern=NUMERIC_ID)
    assert isinstance(item, PlatformRecord)
    assert (item.platform_id, item.cursor_value, item.platform_type) == (
        "7",
        "2026-01-01T00:00:00Z",
        "policy",
    )


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("not an object", "\u0000corrupt", "not an object but str"),
        ("no id", row(id=None), "no platform id at id"),
        ("bad time", row(updated_at="2025-13-45"), "bad updated_at: "),
        ("foreign id", row(id="#corrupt#"), "id '#corrupt#' is not an id this platform issues"),
    ],
)
def test_a_bad_record_is_quarantined_with_the_reason(name: str, raw: Any, reason: str) -> None:
    item = identified_record("policies", raw, MAPPING, id_pattern=NUMERIC_ID)
    assert isinstance(item, Quarantined)
    assert item.reason.startswith(reason)
    assert item.stream == "policies"


def test_without_an_id_pattern_any_id_is_accepted() -> None:
    assert isinstance(identified_record("policies", row(id="A-7"), MAPPING), PlatformRecord)


def test_a_record_that_does_not_map_is_left_to_the_pull() -> None:
    # Mapping waits for the pull, which maps only changed records and quarantines this one there.
    item = identified_record("policies", row(coverage=None), MAPPING, id_pattern=NUMERIC_ID)
    assert isinstance(item, PlatformRecord)
    assert not MAPPING.forward(item.raw).ok
