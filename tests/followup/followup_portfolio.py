"""A small sandbox-like portfolio for follow-up tests: a config, a store and dated events."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

from coisync.model import Agreement, Certificate, Party, Property, Waiver
from coisync.store import Store, open_store

START = date(2027, 1, 1)
HOSTILE_NAME = '=HYPERLINK("http://x","y") <script>alert(1)</script>'

TEMPLATE = """
name = "simple_gl"
description = "General liability $1M per occurrence"

[[coverages]]
coverage_type = "general_liability"
[coverages.limits]
each_occurrence = 1_000_000
[coverages.clause]
document = "Master Services Agreement"
section = "§ 9.1"
text = "Contractor shall maintain commercial general liability of at least $1,000,000 per occurrence."
"""


def write_config(directory: Path, smtp_port: int, extra: str = "") -> Path:
    """coisync.toml with the simple template, the contacts and the SMTP sink's port."""
    (directory / "requirements").mkdir(exist_ok=True)
    (directory / "requirements" / "simple_gl.toml").write_text(TEMPLATE, encoding="utf-8")
    text = f"""
    [store]
    url = "sqlite:///{directory / "coisync.db"}"

    [portfolio]
    expiring_windows = [30]
    template_dirs = ["requirements"]

    [portfolio.templates]
    vendor = "simple_gl"
    tenant = "simple_gl"

    [followup]
    channels = ["email"]

    [followup.contacts.default]
    manager = "pm@example.com"
    owner = "owner@example.com"

    [followup.smtp]
    host = "127.0.0.1"
    port = {smtp_port}
    from = "coi@example.com"
    """
    path = directory / "coisync.toml"
    path.write_text(textwrap.dedent(text) + extra, encoding="utf-8")
    return path


def certificate(cert_id: str, party_id: str, limit: int, expires: date) -> Certificate:
    """A one-line GL certificate."""
    data: dict[str, Any] = {
        "id": cert_id,
        "party_id": party_id,
        "insured": {"name": f"Insured {party_id}"},
        "insurers": [{"letter": "A", "name": "Hartwell Mutual", "naic": "10001"}],
        "holder": {"name": "Acme Properties LLC"},
        "lines": [
            {
                "coverage_type": "general_liability",
                "insurer_letter": "A",
                "policy_number": f"GL-{cert_id}",
                "effective_date": date(2026, 3, 1),
                "expiration_date": expires,
                "limits": {"each_occurrence": limit},
            }
        ],
    }
    return Certificate.model_validate(data, strict=False)


def party(party_id: str, name: str, kind: str = "vendor") -> Party:
    """A party at property P1 with one e-mail contact."""
    email = f"{party_id.lower()}@example.com"
    return Party.model_validate(
        {
            "id": party_id,
            "kind": kind,
            "legal_name": name,
            "contacts": [{"email": email}],
            "property_ids": ["P1"],
        },
        strict=False,
    )


def seed(url: str) -> Store:
    """The portfolio on the first day.

    - V1 Acme Plumbing: compliant, expires 2027-02-15 (renewal, then escalation after expiry).
    - V2 Bolt Electric: $500k against $1M (deficiency) until a good certificate on 2027-01-20.
    - V3 Cedar Landscaping: no certificate (deficiency) until a waiver on 2027-01-04.
    - T1 (hostile name): tenant with $500k, lease ends 2027-01-10.
    """
    store = open_store(url)
    store.upsert(
        "property",
        [
            Property.model_validate(
                {"id": "P1", "name": "Harbor Point", "owner_entity": "Acme Properties LLC"}, strict=False
            )
        ],
    )
    store.upsert(
        "party",
        [
            party("V1", "Acme Plumbing"),
            party("V2", "Bolt Electric"),
            party("V3", "Cedar Landscaping"),
            party("T1", HOSTILE_NAME, kind="tenant"),
        ],
    )
    lease = {
        "id": "L1",
        "kind": "lease",
        "party_id": "T1",
        "property_id": "P1",
        "start_date": date(2026, 1, 1),
        "end_date": date(2027, 1, 10),
    }
    store.upsert("agreement", [Agreement.model_validate(lease, strict=False)])
    store.upsert(
        "certificate",
        [
            certificate("c-v1", "V1", 1_000_000, date(2027, 2, 15)),
            certificate("c-v2", "V2", 500_000, date(2027, 12, 31)),
            certificate("c-t1", "T1", 500_000, date(2027, 12, 31)),
        ],
    )
    return store


def events(store: Store, day: date) -> None:
    """What changes in the store on ``day`` (before that day's notify run)."""
    if day == date(2027, 1, 4):
        waiver = {
            "id": "w-v3", "party_id": "V3", "scope": {"finding_codes": ["certificate_missing"]},
            "approver": "pm@example.com", "reason": "seasonal vendor, off site", "granted_on": day,
        }  # fmt: skip
        store.upsert("waiver", [Waiver.model_validate(waiver, strict=False)])
    if day == date(2027, 1, 20):
        store.upsert("certificate", [certificate("c-v2b", "V2", 1_000_000, date(2028, 1, 20))])
