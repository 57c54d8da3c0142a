"""Building a canonical :class:`~coisync.model.PropertyEvidence` from extracted ACORD 28 fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from coisync.intake.assemble import AssemblyError, validated
from coisync.intake.extracted import Extraction
from coisync.model import PropertyEvidence, Provenance
from coisync.model.evidence import EVIDENCE_ROWS

INTERESTS = ("mortgagee", "lenders_loss_payable", "loss_payee", "contract_of_sale")


def _money(value: object) -> str | None:
    return format(value, "f") if isinstance(value, Decimal) else None


def evidence_data(extraction: Extraction) -> dict[str, Any]:
    """The canonical evidence fields (lax JSON-ready types) of an extraction, without id."""
    v = extraction.value
    producer = None
    if v("producer.name"):
        producer = {
            "name": v("producer.name"),
            "address": v("producer.address"),
            "contact": v("producer.contact"),
            "phone": v("producer.phone"),
            "email": v("producer.email"),
        }
    building = v("subject.building") is True
    bpp = v("subject.business_personal_property") is True
    subject = "both" if building and bpp else "business_personal_property" if bpp else "building"
    perils = next((p for p in ("special", "broad", "basic") if v(f"perils.{p}") is True), None)
    rows = []
    for key in EVIDENCE_ROWS:
        answer = v(f"row.{key}.answer")
        limit, deductible = _money(v(f"row.{key}.limit")), _money(v(f"row.{key}.deductible"))
        if answer in (None, "na") and limit is None and deductible is None:
            continue
        rows.append({"key": key, "answer": answer or "na", "limit": limit, "deductible": deductible})
    interest = None
    if v("interest.name"):
        kind = next((k for k in INTERESTS if v(f"interest.{k}") is True), "other")
        interest = {
            "name": v("interest.name"),
            "address": v("interest.address"),
            "interest": kind,
            "loan_number": v("interest.loan_number"),
        }
    insured = {"name": v("insured.name"), "address": v("insured.address")} if v("insured.name") else None
    return {
        "form": "acord28",
        "issue_date": v("issue_date"),
        "producer": producer,
        "insurer_name": v("insurer.name"),
        "insurer_naic": v("insurer.naic"),
        "policy_number": v("policy_number"),
        "effective_date": v("effective_date"),
        "expiration_date": v("expiration_date"),
        "continued_until_terminated": v("continued_until_terminated") is True,
        "replaces_evidence_dated": v("replaces_evidence_dated"),
        "insured": insured,
        "property_description": v("property_description"),
        "subject": subject,
        "perils": perils,
        "amount_of_insurance": _money(v("amount_of_insurance")),
        "deductible": _money(v("deductible")),
        "rows": [{k: x for k, x in row.items() if x is not None} for row in rows],
        "additional_interest": interest,
    }


def build_evidence(
    extraction: Extraction, evidence_id: str, party_id: str | None, provenance: Provenance
) -> PropertyEvidence:
    """The property evidence the fields describe; raises :class:`AssemblyError` when they cannot."""
    data = evidence_data(extraction)
    if data["insured"] is None:
        raise AssemblyError("the named insured is missing")
    if not data["insurer_name"]:
        raise AssemblyError("the insurer (company) name is missing")
    data = {key: value for key, value in data.items() if value is not None}
    if data.get("additional_interest"):
        data["additional_interest"] = {k: x for k, x in data["additional_interest"].items() if x is not None}
    data.update(id=evidence_id, party_id=party_id, provenance=provenance.model_dump())
    return validated(data, "evidence", PropertyEvidence)
