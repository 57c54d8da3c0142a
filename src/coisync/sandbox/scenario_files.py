"""The scenario on disk: ``portfolio.jsonl``, ``seeded-problems.json`` and ``ratings.csv``.

All three are byte-identical for the same seed, size and date. ``portfolio.jsonl`` is the
canonical JSONL that ``coisync import`` reads (properties first, then per party its party,
agreement and certificate records); ``seeded-problems.json`` lists, per party and per platform,
the seeded problem and the finding codes a correct engine raises, written from what was seeded,
plus ``cross_system``: the disagreements between platforms' copies of a party's policy lines
the agreements shown in force in one platform and ended in another (``agreement_drift``), and
the parties one platform holds at a building another platform holds without them
(``party_unknown``), each with the platforms that should be flagged;
``ratings.csv`` is the AM Best table the sandbox config points at.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from coisync.compliance import DEFAULT_WINDOWS
from coisync.model import FORMAT_VERSION
from coisync.sandbox.certificates import ratings_csv
from coisync.sandbox.divergence import ENDED_STATUS, divergences, drifts, held, unknowns
from coisync.sandbox.problems import CATALOGUE, ProblemKind, carried_on, platform_codes
from coisync.sandbox.scenario import Scenario

PORTFOLIO_FILE = "portfolio.jsonl"
PROBLEMS_FILE = "seeded-problems.json"
RATINGS_FILE = "ratings.csv"
PROBLEMS_FORMAT = 1


def _envelope(record_type: str, data: dict[str, Any]) -> str:
    record = {"format_version": FORMAT_VERSION, "type": record_type, "data": data}
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


def portfolio_lines(scenario: Scenario) -> list[str]:
    """The canonical JSONL lines of the scenario, in import order."""
    lines = [_envelope("property", prop) for prop in scenario.properties]
    for party in scenario.parties:
        lines.append(_envelope("party", party))
        lines.append(_envelope("agreement", scenario.agreement_of(party["id"])))
        certificate = scenario.certificate_of(party["id"])
        if certificate is not None:
            lines.append(_envelope("certificate", certificate))
    return lines


def seeded_problems(scenario: Scenario) -> dict[str, Any]:
    """The seeded-problem report (what ``seeded-problems.json`` holds)."""
    problems = []
    for party in scenario.parties:
        kind = scenario.problems[party["id"]]
        spec = CATALOGUE[kind]
        problems.append(
            {
                "party_id": party["id"],
                "legal_name": party["legal_name"],
                "party_kind": party["kind"],
                "template": scenario.agreement_of(party["id"])["template"],
                "problem": kind.value,
                "description": spec.description,
                "details": scenario.problem_details[party["id"]],
                "expected_status": spec.status,
                "expected_codes": list(spec.codes),
                "platforms": [
                    {
                        "platform": placement.platform,
                        "record_type": placement.record_type,
                        "platform_id": placement.platform_id,
                        "carried": carried_on(kind, placement.platform),
                        "held": held(placement.platform, placement.record_type),
                        "expected_codes": platform_codes(kind, placement.platform),
                    }
                    for placement in scenario.placements_of(party["id"])
                ],
            }
        )
    counts = Counter(p["problem"] for p in problems)
    names = {p["id"]: p["legal_name"] for p in scenario.parties}
    cross_system = [
        {
            "party_id": d.party_id,
            "legal_name": names[d.party_id],
            "problem": f"{d.field}_disagrees",
            "coverage_type": d.coverage_type,
            "field": d.field,
            "differs_on": d.platform,
            "platforms": list(d.platforms),
        }
        for d in divergences(scenario)
    ]
    cross_system += [
        {
            "party_id": d.party_id,
            "legal_name": names[d.party_id],
            "problem": "agreement_drift",
            "agreement_id": d.agreement_id,
            "coverage_type": None,
            "field": "status",
            "differs_on": d.platform,
            "states": {p: ENDED_STATUS if p == d.platform else "active" for p in d.platforms},
            "platforms": list(d.platforms),
        }
        for d in drifts(scenario)
    ]
    cross_system += [
        {
            "party_id": u.party_id,
            "legal_name": names[u.party_id],
            "problem": "party_unknown",
            "agreement_id": u.agreement_id,
            "property_id": u.property_id,
            "coverage_type": None,
            "field": "presence",
            "unknown_in": list(u.unknown_in),
            "platforms": list(u.platforms),
        }
        for u in unknowns(scenario)
    ]
    return {
        "format": PROBLEMS_FORMAT,
        "seed": scenario.seed,
        "size": scenario.size,
        "as_of": scenario.as_of.isoformat(),
        "windows": list(DEFAULT_WINDOWS),
        "counts": {kind.value: counts.get(kind.value, 0) for kind in ProblemKind},
        "problems": problems,
        "cross_system": cross_system,
    }


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)


def write_scenario_files(scenario: Scenario, directory: Path) -> dict[str, Path]:
    """Write the three scenario files into ``directory``; returns their paths by name."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / name for name in (PORTFOLIO_FILE, PROBLEMS_FILE, RATINGS_FILE)}
    _write(paths[PORTFOLIO_FILE], "\n".join(portfolio_lines(scenario)) + "\n")
    report = json.dumps(seeded_problems(scenario), indent=2, sort_keys=True, ensure_ascii=False)
    _write(paths[PROBLEMS_FILE], report + "\n")
    _write(paths[RATINGS_FILE], ratings_csv())
    return paths


__all__ = [
    "PORTFOLIO_FILE",
    "PROBLEMS_FILE",
    "RATINGS_FILE",
    "portfolio_lines",
    "seeded_problems",
    "write_scenario_files",
]
