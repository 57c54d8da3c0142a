"""The seeded problems agree with the compliance engine, and the generator is deterministic."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coisync.compliance import RatingsTable, TemplateLibrary, evaluate, resolve_requirements
from coisync.errors import UsageError
from coisync.model import Agreement, Certificate, Party, Property
from coisync.sandbox.problems import ProblemKind
from coisync.sandbox.scenario import MIN_SIZE, build_scenario
from coisync.sandbox.scenario_files import seeded_problems, write_scenario_files

AS_OF = date(2026, 12, 4)


def _engine_codes(seed: int, size: int, tmp_path: Path) -> tuple[dict[str, tuple[str, list[str]]], dict]:
    scenario = build_scenario(seed, size, AS_OF)
    paths = write_scenario_files(scenario, tmp_path)
    ratings = RatingsTable.from_csv(paths["ratings.csv"])
    library = TemplateLibrary.builtin()
    props = {p["id"]: Property.model_validate(p, strict=False) for p in scenario.properties}
    verdicts = {}
    for raw in scenario.parties:
        party = Party.model_validate(raw, strict=False)
        agreement = Agreement.model_validate(scenario.agreement_of(party.id), strict=False)
        prop = props[agreement.property_id]
        requirements, source = resolve_requirements(
            party=party, property=prop, agreement=agreement, templates=library
        )
        cert = scenario.certificate_of(party.id)
        certificates = [Certificate.model_validate(cert, strict=False)] if cert else []
        evaluation = evaluate(
            certificates,
            requirements,
            as_of=AS_OF,
            party_id=party.id,
            ratings=ratings,
            agreement_id=agreement.id,
            property_id=prop.id,
            requirement_source=source,
        )
        verdicts[party.id] = (evaluation.status.value, sorted({f.code for f in evaluation.findings}))
    return verdicts, seeded_problems(scenario)


@pytest.mark.parametrize(("seed", "size"), [(1, 40), (7, 9), (2026, 120)])
def test_seeded_codes_match_engine(seed: int, size: int, tmp_path: Path) -> None:
    verdicts, report = _engine_codes(seed, size, tmp_path)
    mismatches = []
    for problem in report["problems"]:
        status, codes = verdicts[problem["party_id"]]
        if (status, codes) != (problem["expected_status"], sorted(problem["expected_codes"])):
            mismatches.append((problem["party_id"], problem["template"], problem["problem"], status, codes))
    assert mismatches == []


def test_every_kind_present_at_small_size() -> None:
    for size in (MIN_SIZE, 12, 40):
        report = seeded_problems(build_scenario(3, size, AS_OF))
        assert all(count >= 1 for count in report["counts"].values()), (size, report["counts"])
        assert set(report["counts"]) == {k.value for k in ProblemKind}


def test_too_small_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="at least 9"):
        build_scenario(1, MIN_SIZE - 1, AS_OF)


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = write_scenario_files(build_scenario(11, 40, AS_OF), tmp_path / "a")
    second = write_scenario_files(build_scenario(11, 40, AS_OF), tmp_path / "b")
    third = write_scenario_files(build_scenario(12, 40, AS_OF), tmp_path / "c")
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes()
    assert first["portfolio.jsonl"].read_bytes() != third["portfolio.jsonl"].read_bytes()


def test_parties_overlap_platforms() -> None:
    report = seeded_problems(build_scenario(5, 40, AS_OF))
    platform_sets = [frozenset(p["platform"] for p in problem["platforms"]) for problem in report["problems"]]
    assert any({"yardi", "procore"} <= s for s in platform_sets)
    assert any({"mri", "vts"} <= s for s in platform_sets)
    assert all(platform_sets)
    procore = [p for p in report["problems"] if any(x["platform"] == "procore" for x in p["platforms"])]
    assert {p["problem"] for p in procore} == {k.value for k in ProblemKind}


def test_templates_exist_and_report_is_json(tmp_path: Path) -> None:
    scenario = build_scenario(9, 30, AS_OF)
    names = set(TemplateLibrary.builtin().names())
    assert {a["template"] for a in scenario.agreements} <= names
    paths = write_scenario_files(scenario, tmp_path)
    data = json.loads(paths["seeded-problems.json"].read_text())
    assert data["as_of"] == "2026-12-04" and len(data["problems"]) == 30


def test_procore_codes_match_the_engine_on_thin_records() -> None:
    """Judged from what a Procore vendor record carries (one line per insurance, a single limit,
    no holder, no basis, no NAIC; the vendor template by kind), the failing codes are the ones
    seeded-problems.json lists for Procore."""
    from coisync.model import Outcome
    from coisync.sandbox.views import HEADLINE_LIMIT, platform_view

    scenario = build_scenario(21, 60, AS_OF)
    expected = {
        problem["party_id"]: sorted(p["expected_codes"])
        for problem in seeded_problems(scenario)["problems"]
        for p in problem["platforms"]
        if p["platform"] == "procore"
    }
    library = TemplateLibrary.builtin()
    got = {}
    for member in platform_view(scenario, "procore").parties:
        party = Party.model_validate({"id": member.party["id"], "kind": "vendor",
                                      "legal_name": member.party["legal_name"]}, strict=False)  # fmt: skip
        requirements, _ = resolve_requirements(party=party, property=None, agreement=None, templates=library)
        certificates = [
            Certificate.model_validate(
                {
                    "id": f"procore-{member.platform_id}-{n}",
                    "party_id": party.id,
                    "insured": {"name": party.legal_name},
                    "insurers": [{"letter": "A", "name": line.insurer}],
                    "lines": [
                        {
                            "coverage_type": line.coverage_type,
                            "insurer_letter": "A",
                            "policy_number": line.policy_number,
                            "effective_date": line.effective_date,
                            "expiration_date": line.expiration_date,
                            "limits": {HEADLINE_LIMIT[line.coverage_type]: line.limit},
                        }
                    ],
                },
                strict=False,
            )
            for n, line in enumerate(member.lines)
        ]
        evaluation = evaluate(certificates, requirements, as_of=AS_OF, party_id=party.id)
        got[party.id] = sorted({f.code for f in evaluation.findings if f.outcome is Outcome.FAIL})
    shown = {code for codes in expected.values() for code in codes}
    assert {"policy_expired", "policy_expiring", "limit_insufficient", "certificate_missing"} <= shown
    assert got == expected
