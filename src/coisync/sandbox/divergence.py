"""Cross-system disagreements the sandbox seeds for reconciliation.

The same party often lives on two platforms (a vendor in Yardi and Procore, a tenant in MRI and
VTS). For a few compliant parties on two or more platforms, one platform's copy of a policy
line is changed so the systems disagree without changing the party's status:

* ``expiration_date``: one system already shows the renewed policy (a year later), the others
  still show the current term (a newer certificate arrived through one system only);
* ``limit``: one system shows a higher headline limit than the others.

Both stay compliant, so the compliance expectations of :mod:`coisync.sandbox.problems` hold;
only reconciliation sees the difference. The list is written into ``seeded-problems.json``
from what was seeded here, never by reconciliation code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from coisync.sandbox.problems import ProblemKind
from coisync.sandbox.scenario import Scenario
from coisync.sandbox.views import PolicyLine

FIELDS = ("expiration_date", "limit")
"""The line fields a seeded disagreement changes, in seeding order."""

HELD_RECORD_TYPES: dict[str, frozenset[str]] = {
    "procore": frozenset({"vendor"}),
    "yardi": frozenset({"vendor", "tenant"}),
    "mri": frozenset({"tenant"}),
    "vts": frozenset({"tenant"}),
}
"""Record types each platform's sandbox emulator is seeded with. The MRI emulator has no vendor
insurance API, so MRI vendor placements exist in the scenario but in no emulator."""


def held(platform: str, record_type: str) -> bool:
    """Whether the sandbox emulator of ``platform`` holds records of ``record_type``."""
    return record_type in HELD_RECORD_TYPES.get(platform, frozenset())


PER_FIELD = 2
"""How many parties get a disagreement of each field (fewer when the portfolio is small)."""


@dataclass(frozen=True)
class Divergence:
    """One seeded disagreement.

    Attributes:
        party_id: The canonical party.
        platform: The platform whose copy differs.
        coverage_type: The coverage line that differs.
        field: ``expiration_date`` or ``limit``.
        platforms: Every platform holding the party (each should be flagged).
    """

    party_id: str
    platform: str
    coverage_type: str
    field: str
    platforms: tuple[str, ...]


def divergences(scenario: Scenario) -> list[Divergence]:
    """The disagreements seeded into ``scenario`` (deterministic for its seed and size)."""
    chosen: list[Divergence] = []
    candidates = []
    for party in scenario.parties:
        placements = [p for p in scenario.placements_of(party["id"]) if held(p.platform, p.record_type)]
        certificate = scenario.certificate_of(party["id"])
        if len(placements) < 2 or certificate is None or not certificate["lines"]:
            continue
        if scenario.problems[party["id"]] is not ProblemKind.COMPLIANT:
            continue
        candidates.append((party["id"], tuple(p.platform for p in placements), certificate))
    for index, (party_id, platforms, certificate) in enumerate(candidates[: PER_FIELD * len(FIELDS)]):
        line = certificate["lines"][0]
        chosen.append(
            Divergence(party_id, platforms[-1], line["coverage_type"], FIELDS[index % len(FIELDS)], platforms)
        )
    return chosen


def _later(text: str | None) -> str | None:
    if text is None:
        return None
    day = date.fromisoformat(text)
    return day.replace(year=day.year + 1, day=min(day.day, 28)).isoformat()


def diverge(line: PolicyLine, field: str) -> PolicyLine:
    """``line`` as the differing platform shows it."""
    if field == "expiration_date":
        return replace(
            line, effective_date=line.expiration_date, expiration_date=_later(line.expiration_date)
        )
    amount = Decimal(line.limit or "0") * 2 or Decimal(1_000_000)
    return replace(line, limit=str(amount.quantize(Decimal(1))))


__all__ = ["FIELDS", "HELD_RECORD_TYPES", "Divergence", "diverge", "divergences", "held"]
