"""Cross-system disagreements the sandbox seeds for reconciliation.

The same party often lives on two platforms (a vendor in Yardi and Procore, a tenant in MRI and
VTS). For a few compliant parties on two or more platforms, one platform's copy of a policy
line is changed so the systems disagree without changing the party's status:

* ``expiration_date``: one system already shows the renewed policy (a year later), the others
  still show the current term (a newer certificate arrived through one system only);
* ``limit``: one system shows a higher headline limit than the others;
* ``policy_number``: one system shows the number with its last digit mistyped;
* ``insurer``: one system names another rated insurer for the line.

Fields are dealt out in that order over the candidates' lines, first lines first (one field per
line), so a small portfolio gets fewer disagreements but still the earlier fields.

One compliant tenant held by MRI and another system also gets **agreement drift**: MRI shows its
lease terminated (occupancy status ``V``) while the other systems show it active, with the same
dates, so reconciliation links the two leases and finds them in conflict. Only MRI's sandbox
seeding states a lease status (VTS's lease has none, Yardi's tenant statuses have no terminated
value). The party's requirements stay those of its kind and property, so its status holds.

A tenant under requirements (its lease in force) held by one emulator at a building another
emulator holds too, with tenants, but not this tenant, is **unknown** there (``party_unknown``,
:func:`unknowns`): the scenario leaves one tenant of an MRI building out of VTS
(:meth:`coisync.sandbox.scenario._Generator.untrack`). Only MRI and VTS seed a building with its
name and address (:data:`PROPERTY_PLATFORMS`), so only there is one building on two platforms
one property.

Every kind keeps every party's status, so the compliance expectations of
:mod:`coisync.sandbox.problems` hold; only reconciliation sees the difference. The list is
written into ``seeded-problems.json`` from what was seeded here, never by reconciliation code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from coisync.sandbox.certificates import RATED_CARRIERS
from coisync.sandbox.problems import ProblemKind
from coisync.sandbox.scenario import Scenario
from coisync.sandbox.views import PolicyLine

FIELDS = ("expiration_date", "limit", "policy_number", "insurer")
"""The line fields a seeded disagreement changes, in seeding order."""

HELD_RECORD_TYPES: dict[str, frozenset[str]] = {
    "procore": frozenset({"vendor"}),
    "yardi": frozenset({"vendor", "tenant"}),
    "mri": frozenset({"tenant"}),
    "vts": frozenset({"tenant"}),
}
"""Record types each platform's sandbox emulator is seeded with. The MRI emulator has no vendor
insurance API, so MRI vendor placements exist in the scenario but in no emulator."""

CARRIED_FIELDS: dict[str, frozenset[str]] = {
    "procore": frozenset(FIELDS),
    "yardi": frozenset(FIELDS),
    "mri": frozenset(FIELDS),
    "vts": frozenset(FIELDS),
}
"""Line fields each platform's mapping reads (``mappings/*.toml``: dates, limit, policy number
and insurer name on every platform). A disagreement is seeded only where the differing
platform carries the field."""

AGREEMENT_PLATFORMS = frozenset({"yardi", "mri", "vts"})
"""Platforms whose tenant records carry a lease (Procore's vendors have no agreement)."""

STATUS_PLATFORMS = frozenset({"mri"})
"""Platforms whose sandbox seeding states a lease status that reads back as terminated."""

ENDED_STATUS = "terminated"
"""The agreement status the drifting platform shows."""


PROPERTY_PLATFORMS = frozenset({"mri", "vts"})
"""Platforms whose sandbox seeding gives a property its name and address, so the same building on
two of them is one property once reconciled. Yardi's sandbox properties carry a code and a name
only (a name alone is left to a person to link) and Procore's projects are not read."""


def held(platform: str, record_type: str) -> bool:
    """Whether the sandbox emulator of ``platform`` holds records of ``record_type``."""
    return record_type in HELD_RECORD_TYPES.get(platform, frozenset())


PER_FIELD = 2
"""How many lines get a disagreement of each field (fewer when the portfolio is small)."""


@dataclass(frozen=True)
class Divergence:
    """One seeded disagreement.

    Attributes:
        party_id: The canonical party.
        platform: The platform whose copy differs.
        coverage_type: The coverage line that differs.
        field: One of :data:`FIELDS`.
        platforms: Every platform holding the party (each should be flagged).
    """

    party_id: str
    platform: str
    coverage_type: str
    field: str
    platforms: tuple[str, ...]


@dataclass(frozen=True)
class Drift:
    """One seeded agreement drift.

    Attributes:
        party_id: The canonical party.
        agreement_id: Its canonical agreement.
        platform: The platform showing the agreement ended (:data:`ENDED_STATUS`).
        platforms: Every platform holding the agreement (each should be flagged).
    """

    party_id: str
    agreement_id: str
    platform: str
    platforms: tuple[str, ...]


@dataclass(frozen=True)
class Unknown:
    """One party unknown to a platform holding its building.

    Attributes:
        party_id: The canonical party.
        agreement_id: Its agreement (in force) at the building.
        property_id: The canonical property.
        platforms: The platforms holding the party and the building (each should be flagged).
        unknown_in: The platforms holding the building and parties of its kind, not the party.
    """

    party_id: str
    agreement_id: str
    property_id: str
    platforms: tuple[str, ...]
    unknown_in: tuple[str, ...]


def _record_type(party_kind: str) -> str:
    return "tenant" if party_kind == "tenant" else "vendor"


def unknowns(scenario: Scenario) -> list[Unknown]:
    """Every party the scenario places, with its agreement in force, on a platform of
    :data:`PROPERTY_PLATFORMS` at a building another such platform also holds (seeds), with
    parties of its kind, without the party; in party order."""
    from coisync.sandbox.views import platform_view  # it imports this module

    holders: dict[str, set[str]] = defaultdict(set)
    for platform in sorted(PROPERTY_PLATFORMS):
        for _, prop in platform_view(scenario, platform).properties:
            holders[prop["id"]].add(platform)
    knows: dict[str, set[str]] = defaultdict(set)
    for placement in scenario.placements:
        if placement.platform in PROPERTY_PLATFORMS and held(placement.platform, placement.record_type):
            knows[placement.party_id].add(placement.platform)
    found: list[Unknown] = []
    day = scenario.as_of.isoformat()
    for party in scenario.parties:
        agreement = scenario.agreement_of(party["id"])
        if not knows[party["id"]] or not agreement["start_date"] <= day <= agreement["end_date"]:
            continue
        holding = holders[agreement["property_id"]]
        lacking = holding - knows[party["id"]]
        lacking = {p for p in lacking if held(p, _record_type(party["kind"]))}
        if lacking:
            found.append(
                Unknown(
                    party["id"],
                    agreement["id"],
                    agreement["property_id"],
                    tuple(sorted(holding & knows[party["id"]])),
                    tuple(sorted(lacking)),
                )
            )
    return found


def _candidates(scenario: Scenario) -> list[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """Compliant parties with a certificate held by two emulators or more, in party order."""
    found = []
    for party in scenario.parties:
        placements = [p for p in scenario.placements_of(party["id"]) if held(p.platform, p.record_type)]
        certificate = scenario.certificate_of(party["id"])
        if len(placements) < 2 or certificate is None or not certificate["lines"]:
            continue
        if scenario.problems[party["id"]] is not ProblemKind.COMPLIANT:
            continue
        found.append((party["id"], tuple(p.platform for p in placements), certificate))
    return found


def drifts(scenario: Scenario) -> list[Drift]:
    """The agreement drift seeded into ``scenario``: the last candidate held by a platform of
    :data:`STATUS_PLATFORMS` and another agreement-holding platform (none when there is none)."""
    for party_id, platforms, _ in reversed(_candidates(scenario)):
        holders = tuple(p for p in platforms if p in AGREEMENT_PLATFORMS)
        ending = [p for p in holders if p in STATUS_PLATFORMS]
        if ending and len(holders) >= 2:
            agreement = scenario.agreement_of(party_id)
            return [Drift(party_id, agreement["id"], ending[0], holders)]
    return []


def divergences(scenario: Scenario) -> list[Divergence]:
    """The disagreements seeded into ``scenario`` (deterministic for its seed and size).

    The drifting party is left out unless no other candidate exists."""
    candidates = _candidates(scenario)
    drifting = {d.party_id for d in drifts(scenario)}
    pool = [c for c in candidates if c[0] not in drifting] or candidates
    slots = [
        (party_id, platforms, certificate["lines"][index])
        for index in range(max((len(c[2]["lines"]) for c in pool), default=0))
        for party_id, platforms, certificate in pool
        if index < len(certificate["lines"])
    ]
    chosen: list[Divergence] = []
    for party_id, platforms, line in slots:
        if len(chosen) == PER_FIELD * len(FIELDS):
            break
        field = FIELDS[len(chosen) % len(FIELDS)]
        carrying = [p for p in platforms if field in CARRIED_FIELDS.get(p, frozenset())]
        if len(carrying) >= 2:
            chosen.append(Divergence(party_id, carrying[-1], line["coverage_type"], field, platforms))
    return chosen


def _later(text: str | None) -> str | None:
    if text is None:
        return None
    day = date.fromisoformat(text)
    return day.replace(year=day.year + 1, day=min(day.day, 28)).isoformat()


def _mistyped(number: str | None) -> str:
    """``number`` with its last digit changed (or a digit added)."""
    text = number or ""
    if text[-1:].isdigit():
        return text[:-1] + str((int(text[-1]) + 1) % 10)
    return text + "1"


def _other_insurer(name: str) -> str:
    """The next rated insurer after ``name`` (the first when ``name`` is not rated)."""
    names = [carrier[0] for carrier in RATED_CARRIERS]
    return names[(names.index(name) + 1) % len(names)] if name in names else names[0]


def diverge(line: PolicyLine, field: str) -> PolicyLine:
    """``line`` as the differing platform shows it."""
    if field == "expiration_date":
        return replace(
            line, effective_date=line.expiration_date, expiration_date=_later(line.expiration_date)
        )
    if field == "policy_number":
        return replace(line, policy_number=_mistyped(line.policy_number))
    if field == "insurer":
        return replace(line, insurer=_other_insurer(line.insurer))
    amount = Decimal(line.limit or "0") * 2 or Decimal(1_000_000)
    return replace(line, limit=str(amount.quantize(Decimal(1))))


def ended(agreement: dict[str, Any]) -> dict[str, Any]:
    """``agreement`` as the drifting platform shows it: same dates, status ended."""
    return {**agreement, "status": ENDED_STATUS}


__all__ = [
    "AGREEMENT_PLATFORMS",
    "CARRIED_FIELDS",
    "ENDED_STATUS",
    "FIELDS",
    "HELD_RECORD_TYPES",
    "PROPERTY_PLATFORMS",
    "STATUS_PLATFORMS",
    "Divergence",
    "Drift",
    "Unknown",
    "diverge",
    "divergences",
    "drifts",
    "ended",
    "held",
    "unknowns",
]
