"""Per-platform views of the scenario: what each platform's emulator is seeded with.

A :class:`PlatformView` is the part of the scenario one platform holds, in platform-neutral
form: the properties it runs, the parties placed on it (with the platform's own ids) and, per
party, the policy lines of its certificate as a platform record would carry them (one line per
coverage with a single headline limit). An emulator plugin's seeding adapter turns a view into
its emulator's seed format; new emulators need no change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from coisync.model import coverage_title
from coisync.sandbox.problems import ProblemKind
from coisync.sandbox.scenario import Scenario, platform_id

HEADLINE_LIMIT = {
    "general_liability": "each_occurrence",
    "umbrella": "each_occurrence",
    "excess": "each_occurrence",
    "liquor_liability": "each_occurrence",
    "auto_liability": "combined_single_limit",
    "workers_compensation": "el_each_accident",
    "professional_liability": "each_claim",
    "cyber": "each_claim",
    "pollution_liability": "each_claim",
    "property": "building",
}
"""The limit key a platform's single ``limit`` field carries per coverage (docs/sync.md)."""


@dataclass(frozen=True)
class PolicyLine:
    """One coverage line as a platform insurance record carries it.

    Attributes:
        coverage_type: Canonical coverage type.
        title: Human title (``General Liability``).
        insurer: The insurer's name.
        policy_number: The policy number.
        effective_date: Start of cover.
        expiration_date: End of cover.
        limit: The headline limit as a whole-dollar string, or None.
        additional_insured: Names of additional insureds on this coverage (empty: none).
    """

    coverage_type: str
    title: str
    insurer: str
    policy_number: str | None
    effective_date: str | None
    expiration_date: str | None
    limit: str | None
    additional_insured: tuple[str, ...]


@dataclass(frozen=True)
class ViewParty:
    """A party as one platform holds it.

    Attributes:
        party: Canonical party data.
        record_type: The platform's record type (``vendor``, ``tenant``).
        platform_id: The platform's id of the record.
        property_id: The canonical id of the property it belongs to.
        property_platform_id: The platform's id of that property.
        agreement: Canonical agreement data (as this platform states it: a seeded agreement
            drift shows it ended here, :mod:`coisync.sandbox.divergence`).
        lines: Its policy lines (empty when no certificate is on file).
        problem: The seeded problem kind.
    """

    party: dict[str, Any]
    record_type: str
    platform_id: str
    property_id: str
    property_platform_id: str
    agreement: dict[str, Any]
    lines: tuple[PolicyLine, ...]
    problem: ProblemKind


@dataclass(frozen=True)
class PlatformView:
    """What one platform holds.

    Attributes:
        platform: The platform name.
        seed: The scenario seed.
        as_of: The sandbox date.
        properties: ``(platform id, canonical property data)`` of the properties its parties use.
        parties: The parties placed on it.
    """

    platform: str
    seed: int
    as_of: date
    properties: tuple[tuple[str, dict[str, Any]], ...]
    parties: tuple[ViewParty, ...]


def policy_lines(certificate: dict[str, Any] | None) -> tuple[PolicyLine, ...]:
    """The certificate's lines as platform records (one per line)."""
    if certificate is None:
        return ()
    insurers = {i["letter"]: i["name"] for i in certificate["insurers"]}
    lines = []
    for line in certificate["lines"]:
        coverage = line["coverage_type"]
        key = HEADLINE_LIMIT.get(coverage)
        names = tuple(
            i["name"] for i in certificate.get("additional_insureds", []) if coverage in i["coverage_types"]
        )
        lines.append(
            PolicyLine(
                coverage_type=coverage,
                title=coverage_title(coverage),
                insurer=insurers.get(line.get("insurer_letter", ""), "Unknown insurer"),
                policy_number=line.get("policy_number"),
                effective_date=line.get("effective_date"),
                expiration_date=line.get("expiration_date"),
                limit=line["limits"][key]["amount"] if key in line["limits"] else None,
                additional_insured=names,
            )
        )
    return tuple(lines)


def platform_view(scenario: Scenario, platform: str) -> PlatformView:
    """The view of ``scenario`` one platform holds (empty when nothing is placed there)."""
    props = {p["id"]: p for p in scenario.properties}
    parties = {p["id"]: p for p in scenario.parties}
    record_type_of_property = "project" if platform == "procore" else "property"
    from coisync.sandbox.divergence import diverge, divergences, drifts, ended  # it imports this module

    changed: dict[tuple[str, str], dict[str, str]] = {}
    for d in divergences(scenario):
        changed.setdefault((d.party_id, d.platform), {})[d.coverage_type] = d.field
    drifting = {(d.party_id, d.platform) for d in drifts(scenario)}
    members: list[ViewParty] = []
    used: dict[str, str] = {}
    for placement in scenario.placements:
        if placement.platform != platform:
            continue
        party = parties[placement.party_id]
        property_id = party["property_ids"][0]
        property_pid = platform_id(platform, record_type_of_property, scenario.property_numbers[property_id])
        used[property_id] = property_pid
        lines = policy_lines(scenario.certificate_of(party["id"]))
        seeded = changed.get((party["id"], platform), {})
        lines = tuple(diverge(x, seeded[x.coverage_type]) if x.coverage_type in seeded else x for x in lines)
        agreement = scenario.agreement_of(party["id"])
        if (party["id"], platform) in drifting:
            agreement = ended(agreement)
        members.append(
            ViewParty(
                party=party,
                record_type=placement.record_type,
                platform_id=placement.platform_id,
                property_id=property_id,
                property_platform_id=property_pid,
                agreement=agreement,
                lines=lines,
                problem=scenario.problems[party["id"]],
            )
        )
    properties = tuple((used[pid], props[pid]) for pid in sorted(used))
    return PlatformView(platform, scenario.seed, scenario.as_of, properties, tuple(members))


__all__ = ["HEADLINE_LIMIT", "PlatformView", "PolicyLine", "ViewParty", "platform_view", "policy_lines"]
