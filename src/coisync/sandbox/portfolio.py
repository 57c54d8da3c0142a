"""A deterministic synthetic portfolio: properties, parties, agreements, certificates, waivers.

``generate(seed, size)`` yields exactly ``size`` canonical JSON envelopes (the JSONL line
format), identical for the same seed on any machine. Properties come first in each block of
parties that lease or serve them; every party has an agreement and usually a certificate;
tenants sometimes carry ACORD 28 evidence; a few parties have a waiver. Benchmarks import it;
the sandbox extends it with platform records and faults.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from coisync.model import FORMAT_VERSION

PARTIES_PER_PROPERTY = 40
CARRIERS = (
    ("Harbor Mutual Insurance Co", "23450"),
    ("Keystone Casualty Company", "31127"),
    ("Granite State Indemnity", "40118"),
    ("Prairie Fire & Marine", "18821"),
    ("Summit Specialty Insurance", "10922"),
)
TRADES = ("hvac", "electrical", "plumbing", "roofing", "janitorial", "landscaping", "security", "elevator")
USES = ("restaurant", "retail", "office", "fitness", "medical")
CITIES = ("Boston, MA", "Chicago, IL", "Denver, CO", "Austin, TX", "Seattle, WA")
ZONES = {"Boston, MA": "America/New_York", "Chicago, IL": "America/Chicago", "Denver, CO": "America/Denver",
         "Austin, TX": "America/Chicago", "Seattle, WA": "America/Los_Angeles"}  # fmt: skip


def _envelope(record_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": FORMAT_VERSION, "type": record_type, "data": data}


def _money(amount: int) -> str:
    return str(amount)


def assigned_template_name(kind: str, category: str) -> str:
    """The shipped requirement template for a party kind and category (what the engine assigns)."""
    from coisync.compliance import DEFAULT_ASSIGNMENT

    return DEFAULT_ASSIGNMENT.get(f"{kind}:{category}", DEFAULT_ASSIGNMENT[kind])


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed

    def property(self, n: int) -> dict[str, Any]:
        city = self.rng.choice(CITIES)
        street = self.rng.randint(10, 999)
        return {
            "id": f"prop-{n:05d}",
            "name": f"{street} Commerce Plaza",
            "address": f"{street} Commerce Plaza, {city}",
            "time_zone": ZONES[city],
            "owner_entity": f"{street} Commerce Plaza Owner LLC",
            "manager": "Meridian Property Management LLC",
            "lender": "First Harbor Bank, N.A." if n % 3 == 0 else None,
        }

    def party(self, n: int, kind: str, property_id: str) -> dict[str, Any]:
        category = self.rng.choice(USES if kind == "tenant" else TRADES)
        name = f"{category.title()} {self.rng.choice(('Partners', 'Group', 'Services', 'Works'))} {n:06d} LLC"
        return {
            "id": f"party-{n:06d}",
            "kind": kind,
            "legal_name": name,
            "tax_id": f"{self.rng.randint(10, 99)}-{self.rng.randint(1000000, 9999999)}",
            "category": category,
            "contacts": [{"name": "Insurance Desk", "email": f"coi+{n}@example.com", "role": "insurance"}],
            "property_ids": [property_id],
        }

    def agreement(self, party: dict[str, Any], property_id: str) -> dict[str, Any]:
        kind = {"tenant": "lease", "vendor": "service_contract", "contractor": "project"}[party["kind"]]
        start = date(2024, 1, 1) + timedelta(days=self.rng.randint(0, 700))
        years = 10 if kind == "lease" else 1
        return {
            "id": f"agr-{party['id'][6:]}",
            "kind": kind,
            "party_id": party["id"],
            "property_id": property_id,
            "start_date": start.isoformat(),
            "end_date": date(start.year + years, start.month, min(start.day, 28)).isoformat(),
            "template": assigned_template_name(party["kind"], party["category"]),
        }

    def _line(self, coverage_type: str, letter: str, effective: date) -> dict[str, Any]:
        r = self.rng
        line: dict[str, Any] = {
            "coverage_type": coverage_type,
            "insurer_letter": letter,
            "policy_number": f"{coverage_type[:3].upper()}-{r.randint(100000, 999999)}",
            "effective_date": effective.isoformat(),
            "expiration_date": (effective + timedelta(days=365)).isoformat(),
        }
        million = 1_000_000
        limits = {
            "general_liability": {"each_occurrence": million, "general_aggregate": 2 * million,
                                  "products_completed_ops_aggregate": 2 * million},
            "auto_liability": {"combined_single_limit": million},
            "umbrella": {"each_occurrence": r.choice((2, 5, 10)) * million, "aggregate": 5 * million},
            "workers_compensation": {"el_each_accident": million, "el_disease_each_employee": million,
                                     "el_disease_policy_limit": million},
            "liquor_liability": {"each_occurrence": million, "aggregate": million},
            "professional_liability": {"each_claim": million, "aggregate": 2 * million},
            "cyber": {"each_claim": million, "aggregate": million},
            "pollution_liability": {"each_occurrence": million, "aggregate": 2 * million},
            "property": {"business_personal_property": 250_000 * r.randint(1, 8)},
        }[coverage_type]  # fmt: skip
        line["limits"] = {k: _money(v) for k, v in limits.items()}
        if coverage_type == "general_liability":
            line.update(basis="occurrence", aggregate_applies_per="policy", additional_insured=r.random() < 0.8,
                        subrogation_waived=r.random() < 0.7)  # fmt: skip
        if coverage_type == "workers_compensation":
            line["statutory"] = True
        if coverage_type == "umbrella":
            line["sits_over"] = ["general_liability", "auto_liability"]
        return line

    def certificate(self, party: dict[str, Any], holder: dict[str, Any]) -> dict[str, Any]:
        r = self.rng
        coverages = ["general_liability"]
        if party["kind"] != "tenant" or r.random() < 0.3:
            coverages.append("auto_liability")
        if party["kind"] != "tenant":
            coverages.append("workers_compensation")
        if r.random() < 0.5:
            coverages.append("umbrella")
        extra = {"restaurant": "liquor_liability", "medical": "professional_liability", "roofing": "pollution_liability",
                 "security": "cyber", "retail": "property"}.get(party["category"])  # fmt: skip
        if extra:
            coverages.append(extra)
        carriers = r.sample(CARRIERS, k=min(len(coverages), 3))
        letters = "ABC"[: len(carriers)]
        effective = date(2026, 1, 1) + timedelta(days=r.randint(-200, 200))
        return {
            "id": f"coi-{party['id'][6:]}",
            "party_id": party["id"],
            "edition": "2016/03",
            "issue_date": (effective - timedelta(days=r.randint(0, 20))).isoformat(),
            "producer": {"name": "Atlas Risk Partners", "email": "certs@atlas-risk.example"},
            "insured": {"name": party["legal_name"], "address": "100 Main St"},
            "insurers": [
                {"letter": letter, "name": c[0], "naic": c[1]}
                for letter, c in zip(letters, carriers, strict=True)
            ],
            "holder": {"name": holder["owner_entity"], "address": holder["address"]},
            "description_of_operations": f"{holder['name']}: certificate holder is additional insured as required by written contract.",
            "notice_of_cancellation_days": 30,
            "lines": [self._line(c, letters[i % len(letters)], effective) for i, c in enumerate(coverages)],
        }

    def evidence(self, party: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
        effective = date(2026, 1, 1) + timedelta(days=self.rng.randint(-200, 200))
        return {
            "id": f"ev-{party['id'][6:]}",
            "party_id": party["id"],
            "insurer_name": CARRIERS[0][0],
            "insurer_naic": CARRIERS[0][1],
            "policy_number": f"CP-{self.rng.randint(100000, 999999)}",
            "effective_date": effective.isoformat(),
            "expiration_date": (effective + timedelta(days=365)).isoformat(),
            "insured": {"name": party["legal_name"]},
            "property_description": f"Tenant improvements and contents at {prop['address']}",
            "subject": "business_personal_property",
            "perils": "special",
            "amount_of_insurance": _money(500_000),
            "rows": [
                {"key": "replacement_cost", "answer": "yes"},
                {"key": "business_income", "answer": "yes", "months": 12},
            ],
        }

    def waiver(self, party: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"wvr-{party['id'][6:]}",
            "party_id": party["id"],
            "agreement_id": f"agr-{party['id'][6:]}",
            "scope": {"finding_codes": ["limit.below_minimum"], "coverage_type": "umbrella"},
            "approver": "Dana Whitfield, Risk Manager",
            "reason": "Umbrella shortfall accepted for the first lease year",
            "granted_on": "2026-01-15",
            "expires_on": "2026-12-31",
        }


def _records(seed: int) -> Iterator[dict[str, Any]]:
    builder = _Builder(seed)
    party_number = 0
    for property_number in range(1, 10**9):
        prop = builder.property(property_number)
        yield _envelope("property", {k: v for k, v in prop.items() if v is not None})
        for _ in range(PARTIES_PER_PROPERTY):
            party_number += 1
            kind = builder.rng.choice(("tenant", "tenant", "vendor", "contractor"))
            party = builder.party(party_number, kind, prop["id"])
            yield _envelope("party", party)
            yield _envelope("agreement", builder.agreement(party, prop["id"]))
            if builder.rng.random() < 0.9:
                yield _envelope("certificate", builder.certificate(party, prop))
            if kind == "tenant" and builder.rng.random() < 0.3:
                yield _envelope("evidence", builder.evidence(party, prop))
            if builder.rng.random() < 0.05:
                yield _envelope("waiver", builder.waiver(party))


def generate(seed: int, size: int) -> Iterator[dict[str, Any]]:
    """Exactly ``size`` record envelopes, deterministic for ``seed``."""
    if size <= 0:
        return
    for count, record in enumerate(_records(seed), start=1):
        yield record
        if count >= size:
            return


def write_jsonl(path: Path, seed: int, size: int) -> int:
    """Write a generated portfolio as JSONL; returns the number of records written."""
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in generate(seed, size):
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
            written += 1
    return written
