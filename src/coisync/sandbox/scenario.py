"""The sandbox scenario: a deterministic portfolio with seeded problems, placed on platforms.

:func:`build_scenario` makes owners' properties, tenants, vendors and contractors, one agreement
each (naming a built-in requirement template), and a certificate built to meet that template and
then broken in the party's seeded way (:mod:`coisync.sandbox.problems`). Every problem kind is
present at any size of at least :data:`MIN_SIZE`.

Parties are placed on platforms the way a landlord's systems overlap: each property is run on one
property-management system (Yardi or MRI, alternating); its tenants and vendors live there;
tenants are also tracked in VTS (every tenant of an MRI property but one, half of the others);
contractors and about half the vendors also live in Procore. So the same vendor appears in Yardi
and Procore and the same tenant in MRI and VTS. The one tenant of an MRI building left out of VTS
(:meth:`_Generator.untrack`) is a party VTS does not know at a building it holds, which
reconciliation flags in MRI (``party_unknown``). Platforms without an installed emulator still
get their placements; their view simply has no emulator to seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from coisync.compliance import DEFAULT_ASSIGNMENT, TemplateLibrary
from coisync.errors import UsageError
from coisync.sandbox.certificates import apply_problem, compliant_certificate
from coisync.sandbox.problems import CATALOGUE, ProblemKind

MIN_SIZE = len(ProblemKind)
"""The smallest portfolio (in parties) that holds every problem kind."""

PLATFORMS = ("procore", "yardi", "mri", "vts")
"""Platforms the scenario places parties on (whether or not an emulator is installed)."""

_TENANT_USES = ("office", "office", "retail", "restaurant")
_TRADES = ("hvac", "electrical", "plumbing", "janitorial", "landscaping", "elevator", "security", "roofing",
           "fire_protection")  # fmt: skip
_WORDS = ("Acme", "Bluewater", "Summit", "Harbor", "Granite", "Keystone", "Northwind", "Cedar", "Beacon",
          "Ironwood", "Lakeside", "Redstone", "Silverline", "Westfield", "Evergreen", "Pioneer", "Crescent",
          "Sterling", "Oakridge", "Meridian", "Riverbend", "Highland", "Copper", "Falcon")  # fmt: skip
_SUFFIXES = ("LLC", "Inc.", "Co.", "Group LLC", "Partners LP")
_PLACES = ("Harbor Point", "Commerce Plaza", "Riverside Center", "Lakeview Tower", "Market Square",
           "Union Station Lofts", "Parkside Commons", "Gateway Plaza")  # fmt: skip
_CITIES = (("Boston, MA", "America/New_York"), ("Chicago, IL", "America/Chicago"),
           ("Denver, CO", "America/Denver"), ("Austin, TX", "America/Chicago"),
           ("Seattle, WA", "America/Los_Angeles"))  # fmt: skip
_TITLES = {"hvac": "HVAC", "fire_protection": "Fire Protection", "general_contractor": "Builders"}


@dataclass(frozen=True)
class Placement:
    """One party's record on one platform.

    Attributes:
        party_id: The canonical party id.
        platform: The platform name (``procore``, ``yardi``, ``mri``, ``vts``).
        record_type: The platform's record type (``vendor``, ``tenant``).
        platform_id: The id the platform's emulator gives the record.
    """

    party_id: str
    platform: str
    record_type: str
    platform_id: str


@dataclass
class Scenario:
    """The whole sandbox world (canonical ``data`` dicts, placements, seeded problems)."""

    seed: int
    size: int
    as_of: date
    properties: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    certificates: list[dict[str, Any]] = field(default_factory=list)
    property_platform: dict[str, str] = field(default_factory=dict)
    property_numbers: dict[str, int] = field(default_factory=dict)
    party_numbers: dict[str, int] = field(default_factory=dict)
    placements: list[Placement] = field(default_factory=list)
    problems: dict[str, ProblemKind] = field(default_factory=dict)
    problem_details: dict[str, dict[str, Any]] = field(default_factory=dict)

    def certificate_of(self, party_id: str) -> dict[str, Any] | None:
        """The party's certificate, or None (no certificate on file)."""
        return next((c for c in self.certificates if c["party_id"] == party_id), None)

    def agreement_of(self, party_id: str) -> dict[str, Any]:
        """The party's agreement."""
        return next(a for a in self.agreements if a["party_id"] == party_id)

    def placements_of(self, party_id: str) -> list[Placement]:
        """Where the party lives, in platform order."""
        return [p for p in self.placements if p.party_id == party_id]


def platform_id(platform: str, record_type: str, number: int) -> str:
    """The id a platform gives a seeded record, in that platform's id style."""
    if platform == "procore":
        base = {"vendor": 2_700_000, "project": 300_000, "company": 4_300_000}[record_type]
        return str(base + number)
    if platform == "yardi":
        return f"{record_type[0]}{number:07d}"
    if platform == "mri":
        return f"BLD{number:03d}" if record_type == "property" else f"{number:010d}"
    return str((70_000 if record_type == "tenant" else 90_000) + number)


def _template_for(kind: str, category: str) -> str:
    return DEFAULT_ASSIGNMENT.get(f"{kind}:{category}", DEFAULT_ASSIGNMENT[kind])


class _Generator:
    def __init__(self, seed: int, size: int, as_of: date, library: TemplateLibrary) -> None:
        self.rng = random.Random(f"coisync-sandbox:{seed}")
        self.scenario = Scenario(seed=seed, size=size, as_of=as_of)
        self.library = library
        self.names: set[str] = set()

    def properties(self) -> None:
        count = max(2, -(-self.scenario.size // 10))
        for n in range(1, count + 1):
            city, zone = _CITIES[(n - 1) % len(_CITIES)]
            place = _PLACES[(n - 1) % len(_PLACES)]
            street = self.rng.randint(10, 990)
            prop = {
                "id": f"prop-{n:04d}",
                "name": f"{street} {place}",
                "address": f"{street} {place}, {city}",
                "time_zone": zone,
                "owner_entity": f"{street} {place} Owner LLC",
                "manager": "Meridian Property Management LLC",
            }
            if n % 3 == 0:
                prop["lender"] = "First Harbor Bank, N.A."
            self.scenario.properties.append(prop)
            self.scenario.property_numbers[prop["id"]] = n
            self.scenario.property_platform[prop["id"]] = "yardi" if n % 2 else "mri"

    def _name(self, category: str) -> str:
        title = _TITLES.get(category, category.replace("_", " ").title())
        for _ in range(50):
            name = f"{self.rng.choice(_WORDS)} {title} {self.rng.choice(_SUFFIXES)}"
            if name not in self.names:
                break
        else:  # pragma: no cover - only with thousands of parties in one category
            name = f"{self.rng.choice(_WORDS)} {title} {len(self.names)} LLC"
        self.names.add(name)
        return name

    def parties(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        size = self.scenario.size
        contractors = max(1, round(size * 0.15))
        tenants = round(size * 0.5)
        kinds = (
            ["tenant"] * tenants + ["contractor"] * contractors + ["vendor"] * (size - tenants - contractors)
        )
        self.rng.shuffle(kinds)
        made: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for n, kind in enumerate(kinds, start=1):
            prop = self.scenario.properties[(n - 1) % len(self.scenario.properties)]
            if kind == "contractor":
                category = "general_contractor"
            else:
                category = self.rng.choice(_TENANT_USES if kind == "tenant" else _TRADES)
            party: dict[str, Any] = {
                "id": f"party-{n:05d}",
                "kind": kind,
                "legal_name": self._name(category),
                "tax_id": f"{self.rng.randint(10, 99)}-{self.rng.randint(1000000, 9999999)}",
                "category": category,
                "contacts": [
                    {"name": "Insurance Desk", "email": f"coi+{n}@sandbox.example", "role": "insurance"}
                ],
                "property_ids": [prop["id"]],
            }
            self.scenario.parties.append(party)
            self.scenario.party_numbers[party["id"]] = n
            made.append((party, prop))
        return made

    def place(self, party: dict[str, Any], prop: dict[str, Any], vendor_index: int) -> None:
        number = self.scenario.party_numbers[party["id"]]
        pms = self.scenario.property_platform[prop["id"]]
        kind = party["kind"]
        where: list[tuple[str, str]] = []
        if kind in ("tenant", "vendor"):
            where.append((pms, kind))
        if kind == "tenant" and (pms == "mri" or number % 2 == 0):
            where.append(("vts", "tenant"))
        if kind == "contractor" or (kind == "vendor" and vendor_index % 2 == 0):
            where.append(("procore", "vendor"))
        for platform, record_type in sorted(where, key=lambda w: PLATFORMS.index(w[0])):
            self.scenario.placements.append(
                Placement(party["id"], platform, record_type, platform_id(platform, record_type, number))
            )

    def assign_problems(self) -> None:
        on_procore = {p.party_id for p in self.scenario.placements if p.platform == "procore"}
        pools = [
            [p["id"] for p in self.scenario.parties if p["id"] in on_procore],
            [p["id"] for p in self.scenario.parties if p["id"] not in on_procore],
        ]
        kinds = list(ProblemKind)
        weights = [CATALOGUE[k].weight for k in kinds]
        missing = list(kinds)
        for pool in pools:
            chosen = list(missing[: len(pool)])
            chosen += self.rng.choices(kinds, weights=weights, k=len(pool) - len(chosen))
            self.rng.shuffle(chosen)
            missing = [k for k in kinds if k not in chosen] + [k for k in kinds if k in chosen]
            for party_id, kind in zip(pool, chosen, strict=True):
                self.scenario.problems[party_id] = kind

    def untrack(self) -> None:
        """Leave one tenant of an MRI building out of VTS: the last, in party order, whose seeded
        problem is not ``compliant`` (so the cross-system candidates of
        :mod:`coisync.sandbox.divergence` stay as they are) and whose building keeps another
        tenant in VTS (so VTS still holds the building). Nobody is left out when no tenant qualifies."""
        scenario = self.scenario
        building = {p["id"]: p["property_ids"][0] for p in scenario.parties}
        in_vts = [p for p in scenario.placements if p.platform == "vts"]
        for placement in reversed(in_vts):
            place = building[placement.party_id]
            if scenario.property_platform[place] != "mri":
                continue
            if scenario.problems[placement.party_id] is ProblemKind.COMPLIANT:
                continue
            if any(building[other.party_id] == place for other in in_vts if other is not placement):
                scenario.placements.remove(placement)
                return

    def agreement_and_certificate(self, party: dict[str, Any], prop: dict[str, Any]) -> None:
        as_of = self.scenario.as_of
        number = self.scenario.party_numbers[party["id"]]
        template = _template_for(party["kind"], party["category"])
        agreement_kind = {"tenant": "lease", "vendor": "service_contract", "contractor": "project"}[
            party["kind"]
        ]
        start = as_of - timedelta(days=self.rng.randint(60, 900))
        years = 10 if agreement_kind == "lease" else 3
        self.scenario.agreements.append(
            {
                "id": f"agr-{number:05d}",
                "kind": agreement_kind,
                "party_id": party["id"],
                "property_id": prop["id"],
                "start_date": start.isoformat(),
                "end_date": start.replace(year=start.year + years, day=min(start.day, 28)).isoformat(),
                "template": template,
            }
        )
        requirements = self.library.get(template)
        certificate = compliant_certificate(f"coi-{number:05d}", party, prop, requirements, as_of, self.rng)
        kind = self.scenario.problems[party["id"]]
        self.scenario.problem_details[party["id"]] = apply_problem(certificate, kind, requirements, as_of)
        if kind is not ProblemKind.NO_CERTIFICATE:
            self.scenario.certificates.append(certificate)


def build_scenario(seed: int, size: int, as_of: date, library: TemplateLibrary | None = None) -> Scenario:
    """The sandbox world for ``seed`` and ``size`` (parties), judged as of ``as_of``.

    The same arguments always give the same scenario.

    Raises:
        UsageError: ``size`` is below :data:`MIN_SIZE`.
    """
    if size < MIN_SIZE:
        raise UsageError(f"--size {size} is too small: use at least {MIN_SIZE} so every problem kind appears")
    generator = _Generator(seed, size, as_of, library or TemplateLibrary.builtin())
    generator.properties()
    made = generator.parties()
    vendor_index = 0
    for party, prop in made:
        generator.place(party, prop, vendor_index)
        vendor_index += party["kind"] == "vendor"
    generator.assign_problems()
    generator.untrack()
    for party, prop in made:
        generator.agreement_and_certificate(party, prop)
    return generator.scenario


__all__ = ["MIN_SIZE", "PLATFORMS", "Placement", "Scenario", "build_scenario", "platform_id"]
