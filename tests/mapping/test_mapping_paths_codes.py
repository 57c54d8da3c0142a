"""Paths into platform records, and code tables."""

from __future__ import annotations

from typing import Any

import pytest

from coisync.mapping import MISSING, CodeTable, CoercionError, PathSyntaxError, parse_path
from coisync.mapping.codes import BUILTIN_CODE_TABLES

RECORD: dict[str, Any] = {
    "id": 311823,
    "attributes": {"limit": {"magnitude": 1000000, "unit": "USD"}, "blank": None},
    "coverages": [{"amount": "10"}, {"amount": "20"}],
    "odata.metadata": "https://emu/$metadata",
    "UserDefinedFields": {
        "Field": [{"@Name": "COIStatus", "#text": "Compliant"}, {"@Name": "Tier", "#text": "A"}]
    },
    "Single": {"Field": {"@Name": "Only", "#text": "one"}},
    "flags": [{"on": True, "v": 1}],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("id", 311823),
        ("attributes.limit.magnitude", 1000000),
        ("attributes.blank", None),
        ("attributes.absent", MISSING),
        ("coverages[1].amount", "20"),
        ("coverages[-1].amount", "20"),
        ("coverages[5].amount", MISSING),
        ('["odata.metadata"]', "https://emu/$metadata"),
        ("UserDefinedFields.Field[@Name=Tier].#text", "A"),
        ("UserDefinedFields.Field[@Name=Nope].#text", MISSING),
        ("Single.Field[@Name=Only].#text", "one"),
        ("flags[on=true].v", 1),
        ("id.deeper", MISSING),
        ("coverages.amount", MISSING),
    ],
)
def test_get(path: str, expected: Any) -> None:
    assert parse_path(path).get(RECORD) == expected


@pytest.mark.parametrize(
    "text",
    ["", " ", "a..b", ".a", "a.", "a[", "a[x", "a b", "a.[0]", "a[0]b", "a[=1]", "9a", "a[1.5]"],
)
def test_bad_syntax(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(text)


@pytest.mark.parametrize(
    "text", ["a", "a.b.c", "a[0].b", "a[k=v].b", '["x.y"].z', "Insurer.Name", "#text", "@Name", "a[0][1]"]
)
def test_round_trip_text(text: str) -> None:
    assert str(parse_path(text)) == text


def test_set_creates_nested_dicts_lists_and_selected_items() -> None:
    payload: dict[str, Any] = {}
    parse_path("insurance.name").set(payload, "Hartford")
    parse_path("insurance.limits[1].amount").set(payload, "5")
    parse_path("udf.Field[@Name=COIStatus].#text").set(payload, "Compliant")
    parse_path("udf.Field[@Name=COIStatus].#text").set(payload, "Expired")
    assert payload == {
        "insurance": {"name": "Hartford", "limits": [None, {"amount": "5"}]},
        "udf": {"Field": [{"@Name": "COIStatus", "#text": "Expired"}]},
    }


def test_set_into_a_scalar_fails() -> None:
    payload: dict[str, Any] = {"a": 1}
    with pytest.raises(PathSyntaxError):
        parse_path("a[0]").set(payload, 2)
    with pytest.raises(PathSyntaxError, match="cannot write inside 'a'"):
        parse_path("a.b").set(payload, 2)
    listed: dict[str, Any] = {"insurer": {"names": ["Hartford"]}}
    with pytest.raises(PathSyntaxError, match="cannot write key 'first' into a list"):
        parse_path("insurer.names.first").set(listed, "Travelers")


def test_set_along_plain_keys_keeps_what_is_there() -> None:
    payload: dict[str, Any] = {"insurer": {"naic": "12345"}, "limit": None}
    parse_path("insurer.name").set(payload, "Hartford")
    parse_path("limit.amount").set(payload, "1000000")
    parse_path("a.b.c").set(payload, None)
    assert payload == {
        "insurer": {"naic": "12345", "name": "Hartford"},
        "limit": {"amount": "1000000"},
        "a": {"b": {"c": None}},
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("GL", "general_liability"),
        ("CGL", "general_liability"),
        ("General Liability", "general_liability"),
        ("Commercial General Liability", "general_liability"),
        ("general-liability", "general_liability"),
        ("  GENERAL   LIABILITY ", "general_liability"),
        ("WC", "workers_compensation"),
        ("Workers' Comp", "workers_compensation"),
        ("Auto", "auto_liability"),
        ("Umbrella", "umbrella"),
        ("E&O", "professional_liability"),
        ("Liquor", "liquor_liability"),
        ("general_liability", "general_liability"),
    ],
)
def test_builtin_coverage_table(code: str, expected: str) -> None:
    value, known = BUILTIN_CODE_TABLES["coverage_type"].to_canonical(code)
    assert (value, known) == (expected, True)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("Builders Risk", "builders_risk"),
        ("Inland Marine", "inland_marine"),
        ("Crime/Fidelity", "crime_fidelity"),
    ],
)
def test_unknown_coverage_type_kept_snake_cased(code: str, expected: str) -> None:
    assert BUILTIN_CODE_TABLES["coverage_type"].to_canonical(code) == (expected, False)


def test_unknown_policy_error_refuses() -> None:
    table = CodeTable("s", {"A": "a"}, unknown="error")
    with pytest.raises(CoercionError, match="not in code table 's'"):
        table.to_canonical("B")
    with pytest.raises(CoercionError, match="no platform code"):
        table.to_platform("b")


def test_reverse_prefers_explicit_then_first_listed() -> None:
    table = CodeTable(
        "s", {"Compliant": "compliant", "OK": "compliant", "Bad": "non_compliant"}, {"non_compliant": "NC"}
    )
    assert table.to_platform("compliant") == "Compliant"
    assert table.to_platform("non_compliant") == "NC"
    assert table.to_platform("unknown_value") == "unknown_value"


def test_merged_table_entries_win_over_builtins() -> None:
    base = BUILTIN_CODE_TABLES["coverage_type"]
    merged = base.merged({"GL": "garage_liability", "General Liability": "general_liability"}, {}, "keep")
    assert merged.to_canonical("GL") == ("garage_liability", True)
    assert merged.to_canonical("CGL") == ("general_liability", True)
    assert merged.to_platform("general_liability") == "General Liability"


def test_empty_code_is_an_error() -> None:
    with pytest.raises(CoercionError, match="empty code"):
        BUILTIN_CODE_TABLES["coverage_type"].to_canonical("--")
