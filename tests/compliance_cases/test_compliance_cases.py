"""Table-driven compliance cases: hand-written expectations kept as TOML data.

Every ``*.toml`` file in this directory (except ``_common.toml``, which only holds shared
bases) carries ``[[case]]`` entries. Each case is built into canonical models, evaluated with
``coisync.compliance.evaluate`` exactly as the engine contract describes, and its status and
non-pass findings are compared with the expectation written by hand in the file.

The file format, the base/override mechanism and how to add a case are described in
``docs/compliance-cases.md``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from compliance_case_format import (
    CONTRACT_CODES,
    STATUSES,
    TEMPLATE_PARTY_KIND,
    Case,
    ExpectedFinding,
    load_cases,
)

from coisync.model import Agreement, Finding

MIN_CASES = 80

CONTRACT_SEVERITY = {"policy_expiring": "low", "coverage_gap": "medium"}
"""Severities the contract fixes for failing findings of a code."""

# Cases whose hand-written verdict (from the contract, the domain notes and insurance common
# sense) the engine does not give: case id -> why. Strict xfail: once the engine is fixed the
# case passes, the suite fails loudly, and the entry must be removed.
known_disagreements: dict[str, str] = {}

CASES, LOAD_ERRORS = load_cases()


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks = []
        if case.id in known_disagreements:
            reason = f"engine disagrees: {known_disagreements[case.id]}"
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def _unmatched(expected: list[ExpectedFinding], actual: list[Finding]) -> tuple[list[int], list[int]]:
    """Match expectations to findings one to one (bipartite); return the leftovers on both sides."""
    owner: dict[int, int] = {}

    def assign(e: int, seen: set[int]) -> bool:
        for a, finding in enumerate(actual):
            if a in seen or not expected[e].matches(finding):
                continue
            seen.add(a)
            if a not in owner or assign(owner[a], seen):
                owner[a] = e
                return True
        return False

    missing = [e for e in range(len(expected)) if not assign(e, set())]
    extra = [a for a in range(len(actual)) if a not in owner]
    return missing, extra


def _describe(finding: Finding) -> str:
    key = f" [{finding.limit_key}]" if finding.limit_key else ""
    return (
        f"{finding.code}:{finding.outcome.value}:{finding.coverage_type}{key} "
        f"(severity {finding.severity.value}; found {finding.found!r}): {finding.message}"
    )


def _names_window(finding: Finding, window: int) -> bool:
    text = f"{finding.found or ''} {finding.message}"
    return re.search(rf"(?<![\d\-/.,$]){window}(?![\d/]|,\d)", text) is not None


def _evaluate(case: Case) -> Any:
    from coisync.compliance import RatingsTable, TemplateLibrary, evaluate, resolve_requirements

    options: dict[str, Any] = {
        "as_of": case.as_of,
        "party_id": case.party_id,
        "evidence": case.evidence,
        "waivers": case.waivers,
        "ratings": RatingsTable.from_rows(case.ratings) if case.ratings is not None else None,
    }
    if case.windows is not None:
        options["windows"] = case.windows
    requirements = case.requirements
    if case.template is not None:
        assert case.property is not None and case.party is not None
        agreement = Agreement(
            id=f"agr-{case.id}",
            kind=TEMPLATE_PARTY_KIND[case.template.split("_")[0]][1],
            party_id=case.party_id,
            property_id=case.property.id,
            template=case.template,
        )
        requirements, source = resolve_requirements(
            party=case.party, property=case.property, agreement=agreement, templates=TemplateLibrary.builtin()
        )
        options.update(agreement_id=agreement.id, property_id=case.property.id, requirement_source=source)
    assert requirements is not None
    return evaluate(case.certificates, requirements, **options)


@pytest.mark.parametrize("case", _params())
def test_compliance_case(case: Case) -> None:
    """The engine's status and non-pass findings equal the hand-written expectation."""
    evaluation = _evaluate(case)
    actual = list(evaluation.findings)
    missing, extra = _unmatched(case.expected, actual)
    report = "\n".join(
        [
            f"case {case.id} ({case.file}): {case.description}",
            f"expected status {case.expected_status}, got {evaluation.status.value}",
            f"expected findings {case.raw_expected}",
            "actual findings:",
            *(f"  - {_describe(f)}" for f in actual),
            f"expected but not found: {[case.raw_expected[e] for e in missing]}",
            f"found but not expected: {[_describe(actual[a]) for a in extra]}",
        ]
    )
    assert evaluation.status.value == case.expected_status, report
    assert (evaluation.party_id, evaluation.as_of) == (case.party_id, case.as_of), report
    assert not missing and not extra, report
    for finding in actual:
        wanted_severity = CONTRACT_SEVERITY.get(finding.code)
        if wanted_severity and finding.outcome.value == "fail":
            assert finding.severity.value == wanted_severity, (
                f"{finding.code} is not {wanted_severity}\n{report}"
            )
    waiver_ids = {w.id for w in case.waivers}
    for finding in actual:
        if finding.outcome.value == "waived":
            assert finding.waiver_id in waiver_ids, f"waived finding without its waiver id\n{report}"
    if case.expected_window is not None:
        expiring = [f for f in actual if f.code == "policy_expiring"]
        wanted = case.expected_window
        for finding in expiring:
            window = wanted if isinstance(wanted, int) else wanted[finding.coverage_type or ""]
            assert _names_window(finding, window), (
                f"expiring finding does not name the {window}-day window\n{report}"
            )


def test_case_files_load() -> None:
    """Every case file parses and every case builds valid canonical models."""
    assert not LOAD_ERRORS, "\n".join(LOAD_ERRORS)


def test_suite_size_and_unique_ids() -> None:
    """The suite holds at least the agreed number of cases, each with its own id."""
    counts = Counter(case.id for case in CASES)
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} cases"
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_contract_code_is_expected_somewhere() -> None:
    """Each finding code of the contract is the expectation of at least one case."""
    used = {e.code for case in CASES for e in case.expected}
    assert sorted(set(CONTRACT_CODES) - used) == []


def test_every_status_is_expected_somewhere() -> None:
    """Each status of the precedence list is the expected status of at least one case."""
    used = {case.expected_status for case in CASES}
    assert sorted(set(STATUSES) - used) == []


def test_known_disagreements_name_real_cases() -> None:
    """Every entry of known_disagreements names a case that exists."""
    ids = {case.id for case in CASES}
    assert sorted(set(known_disagreements) - ids) == []
