"""Endorsement and wording detection in the description of operations."""

from __future__ import annotations

import pytest

from coisync.compliance import form_key, read_wording


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("CG 20 10 04 13", "CG2010"),
        ("CG2037", "CG2037"),
        ("cg 24 04", "CG2404"),
        ("CG-20-26-04-13", "CG2026"),
        ("WC 00 03 13", "WC000313"),
        ("CA 04 44", "CA0444"),
        ("no form here", None),
    ],
)
def test_form_key(text: str, key: str | None) -> None:
    assert form_key(text) == key


@pytest.mark.parametrize(
    "text",
    [
        "Waiver of subrogation applies in favor of the certificate holder.",
        "Subrogation is waived as respects the landlord.",
        "The insurer waives subrogation against the owner.",
        "Blanket waiver of all rights of subrogation where required by written contract.",
    ],
)
def test_waiver_of_subrogation_wording(text: str) -> None:
    assert read_wording(text).waiver_of_subrogation


@pytest.mark.parametrize(
    "text",
    [
        "Coverage is primary and non-contributory.",
        "primary & noncontributory basis",
        "Primary and Noncontributory",
    ],
)
def test_primary_noncontributory_wording(text: str) -> None:
    assert read_wording(text).primary_noncontributory


def test_primary_alone_is_not_pnc() -> None:
    assert not read_wording("This insurance is primary.").primary_noncontributory


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("30 days notice of cancellation to the certificate holder.", 30),
        ("Thirty (30) days prior written notice will be given.", 30),
        ("Should the policy be cancelled, sixty (60) days notice applies.", 60),
        ("60-day notice of cancellation endorsement attached.", 60),
        ("Thirty days notice of cancellation, 10 days for non-payment of premium.", 30),
        ("Work performed over 45 days at the site.", None),
        ("", None),
    ],
)
def test_notice_days(text: str, days: int | None) -> None:
    assert read_wording(text).notice_days == days


def test_full_description() -> None:
    text = (
        "Acme Properties LLC is included as additional insured for ongoing and completed operations "
        "per CG 20 10 04 13 and CG 20 37 04 13. Waiver of subrogation per CG 24 04."
    )
    wording = read_wording(text)
    assert wording.additional_insured
    assert wording.ongoing_operations and wording.completed_operations
    assert wording.forms == frozenset({"CG2010", "CG2037", "CG2404"})


def test_none_is_empty() -> None:
    wording = read_wording(None)
    assert not wording.additional_insured and wording.notice_days is None and not wording.forms


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Waiver of subrogation is not provided.", "waiver_of_subrogation"),
        ("Primary and non-contributory endorsement is not available.", "primary_noncontributory"),
        ("The landlord is not an additional insured.", "additional_insured"),
        ("Waiver of subrogation excluded.", "waiver_of_subrogation"),
    ],
)
def test_negated_wording_is_not_evidence(text: str, attribute: str) -> None:
    assert not getattr(read_wording(text), attribute)


def test_negation_in_another_sentence_does_not_cancel() -> None:
    wording = read_wording("Waiver of subrogation applies. Flood is not covered.")
    assert wording.waiver_of_subrogation


def test_certificate_holder_named_additional_insured() -> None:
    assert read_wording(
        "The certificate holder is included as additional insured."
    ).holder_is_additional_insured
    assert not read_wording("Certificate holder notified of cancellation.").holder_is_additional_insured
