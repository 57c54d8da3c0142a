"""Matching the named insured to a party with the compliance engine's name matcher."""

from __future__ import annotations

from coisync.intake.match import match_party
from coisync.model import Party, PartyKind


def _p(party_id: str, name: str, *aliases: str, active: bool = True) -> Party:
    return Party(id=party_id, kind=PartyKind.VENDOR, legal_name=name, aliases=aliases, active=active)


def test_legal_forms_and_punctuation_do_not_matter() -> None:
    found = match_party(
        "ACME MECHANICAL, L.L.C.", [_p("P1", "Acme Mechanical LLC"), _p("P2", "Acme Holdings LLC")]
    )
    assert (found.party_id, found.reason) == ("P1", None)


def test_an_alias_matches() -> None:
    found = match_party(
        "Bright Line Cleaning Co", [_p("P1", "Brightline Janitorial Inc", "Bright Line Cleaning Company")]
    )
    assert found.party_id == "P1"


def test_a_distinct_word_never_matches() -> None:
    found = match_party("Riverside Owner II LLC", [_p("P1", "Riverside Owner LLC")])
    assert found.party_id is None and found.reason is not None and "no party matches" in found.reason


def test_inactive_parties_are_not_candidates() -> None:
    assert (
        match_party("Acme Mechanical LLC", [_p("P1", "Acme Mechanical LLC", active=False)]).party_id is None
    )


def test_an_exact_match_wins_over_a_typo_but_two_exact_ones_are_ambiguous() -> None:
    exact, typo = _p("P1", "Harbor Plumbing Company"), _p("P2", "Harbr Plumbing Company")
    assert match_party("Harbor Plumbing Co", [typo, exact]).party_id == "P1"
    twin = _p("P3", "HARBOR PLUMBING CO.")
    found = match_party("Harbor Plumbing Co", [exact, twin])
    assert found.party_id is None and found.candidates == ("P1", "P3")
    assert found.reason is not None and "several parties" in found.reason


def test_an_unreadable_insured_needs_the_party_option() -> None:
    found = match_party(None, [_p("P1", "Acme")])
    assert found.party_id is None and found.reason is not None and "--party" in found.reason
