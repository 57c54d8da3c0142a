"""Cross-system items in seeded-problems.json are what the platform views were seeded with.

For every ``cross_system`` item the generator lists, the platform views (what each emulator is
seeded with) must show exactly that difference: the differing platform's copy of the coverage
line differs in that field and nothing else it carries; a drifting agreement is terminated in
the differing platform (MRI's ``OccupancyStatus`` ``V``) with the same dates everywhere. The
parties concerned stay compliant, and small portfolios still seed what they can.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from coisync.sandbox.divergence import FIELDS, PER_FIELD, drifts
from coisync.sandbox.scenario import MIN_SIZE, build_scenario
from coisync.sandbox.scenario_files import seeded_problems
from coisync.sandbox.views import PlatformView, PolicyLine, ViewParty, platform_view

AS_OF = date(2026, 12, 4)
CASES = [(1, 40), (3, 12), (3, 24), (7, MIN_SIZE), (8, 40), (2026, 120)]


def _member(view: PlatformView, party_id: str) -> ViewParty:
    (member,) = [m for m in view.parties if m.party["id"] == party_id]
    return member


def _line(member: ViewParty, coverage: str) -> dict[str, Any]:
    (line,) = [x for x in member.lines if x.coverage_type == coverage]
    return asdict(line)


@pytest.mark.parametrize(("seed", "size"), CASES)
def test_views_show_each_seeded_item_and_nothing_else(seed: int, size: int) -> None:
    scenario = build_scenario(seed, size, AS_OF)
    report = seeded_problems(scenario)
    views = {p: platform_view(scenario, p) for p in ("procore", "yardi", "mri", "vts")}
    problems = {p["party_id"]: p for p in report["problems"]}
    changed: set[tuple[str, str, str]] = set()
    for item in report["cross_system"]:
        assert problems[item["party_id"]]["problem"] == "compliant"
        assert item["differs_on"] in item["platforms"] and len(item["platforms"]) >= 2
        members = {p: _member(views[p], item["party_id"]) for p in item["platforms"]}
        differs, others = (
            members[item["differs_on"]],
            [m for p, m in members.items() if p != item["differs_on"]],
        )
        if item["problem"] == "agreement_drift":
            assert differs.agreement["status"] == "terminated"
            assert all(m.agreement.get("status", "active") == "active" for m in others)
            dates = {(m.agreement["start_date"], m.agreement["end_date"]) for m in members.values()}
            assert len(dates) == 1, "the same dates in every system, so identity links the leases"
            assert item["states"] == {
                p: "terminated" if p == item["differs_on"] else "active" for p in members
            }
            continue
        field, coverage = item["field"], item["coverage_type"]
        assert item["problem"] == f"{field}_disagrees"
        shown = _line(differs, coverage)
        for other in others:
            usual = _line(other, coverage)
            moved = {name for name in shown if shown[name] != usual[name]}
            expected = {"effective_date", "expiration_date"} if field == "expiration_date" else {field}
            assert moved == expected, (item, shown, usual)
        changed.add((item["party_id"], item["differs_on"], coverage))
    # nothing else differs: every other line of a party held twice is the same on every platform
    for party_id in problems:
        members = {p: m for p, v in views.items() for m in v.parties if m.party["id"] == party_id}
        lines: dict[str, dict[str, PolicyLine]] = {}
        for platform, member in members.items():
            for line in member.lines:
                if (party_id, platform, line.coverage_type) not in changed:
                    lines.setdefault(line.coverage_type, {})[platform] = line
        for coverage, by_platform in lines.items():
            assert len(set(by_platform.values())) == 1, (party_id, coverage, by_platform)
    counts = Counter(item["field"] for item in report["cross_system"] if item["problem"] != "agreement_drift")
    assert all(counts[name] <= PER_FIELD for name in FIELDS)
    assert [f for f in FIELDS if counts[f]] == list(FIELDS[: len([f for f in FIELDS if counts[f]])])


def test_size_40_seeds_every_kind_and_the_demo_size_most_fields() -> None:
    kinds = {item["problem"] for item in seeded_problems(build_scenario(1, 40, AS_OF))["cross_system"]}
    assert kinds == {f"{name}_disagrees" for name in FIELDS} | {"agreement_drift"}
    small = seeded_problems(build_scenario(3, 12, AS_OF))["cross_system"]
    assert {item["field"] for item in small} >= {"expiration_date", "limit", "policy_number"}


def test_mri_seeds_the_drifting_lease_terminated() -> None:
    mri = pytest.importorskip("coisync_mri.sandbox")
    scenario = build_scenario(1, 40, AS_OF)
    (drift,) = drifts(scenario)
    view = platform_view(scenario, "mri")
    number = {m.party["id"]: m.platform_id for m in view.parties}[drift.party_id]
    statuses = {
        lease["MasterOccupantID"]: lease["OccupancyStatus"] for lease in mri.scenario_seed(view)["leases"]
    }
    assert statuses.pop(number) == "V"
    assert set(statuses.values()) == {"C"}
