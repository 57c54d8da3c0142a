"""Certificates built to satisfy a requirement set, then broken in exactly one seeded way.

:func:`compliant_certificate` reads a requirement template (never the engine) and writes a
canonical certificate that meets every item: each required coverage with at least its limits,
occurrence basis, statutory workers compensation, the additional insureds named for the right
coverages and operations, waiver of subrogation and primary and non-contributory endorsements,
the required notice days, rated insurers and the property's certificate holder.
:func:`apply_problem` then changes the one thing its :class:`~coisync.sandbox.problems.ProblemKind`
names.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from coisync.model import RequirementSet
from coisync.sandbox.problems import ProblemKind

RATED_CARRIERS: tuple[tuple[str, str, str, str], ...] = (
    ("Harbor Mutual Insurance Co", "23450", "A+", "XV"),
    ("Keystone Casualty Company", "31127", "A", "XII"),
    ("Granite State Indemnity", "40118", "A", "X"),
    ("Prairie Fire & Marine", "18821", "A-", "IX"),
    ("Summit Specialty Insurance", "10922", "A+", "XIV"),
)
"""Insurers in the sandbox's ratings table: (name, NAIC, AM Best rating, size class)."""

UNRATED_CARRIER = ("Bayside Reciprocal Exchange", "88123")
"""An insurer whose NAIC code the ratings table does not list (the unknown-insurer problem)."""

WRONG_HOLDER = {"name": "Lakeshore Realty Partners LP", "address": "1 Lakeshore Drive, Chicago, IL"}
"""A holder that is no property's owner (the holder-wrong problem)."""

EXPIRING_DAYS = 20
"""Days from the sandbox date to the expiration of an expiring certificate (inside 30)."""

EXPIRED_DAYS = 15
"""Days from an expired certificate's expiration to the sandbox date."""

_WOS_FORMS = {
    "general_liability": "CG 24 04",
    "workers_compensation": "WC 00 03 13",
    "auto_liability": "CA 04 44",
}


def _money(amount: Decimal) -> dict[str, str]:
    return {"amount": str(int(amount)), "currency": "USD"}


def _names(prop: dict[str, Any]) -> dict[str, str | None]:
    return {
        "owner": prop["owner_entity"],
        "manager": prop.get("manager"),
        "lender": prop.get("lender"),
        "holder": prop["owner_entity"],
    }


def _line(requirement: Any, letter: str, effective: date, rng: random.Random) -> dict[str, Any]:
    factor = rng.choice((1, 1, 2))
    line: dict[str, Any] = {
        "coverage_type": requirement.coverage_type,
        "insurer_letter": letter,
        "policy_number": f"{requirement.coverage_type[:3].upper()}-{rng.randint(100000, 999999)}",
        "effective_date": effective.isoformat(),
        "expiration_date": (effective + timedelta(days=365)).isoformat(),
        "limits": {key: _money(money.amount * factor) for key, money in requirement.limits.items()},
    }
    if requirement.coverage_type in ("general_liability", "umbrella", "liquor_liability"):
        line["basis"] = "occurrence"
    if requirement.aggregate_applies_per:
        line["aggregate_applies_per"] = requirement.aggregate_applies_per[0].value
    if requirement.additional_insured or requirement.coverage_type == "general_liability":
        line["additional_insured"] = True
    if requirement.waiver_of_subrogation:
        line["subrogation_waived"] = True
    if requirement.statutory or requirement.coverage_type == "workers_compensation":
        line["statutory"] = True
    if requirement.coverage_type == "umbrella":
        line["sits_over"] = ["general_liability", "auto_liability", "workers_compensation"]
    return line


def compliant_certificate(
    certificate_id: str,
    party: dict[str, Any],
    prop: dict[str, Any],
    requirements: RequirementSet,
    as_of: date,
    rng: random.Random,
) -> dict[str, Any]:
    """A canonical certificate (``data`` of the envelope) meeting every item of ``requirements``.

    Args:
        certificate_id: The certificate's canonical id.
        party: The insured party's canonical data.
        prop: The property's canonical data (holder and additional insured names).
        requirements: The party's requirement template.
        as_of: The sandbox date; every line is in force then and beyond the expiring windows.
        rng: The generator's random source (consumed deterministically).
    """
    carriers = rng.sample(RATED_CARRIERS, k=min(3, max(1, len(requirements.coverages))))
    letters = "ABC"[: len(carriers)]
    effective = as_of - timedelta(days=rng.randint(10, 260))
    lines = [
        _line(requirement, letters[index % len(letters)], effective, rng)
        for index, requirement in enumerate(requirements.coverages)
    ]
    names = _names(prop)
    insureds = []
    for item in requirements.additional_insureds:
        name = item.name or (names.get(item.role.value) if item.role else None)
        if name:
            insureds.append(
                {
                    "name": name,
                    "coverage_types": list(item.coverage_types),
                    "ongoing_operations": item.ongoing_operations,
                    "completed_operations": item.completed_operations,
                }
            )
    endorsements: list[dict[str, Any]] = []
    for requirement in requirements.coverages:
        form = _WOS_FORMS.get(requirement.coverage_type)
        if requirement.waiver_of_subrogation and form:
            endorsements.append({"form_number": form, "coverage_types": [requirement.coverage_type]})
    pnc = [r.coverage_type for r in requirements.coverages if r.primary_noncontributory]
    if pnc:
        endorsements.append({"form_number": "CG 20 01", "coverage_types": pnc})
    if any(i["completed_operations"] for i in insureds):
        endorsements.append({"form_number": "CG 20 37", "coverage_types": ["general_liability"]})
    if insureds:
        endorsements.append({"form_number": "CG 20 10", "coverage_types": ["general_liability"]})
    return {
        "id": certificate_id,
        "party_id": party["id"],
        "edition": "2016/03",
        "issue_date": effective.isoformat(),
        "certificate_number": f"SBX-{rng.randint(100000, 999999)}",
        "producer": {"name": "Atlas Risk Partners", "email": "certs@atlas-risk.example"},
        "insured": {"name": party["legal_name"], "address": "100 Main St"},
        "insurers": [
            {"letter": letter, "name": carrier[0], "naic": carrier[1]}
            for letter, carrier in zip(letters, carriers, strict=True)
        ],
        "holder": {"name": prop["owner_entity"], "address": prop["address"]},
        "description_of_operations": f"Operations at {prop['name']} under written contract.",
        "additional_insureds": insureds,
        "endorsements": endorsements,
        "notice_of_cancellation_days": requirements.notice_of_cancellation_days or 30,
        "lines": lines,
    }


def _shift_lines(certificate: dict[str, Any], expiration: date) -> None:
    effective = expiration - timedelta(days=365)
    certificate["issue_date"] = effective.isoformat()
    for line in certificate["lines"]:
        line["effective_date"] = effective.isoformat()
        line["expiration_date"] = expiration.isoformat()


def _shorten(certificate: dict[str, Any], requirements: RequirementSet) -> str:
    """General liability each occurrence at a quarter of its minimum, and any umbrella at half of
    its own, so neither the umbrella nor a platform's single headline limit hides the shortfall."""
    minimums = {r.coverage_type: r.limits for r in requirements.coverages}
    for line in certificate["lines"]:
        coverage = line["coverage_type"]
        if coverage == "general_liability":
            line["limits"]["each_occurrence"] = _money(minimums[coverage]["each_occurrence"].amount / 4)
        elif coverage == "umbrella":
            line["limits"] = {key: _money(money.amount / 2) for key, money in minimums[coverage].items()}
    return "general_liability"


def apply_problem(
    certificate: dict[str, Any], kind: ProblemKind, requirements: RequirementSet, as_of: date
) -> dict[str, Any]:
    """Break ``certificate`` (in place) the way ``kind`` says; returns details for the report.

    ``no_certificate`` and ``compliant`` leave it alone (the caller drops the certificate for
    ``no_certificate``).
    """
    if kind is ProblemKind.EXPIRING:
        _shift_lines(certificate, as_of + timedelta(days=EXPIRING_DAYS))
        return {"expiration_date": (as_of + timedelta(days=EXPIRING_DAYS)).isoformat()}
    if kind is ProblemKind.EXPIRED:
        _shift_lines(certificate, as_of - timedelta(days=EXPIRED_DAYS))
        return {"expiration_date": (as_of - timedelta(days=EXPIRED_DAYS)).isoformat()}
    if kind is ProblemKind.LIMITS_SHORT:
        return {"coverage_type": _shorten(certificate, requirements)}
    if kind is ProblemKind.HOLDER_WRONG:
        certificate["holder"] = dict(WRONG_HOLDER)
        return {"holder": WRONG_HOLDER["name"]}
    if kind is ProblemKind.ADDITIONAL_INSURED_MISSING:
        certificate["additional_insureds"] = []
        certificate["endorsements"] = [
            e for e in certificate["endorsements"] if e["form_number"] not in ("CG 20 10", "CG 20 37")
        ]
        for line in certificate["lines"]:
            line["additional_insured"] = False
        return {}
    if kind is ProblemKind.CLAIMS_MADE:
        for line in certificate["lines"]:
            if line["coverage_type"] == "general_liability":
                line["basis"] = "claims_made"
        return {"coverage_type": "general_liability"}
    if kind is ProblemKind.UNKNOWN_INSURER:
        name, naic = UNRATED_CARRIER
        certificate["insurers"] = [{"letter": "A", "name": name, "naic": naic}]
        for line in certificate["lines"]:
            line["insurer_letter"] = "A"
        return {"insurer": name, "naic": naic}
    return {}


def ratings_csv() -> str:
    """The sandbox's AM Best ratings table (``naic,name,am_best_rating,financial_size_class``)."""
    rows = ["naic,name,am_best_rating,financial_size_class"]
    rows += [f"{naic},{name},{rating},{size}" for name, naic, rating, size in RATED_CARRIERS]
    return "\n".join(rows) + "\n"


__all__ = [
    "RATED_CARRIERS",
    "UNRATED_CARRIER",
    "WRONG_HOLDER",
    "apply_problem",
    "compliant_certificate",
    "ratings_csv",
]
