"""evaluate(): status precedence, dates, umbrella filling, waivers, evidence and determinism."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from compliance_factories import AS_OF, OWNER, certificate, gl_requirement, line, requirements

from coisync.compliance import RatingsTable, evaluate
from coisync.model import Certificate, Evaluation, PropertyEvidence, RequirementSet, Status, Waiver


def codes(evaluation: Evaluation) -> list[tuple[str, str]]:
    return sorted((f.code, f.outcome.value) for f in evaluation.findings)


def run(certs: list[Certificate], reqs: RequirementSet | None = None, **options: object) -> Evaluation:
    options.setdefault("as_of", AS_OF)
    options.setdefault("party_id", "p-1")
    return evaluate(certs, reqs or requirements(), **options)  # type: ignore[arg-type]


def waiver(code: str, **scope: object) -> Waiver:
    return Waiver.model_validate(
        {
            "id": f"w-{code}",
            "party_id": "p-1",
            "scope": {"finding_codes": [code], **scope},
            "approver": "risk@acme.example",
            "reason": "approved by the asset manager",
            "granted_on": date(2026, 1, 1),
        },
        strict=False,
    )


def test_compliant_and_carries_source_and_earliest_expiration() -> None:
    evaluation = run([certificate(line())], requirement_source="tenant_office", agreement_id="lease-1")
    assert evaluation.status is Status.COMPLIANT
    assert evaluation.findings == ()
    assert evaluation.results, "passing checks are kept in results"
    assert evaluation.requirement_source == "tenant_office"
    assert evaluation.agreement_id == "lease-1"
    assert evaluation.earliest_expiration == date(2027, 1, 1)


def test_no_requirement_is_not_required() -> None:
    evaluation = run([], RequirementSet())
    assert evaluation.status is Status.NOT_REQUIRED
    assert evaluation.results == ()


def test_nothing_received_is_one_certificate_missing() -> None:
    evaluation = run([])
    assert evaluation.status is Status.MISSING
    assert codes(evaluation) == [("certificate_missing", "fail")]


def test_expired_line_next_to_in_force_renewal_is_history() -> None:
    old = line(policy_number="GL-0", effective_date=date(2025, 1, 1), expiration_date=date(2026, 1, 1))
    evaluation = run([certificate(old, cert_id="old"), certificate(line(), cert_id="new")])
    assert evaluation.status is Status.COMPLIANT


def test_expiring_on_the_day_is_expired() -> None:
    evaluation = run([certificate(line())], as_of=date(2027, 1, 1))
    assert evaluation.status is Status.EXPIRED
    assert ("policy_expired", "fail") in codes(evaluation)


def test_not_yet_effective_renewal_only() -> None:
    future = line(effective_date=date(2026, 7, 1), expiration_date=date(2027, 7, 1))
    evaluation = run([certificate(future)])
    assert evaluation.status is Status.NON_COMPLIANT
    assert codes(evaluation) == [("policy_not_yet_effective", "fail")]


@pytest.mark.parametrize(
    ("days_left", "window", "status"),
    [
        (1, 30, Status.EXPIRING),
        (30, 30, Status.EXPIRING),
        (31, 60, Status.EXPIRING),
        (90, 90, Status.EXPIRING),
        (91, None, Status.COMPLIANT),
    ],
)
def test_expiring_windows(days_left: int, window: int | None, status: Status) -> None:
    as_of = date(2027, 1, 1) - timedelta(days=days_left)
    evaluation = run([certificate(line())], as_of=as_of)
    assert evaluation.status is status
    expiring = [f for f in evaluation.findings if f.code == "policy_expiring"]
    if window is None:
        assert expiring == []
    else:
        (finding,) = expiring
        assert finding.severity.value == "low"
        assert finding.found is not None and finding.found.startswith(f"{window}-day window")


def test_custom_windows() -> None:
    evaluation = run([certificate(line())], as_of=date(2026, 12, 1), windows=(7, 14))
    assert evaluation.status is Status.COMPLIANT


def test_gap_between_policies() -> None:
    old = line(policy_number="GL-0", effective_date=date(2025, 1, 1), expiration_date=date(2025, 12, 20))
    evaluation = run([certificate(old, line())])
    assert evaluation.status is Status.NON_COMPLIANT
    (gap,) = [f for f in evaluation.findings if f.code == "coverage_gap"]
    assert "12 day(s)" in gap.message


def test_renewal_starting_the_day_the_old_policy_expires_has_no_gap() -> None:
    old = line(policy_number="GL-0", effective_date=date(2025, 1, 1), expiration_date=date(2026, 1, 1))
    assert run([certificate(old, line())]).status is Status.COMPLIANT


def test_gap_ahead() -> None:
    renewal = line(policy_number="GL-2", effective_date=date(2027, 1, 15), expiration_date=date(2028, 1, 15))
    evaluation = run([certificate(line(), renewal)])
    assert ("coverage_gap", "fail") in codes(evaluation)


def test_unknown_expiration_is_pending_review() -> None:
    evaluation = run([certificate(line(expiration_date=None))])
    assert evaluation.status is Status.PENDING_REVIEW
    assert codes(evaluation) == [("expiration_unknown", "unverified")]
    assert evaluation.earliest_expiration is None


def test_limit_not_shown_is_unverified() -> None:
    evaluation = run([certificate(line(limits={"each_occurrence": 1_000_000}))])
    assert evaluation.status is Status.PENDING_REVIEW
    assert codes(evaluation) == [("limit_not_shown", "unverified")]


def umbrella(**overrides: object) -> object:
    data: dict[str, object] = {
        "policy_number": "UMB-1",
        "sits_over": ["general_liability"],
        "limits": {"each_occurrence": 1_000_000, "aggregate": 1_000_000},
    }
    data.update(overrides)
    return line("umbrella", **data)


SHORT_GL = {"each_occurrence": 500_000, "general_aggregate": 1_000_000}


@pytest.mark.parametrize(
    ("may_fill", "umbrella_overrides", "status"),
    [
        (True, {}, Status.COMPLIANT),
        (False, {}, Status.NON_COMPLIANT),
        (True, {"sits_over": []}, Status.NON_COMPLIANT),
        (True, {"sits_over": ["auto_liability"]}, Status.NON_COMPLIANT),
        (
            True,
            {"expiration_date": date(2026, 5, 1), "effective_date": date(2025, 5, 1)},
            Status.NON_COMPLIANT,
        ),
        (True, {"limits": {"each_occurrence": 200_000, "aggregate": 200_000}}, Status.NON_COMPLIANT),
    ],
)
def test_umbrella_fills_only_when_allowed(
    may_fill: bool, umbrella_overrides: dict[str, object], status: Status
) -> None:
    reqs = requirements(gl_requirement(umbrella_may_fill=may_fill))
    cert = certificate(line(limits=SHORT_GL), umbrella(**umbrella_overrides))  # type: ignore[arg-type]
    evaluation = run([cert], reqs)
    assert evaluation.status is status
    if status is Status.COMPLIANT:
        filled = [
            r
            for r in evaluation.results
            if r.code == "limit_insufficient" and "filled by" in (r.evidence or "")
        ]
        assert {r.limit_key for r in filled} == {"each_occurrence", "general_aggregate"}


def test_umbrella_does_not_fill_products_aggregate() -> None:
    reqs = requirements(
        gl_requirement(umbrella_may_fill=True, limits={"products_completed_ops_aggregate": 2_000_000})
    )
    cert = certificate(line(limits={"products_completed_ops_aggregate": 1_000_000}), umbrella())  # type: ignore[arg-type]
    assert codes(run([cert], reqs)) == [("limit_insufficient", "fail")]


def test_waiver_excuses_scoped_finding_only() -> None:
    cert = certificate(line(limits=SHORT_GL))
    evaluation = run(
        [cert],
        waivers=[
            waiver("limit_insufficient", coverage_type="general_liability", limit_key="each_occurrence")
        ],
    )
    outcomes = {(f.limit_key, f.outcome.value, f.waiver_id) for f in evaluation.findings}
    assert outcomes == {
        ("each_occurrence", "waived", "w-limit_insufficient"),
        ("general_aggregate", "fail", None),
    }
    assert evaluation.status is Status.NON_COMPLIANT
    full = run([cert], waivers=[waiver("limit_insufficient")])
    assert full.status is Status.COMPLIANT
    assert all(f.outcome.value == "waived" for f in full.findings)


def test_waiver_for_other_coverage_party_or_day_does_not_apply() -> None:
    cert = certificate(line(limits=SHORT_GL))
    other_cov = waiver("limit_insufficient", coverage_type="auto_liability")
    other_party = waiver("limit_insufficient").model_copy(update={"party_id": "p-2"})
    lapsed = waiver("limit_insufficient").model_copy(update={"expires_on": date(2026, 5, 31)})
    revoked = waiver("limit_insufficient").model_copy(update={"revoked_at": datetime(2026, 5, 1, tzinfo=UTC)})
    other_agreement = waiver("limit_insufficient").model_copy(update={"agreement_id": "lease-9"})
    for item in (other_cov, other_party, lapsed, revoked, other_agreement):
        assert run([cert], waivers=[item], agreement_id="lease-1").status is Status.NON_COMPLIANT, item
    assert (
        run([cert], waivers=[waiver("limit_insufficient")], agreement_id="lease-1").status is Status.COMPLIANT
    )


def test_expired_policy_is_never_waived() -> None:
    evaluation = run([certificate(line())], as_of=date(2027, 2, 1), waivers=[waiver("policy_expired")])
    assert evaluation.status is Status.EXPIRED
    assert codes(evaluation) == [("policy_expired", "fail")]


def test_waived_finding_does_not_count_for_status() -> None:
    evaluation = run([certificate(line(expiration_date=None))], waivers=[waiver("expiration_unknown")])
    assert evaluation.status is Status.COMPLIANT
    assert codes(evaluation) == [("expiration_unknown", "waived")]


def test_precedence_expired_over_non_compliant_over_expiring() -> None:
    reqs = requirements(
        gl_requirement(),
        gl_requirement(coverage_type="auto_liability", limits={"combined_single_limit": 1_000_000}),
    )
    expired_auto = line(
        "auto_liability",
        effective_date=date(2025, 1, 1),
        expiration_date=date(2026, 1, 1),
        limits={"combined_single_limit": 1_000_000},
    )
    short_gl = line(limits=SHORT_GL)
    assert run([certificate(short_gl, expired_auto)], reqs).status is Status.EXPIRED
    good_auto = expired_auto.model_copy(
        update={"expiration_date": date(2026, 6, 20), "effective_date": date(2025, 6, 20)}
    )
    assert run([certificate(short_gl, good_auto)], reqs).status is Status.NON_COMPLIANT
    assert run([certificate(line(), good_auto)], reqs).status is Status.EXPIRING


def test_insurer_rating() -> None:
    reqs = requirements(min_am_best_rating="A-", min_financial_size_class=8)
    cert = certificate(line())
    assert codes(run([cert], reqs)) == [("insurer_rating_unknown", "unverified")]
    strong = RatingsTable.from_rows([{"naic": "10001", "am_best_rating": "A", "financial_size_class": "X"}])
    weak = RatingsTable.from_rows([{"naic": "10001", "am_best_rating": "A", "financial_size_class": "VII"}])
    absent = RatingsTable.from_rows(
        [{"naic": "20002", "am_best_rating": "A++", "financial_size_class": "XV"}]
    )
    assert run([cert], reqs, ratings=strong).status is Status.COMPLIANT
    assert codes(run([cert], reqs, ratings=weak)) == [("insurer_rating_insufficient", "fail")]
    assert codes(run([cert], reqs, ratings=absent)) == [("insurer_rating_unknown", "unverified")]


def test_holder_checks() -> None:
    reqs = requirements(certificate_holder={"name": OWNER})
    assert (
        run([certificate(line(), holder={"name": "ACME PROPERTIES, L.L.C."})], reqs).status
        is Status.COMPLIANT
    )
    wrong = run([certificate(line(), holder={"name": "Acme Holdings LLC"})], reqs)
    assert codes(wrong) == [("holder_mismatch", "fail")]
    assert wrong.findings[0].score is not None and wrong.findings[0].score < 90
    assert codes(run([certificate(line(), holder=None)], reqs)) == [("holder_mismatch", "unverified")]


def test_claims_made_and_deductible() -> None:
    reqs = requirements(gl_requirement(basis="occurrence", max_deductible=10_000))
    cert = certificate(line(basis="claims_made", deductible=25_000))
    assert codes(run([cert], reqs)) == [
        ("claims_made_not_accepted", "fail"),
        ("deductible_exceeds_maximum", "fail"),
    ]
    professional = requirements(
        gl_requirement(coverage_type="professional_liability", basis="occurrence", limits={})
    )
    pl = certificate(line("professional_liability", basis="claims_made"))
    assert run([pl], professional).status is Status.COMPLIANT


def evidence(**overrides: object) -> PropertyEvidence:
    data: dict[str, object] = {
        "id": "ev-1",
        "insurer_name": "Hartwell Mutual",
        "insurer_naic": "10001",
        "effective_date": date(2026, 1, 1),
        "expiration_date": date(2027, 1, 1),
        "insured": {"name": "Blue Heron Coffee LLC"},
        "perils": "special",
        "rows": [
            {"key": "replacement_cost", "answer": "yes"},
            {"key": "coinsurance", "answer": "yes", "percent": 80},
            {"key": "business_income", "answer": "yes", "limit": 250_000},
            {"key": "flood", "answer": "yes", "limit": 500_000},
        ],
    }
    data.update(overrides)
    return PropertyEvidence.model_validate(data, strict=False)


PROPERTY_TERMS = {
    "perils": "special",
    "valuation": "replacement_cost",
    "max_coinsurance_percent": 90,
    "business_income": True,
    "required_rows": {"flood": 1_000_000},
}


def test_property_terms() -> None:
    reqs = RequirementSet.model_validate({"property_terms": PROPERTY_TERMS}, strict=False)
    evaluation = run([], reqs, evidence=[evidence()])
    assert codes(evaluation) == [("property_row_missing", "fail")]
    assert evaluation.earliest_expiration == date(2027, 1, 1)
    broad = evidence(perils="broad", rows=[{"key": "coinsurance", "answer": "yes", "percent": 100}])
    assert codes(run([], reqs, evidence=[broad])) == [
        ("property_business_income_missing", "fail"),
        ("property_coinsurance_exceeds_maximum", "fail"),
        ("property_perils_insufficient", "fail"),
        ("property_row_missing", "fail"),
        ("property_valuation_insufficient", "fail"),
    ]
    assert codes(run([certificate(line())], reqs)) == [("coverage_missing", "fail")]
    expired = evidence(effective_date=date(2025, 1, 1), expiration_date=date(2026, 1, 1))
    assert run([], reqs, evidence=[expired]).status is Status.EXPIRED


def test_deterministic_whatever_the_input_order() -> None:
    certs = [
        certificate(line(limits=SHORT_GL), cert_id="a"),
        certificate(line(policy_number="GL-9", expiration_date=date(2026, 6, 20)), cert_id="b"),
        certificate(line("auto_liability", limits={"combined_single_limit": 500_000}), cert_id="c"),
    ]
    reqs = requirements(
        gl_requirement(),
        gl_requirement(coverage_type="auto_liability", limits={"combined_single_limit": 1_000_000}),
    )
    first = run(certs, reqs)
    again = run(certs, reqs)
    assert first == again
    reversed_order = run(list(reversed(certs)), reqs)
    assert reversed_order.status == first.status
    assert codes(reversed_order) == codes(first)


def test_bad_windows_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        run([certificate(line())], windows=(0,))


def test_endorsement_titles_evidence_wos_and_pnc() -> None:
    reqs = requirements(gl_requirement(waiver_of_subrogation=True, primary_noncontributory=True))
    bare = certificate(line(subrogation_waived=None))
    assert codes(run([bare], reqs)) == [
        ("primary_noncontributory_missing", "fail"),
        ("waiver_of_subrogation_missing", "fail"),
    ]
    titled = certificate(
        line(subrogation_waived=None),
        endorsements=[
            {
                "title": "Waiver of transfer of rights of recovery against others to us",
                "coverage_types": ["general_liability"],
            },
            {"title": "Primary and noncontributory - other insurance condition"},
        ],
    )
    evaluation = run([titled], reqs)
    assert evaluation.status is Status.COMPLIANT
    wos = next(r for r in evaluation.results if r.code == "waiver_of_subrogation_missing")
    assert wos.found is not None and "rights of recovery" in wos.found
    assert wos.message.startswith("General liability: waiver of subrogation shown")
    pnc = next(r for r in evaluation.results if r.code == "primary_noncontributory_missing")
    assert pnc.message.startswith("General liability: primary and non-contributory shown")
    wrong_line = certificate(
        line(subrogation_waived=None),
        endorsements=[
            {
                "title": "Waiver of our right to recover from others",
                "coverage_types": ["workers_compensation"],
            }
        ],
    )
    assert ("waiver_of_subrogation_missing", "fail") in codes(run([wrong_line], reqs))
