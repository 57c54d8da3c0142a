"""Legal-name normalisation and matching."""

from __future__ import annotations

import pytest

from coisync.compliance import name_match, normalize_name
from coisync.compliance.normalize import MATCH_THRESHOLD, name_appears_in


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The Acme Co., L.L.C.", "acme co llc"),
        ("ACME PROPERTIES, L. L. C.", "acme properties llc"),
        ("Smith & Sons Incorporated", "smith and sons inc"),
        ("Smith + Sons, Inc.", "smith and sons inc"),
        ("Harbor Point Management Corporation", "harbor point management corp"),
        ("  Riverside   Plaza  Owner LLC ", "riverside plaza owner llc"),
        ("O'Brien Holdings Limited", "obrien holdings ltd"),
        ("The", "the"),
        ("", ""),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("required", "found"),
    [
        ("Acme Properties LLC", "ACME PROPERTIES, L.L.C."),
        ("The Acme Company", "Acme Co."),
        ("Smith and Sons Incorporated", "Smith & Sons, Inc."),
        ("Riverside Plaza Owner LLC", "Riversde Plaza Owner LLC"),
        ("Harbor Point Management Inc.", "Harbor Point Management, Incorporated"),
        ("Acme Properties LLC", "Acme Properties Limited Liability Company"),
        ("Acme Properties LLC", "Acme Properties LLC c/o Harbor Point Management Inc."),
        ("Acme Properties LLC", "Acme Properties LLC, its members, managers, affiliates and subsidiaries"),
        ("Acme Properties LLC", "Acme Properties LLC ISAOA/ATIMA"),
        ("Acme Properties LLC", "Acme Properties LLC, Attn: Risk Management"),
    ],
)
def test_same_entity_matches(required: str, found: str) -> None:
    match = name_match(required, found)
    assert match.matched, match
    assert match.score >= MATCH_THRESHOLD


@pytest.mark.parametrize(
    ("required", "found"),
    [
        ("Acme Holdings LLC", "Acme Properties LLC"),
        ("Riverside Plaza Owner II LLC", "Riverside Plaza Owner LLC"),
        ("Riverside Plaza Owner 2 LLC", "Riverside Plaza Owner 3 LLC"),
        ("Acme Properties LLC", "Acme Properties Inc."),
        ("Acme Properties LLC", "Acme Properties West LLC"),
        ("Acme Properties LLC", ""),
        ("North Tower Owner LLC", "South Tower Owner LLC"),
    ],
)
def test_different_legal_name_does_not_match(required: str, found: str) -> None:
    assert not name_match(required, found).matched


def test_legal_core_keeps_a_name_that_is_only_a_tail() -> None:
    from coisync.compliance.normalize import legal_core

    assert legal_core("c/o Harbor Point") == "c/o Harbor Point"
    assert legal_core("Acme Co, and its affiliated companies") == "Acme Co"


def test_match_reports_normalised_forms_and_score() -> None:
    match = name_match("The Acme Co.", "acme company")
    assert (match.normalized_required, match.normalized_found) == ("acme co", "acme co")
    assert match.score == 100.0
    near = name_match("Riverside Plaza Owner LLC", "Riversde Plaza Owner LLC")
    assert 90.0 <= near.score < 100.0


def test_name_appears_in_text() -> None:
    text = "Acme Properties, L.L.C. and its managing agent are included as additional insureds."
    assert name_appears_in("Acme Properties LLC", text)
    assert not name_appears_in("Acme Holdings LLC", text)
    assert not name_appears_in("", text)
