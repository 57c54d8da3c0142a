"""Hypothesis strategies for valid certificates, evidence, requirements, waivers and ratings."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from coisync.model import (
    AM_BEST_RATINGS,
    LIMIT_KEYS,
    Certificate,
    PropertyEvidence,
    RequirementSet,
    Waiver,
)
from coisync.model.evidence import EVIDENCE_ROWS

COVERAGES = (
    "general_liability",
    "auto_liability",
    "umbrella",
    "excess_liability",
    "workers_compensation",
    "liquor_liability",
    "professional_liability",
)
REQUIRED_COVERAGES = (
    "general_liability",
    "auto_liability",
    "umbrella",
    "workers_compensation",
    "professional_liability",
)
NAMES = (
    "Acme Properties LLC",
    "ACME PROPERTIES, L.L.C.",
    "Acme Holdings LLC",
    "Harbor Point Management Inc.",
    "Riverside Owner II LLC",
)
DESCRIPTIONS = (
    "",
    "Acme Properties LLC is additional insured per CG 20 10 04 13 and CG 20 37 04 13.",
    "Waiver of subrogation applies. Primary and non-contributory.",
    "Thirty (30) days notice of cancellation, 10 days for non-payment.",
    "CG 24 04; WC 00 03 13; CG2001",
    "Harbor Point Management Inc. named as additional insured for ongoing operations.",
)
CODES = (
    "limit_insufficient",
    "limit_not_shown",
    "policy_expired",
    "policy_expiring",
    "coverage_gap",
    "holder_mismatch",
    "insurer_rating_unknown",
    "additional_insured_missing",
    "expiration_unknown",
)
NAICS = ("10001", "10002", "10003")
START = date(2025, 1, 1)

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
AMOUNTS = (100_000, 500_000, 1_000_000, 2_000_000, 5_000_000)
MAYBE_BOOL = (None, True, False)


def day(offset: int) -> date:
    """A date counted from 2025-01-01."""
    return START + timedelta(days=offset)


def _maybe(rnd: random.Random, value: Any) -> Any:
    return value if rnd.random() < 0.6 else None


def _line(rnd: random.Random) -> dict[str, Any]:
    kind = rnd.choice(COVERAGES)
    start = _maybe(rnd, rnd.randint(0, 4 * 365))
    end = _maybe(rnd, rnd.randint(1, 500))
    keys = rnd.sample(LIMIT_KEYS[kind], k=rnd.randint(0, min(4, len(LIMIT_KEYS[kind]))))
    data: dict[str, Any] = {
        "coverage_type": kind,
        "insurer_letter": rnd.choice("AB"),
        "policy_number": rnd.choice(["P-1", "P-2", None]),
        "effective_date": day(start) if start is not None else None,
        "expiration_date": day((start or 0) + end) if end is not None else None,
        "additional_insured": rnd.choice(MAYBE_BOOL),
        "subrogation_waived": rnd.choice(MAYBE_BOOL),
        "basis": rnd.choice([None, "occurrence", "claims_made"]),
        "deductible": _maybe(rnd, rnd.choice(AMOUNTS)),
        "statutory": rnd.choice(MAYBE_BOOL),
        "aggregate_applies_per": rnd.choice([None, "policy", "location"]),
        "limits": {key: rnd.choice(AMOUNTS) for key in keys},
    }
    if kind in ("umbrella", "excess_liability"):
        data["sits_over"] = rnd.sample(REQUIRED_COVERAGES, k=rnd.randint(0, 3))
    return data


def build_certificate(seed: int, index: int) -> Certificate:
    """A valid ACORD 25 certificate, built from a seed."""
    rnd = random.Random(seed)
    data = {
        "id": f"cert-{index}",
        "insured": {"name": "Blue Heron Coffee LLC"},
        "insurers": [
            {"letter": "A", "name": "Insurer A", "naic": _maybe(rnd, rnd.choice(NAICS))},
            {"letter": "B", "name": "Insurer B", "naic": _maybe(rnd, rnd.choice(NAICS))},
        ],
        "holder": _maybe(rnd, {"name": rnd.choice(NAMES)}),
        "description_of_operations": rnd.choice(DESCRIPTIONS) or None,
        "additional_insureds": [
            {
                "name": rnd.choice(NAMES),
                "coverage_types": rnd.sample(COVERAGES, k=rnd.randint(1, 2)),
                "ongoing_operations": rnd.random() < 0.5,
                "completed_operations": rnd.random() < 0.5,
            }
            for _ in range(rnd.randint(0, 2))
        ],
        "endorsements": [
            {"form_number": f} for f in rnd.sample(["CG 20 10", "CG 24 04", "CG 20 01"], k=rnd.randint(0, 2))
        ],
        "notice_of_cancellation_days": rnd.choice([None, 10, 30, 60]),
        "lines": [_line(rnd) for _ in range(rnd.randint(0, 4))],
    }
    if rnd.random() < 0.3:  # a broad program: every required coverage, high limits, whole period
        data["lines"] = [_full_line(kind) for kind in REQUIRED_COVERAGES]
    return Certificate.model_validate(data, strict=False)


def _full_line(kind: str) -> dict[str, Any]:
    line: dict[str, Any] = {
        "coverage_type": kind,
        "insurer_letter": "A",
        "policy_number": f"FULL-{kind}",
        "expiration_date": day(2000),
        "basis": "occurrence",
        "limits": dict.fromkeys(LIMIT_KEYS[kind], 5000000),
    }
    if kind == "umbrella":
        line["sits_over"] = list(REQUIRED_COVERAGES)
    return line


certificate_lists = st.lists(SEEDS, max_size=3).map(
    lambda seeds: [build_certificate(seed, index) for index, seed in enumerate(seeds)]
)
"""Zero to three certificates with distinct ids."""


def build_evidence(seed: int) -> PropertyEvidence:
    """A valid ACORD 28, built from a seed."""
    rnd = random.Random(seed)
    start = _maybe(rnd, rnd.randint(0, 4 * 365))
    rows = [
        {
            "key": key,
            "answer": rnd.choice(["yes", "no", "na"]),
            "limit": _maybe(rnd, rnd.choice(AMOUNTS)),
            "percent": rnd.choice([None, 80, 90, 100]),
        }
        for key in rnd.sample(EVIDENCE_ROWS, k=rnd.randint(0, 5))
    ]
    data = {
        "id": "ev-1",
        "insurer_name": "Insurer P",
        "insurer_naic": _maybe(rnd, rnd.choice(NAICS)),
        "effective_date": day(start) if start is not None else None,
        "expiration_date": day((start or 0) + rnd.randint(1, 500)) if rnd.random() < 0.7 else None,
        "continued_until_terminated": rnd.random() < 0.2,
        "insured": {"name": "Blue Heron Coffee LLC"},
        "perils": rnd.choice([None, "basic", "broad", "special"]),
        "deductible": _maybe(rnd, rnd.choice(AMOUNTS)),
        "rows": rows,
    }
    return PropertyEvidence.model_validate(data, strict=False)


evidence_lists = st.lists(SEEDS, max_size=1).map(lambda seeds: [build_evidence(seed) for seed in seeds])
"""Zero or one ACORD 28."""


def build_requirements(seed: int) -> RequirementSet:
    """A resolved requirement set (names filled in), possibly empty, built from a seed."""
    rnd = random.Random(seed)
    lenient = rnd.random() < 0.4  # limits and dates only, so compliant verdicts occur too
    coverages = []
    for kind in rnd.sample(REQUIRED_COVERAGES, k=rnd.randint(0, 4 if not lenient else 2)):
        keys = rnd.sample(LIMIT_KEYS[kind], k=rnd.randint(0, min(3, len(LIMIT_KEYS[kind]))))
        coverages.append(
            {
                "coverage_type": kind,
                "limits": {key: rnd.choice(AMOUNTS) for key in keys},
                "basis": rnd.choice([None, "occurrence"]),
                "umbrella_may_fill": rnd.random() < 0.5,
                "additional_insured": not lenient and rnd.random() < 0.5,
                "waiver_of_subrogation": not lenient and rnd.random() < 0.5,
                "primary_noncontributory": not lenient and rnd.random() < 0.5,
                "max_deductible": None if lenient else _maybe(rnd, rnd.choice(AMOUNTS)),
                "statutory": kind == "workers_compensation" and rnd.random() < 0.5,
                "aggregate_applies_per": []
                if lenient
                else rnd.choice([[], ["location"], ["policy", "location"]]),
            }
        )
    if lenient:
        return RequirementSet.model_validate({"coverages": coverages}, strict=False)
    property_terms = None
    if rnd.random() < 0.3:
        property_terms = {
            "perils": rnd.choice([None, "broad", "special"]),
            "valuation": rnd.choice([None, "replacement_cost", "agreed_value"]),
            "max_coinsurance_percent": rnd.choice([None, 80, 90]),
            "business_income": rnd.random() < 0.5,
            "required_rows": {
                k: _maybe(rnd, rnd.choice(AMOUNTS))
                for k in rnd.sample(["flood", "earth_movement"], k=rnd.randint(0, 2))
            },
        }
    data = {
        "coverages": coverages,
        "certificate_holder": _maybe(rnd, {"name": rnd.choice(NAMES)}),
        "additional_insureds": [
            {
                "name": name,
                "coverage_types": [rnd.choice(REQUIRED_COVERAGES)],
                "completed_operations": rnd.random() < 0.5,
            }
            for name in rnd.sample(NAMES, k=rnd.randint(0, 2))
        ],
        "notice_of_cancellation_days": rnd.choice([None, 30, 60]),
        "min_am_best_rating": rnd.choice([None, "A-", "A", "B+"]),
        "min_financial_size_class": _maybe(rnd, rnd.randint(5, 12)),
        "property_terms": property_terms,
    }
    return RequirementSet.model_validate(data, strict=False)


requirement_sets = SEEDS.map(build_requirements)


def build_waivers(seed: int, count: int, codes: tuple[str, ...]) -> list[Waiver]:
    """Up to ``count`` waivers for party p-1, built from a seed."""
    rnd = random.Random(seed)
    waivers = []
    for index in range(count):
        granted = rnd.randint(0, 4 * 365)
        data = {
            "id": f"w-{index}",
            "party_id": "p-1",
            "scope": {
                "finding_codes": rnd.sample(codes, k=rnd.randint(1, 3)),
                "coverage_type": rnd.choice([None, *REQUIRED_COVERAGES]),
            },
            "approver": "risk@acme.example",
            "reason": "approved",
            "granted_on": day(granted),
            "expires_on": rnd.choice([None, day(granted + 200)]),
        }
        waivers.append(Waiver.model_validate(data, strict=False))
    return waivers


def waiver_lists(codes: tuple[str, ...] = CODES) -> st.SearchStrategy[list[Waiver]]:
    """Zero to two waivers scoped to the given codes."""
    return st.tuples(SEEDS, st.integers(min_value=0, max_value=2)).map(
        lambda sc: build_waivers(sc[0], sc[1], codes)
    )


ratings_rows = st.none() | st.lists(
    st.fixed_dictionaries(
        {
            "naic": st.sampled_from(NAICS),
            "am_best_rating": st.sampled_from([*AM_BEST_RATINGS[:8], ""]),
            "financial_size_class": st.sampled_from(["", "V", "VIII", "XV"]),
        }
    ),
    max_size=3,
)
as_of_days = st.integers(min_value=0, max_value=4 * 365).map(day)
windows = st.sampled_from([(30, 60, 90), (30,), (7, 14), (45,)])
