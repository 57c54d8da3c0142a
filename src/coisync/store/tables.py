"""Which table holds which record type, and the indexed columns each record contributes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from coisync.model import Agreement, CanonicalModel, Certificate, Party, Property, PropertyEvidence, Waiver
from coisync.store import schema


@dataclass(frozen=True)
class RecordTable:
    """One record type's table, model and extra (indexed) columns."""

    record_type: str
    table: sa.Table
    model: type[CanonicalModel]
    columns: Callable[[Any], dict[str, Any]]
    versioned: bool = False


def _party(p: Party) -> dict[str, Any]:
    return {"kind": p.kind.value, "legal_name": p.legal_name, "active": p.active}


def _property(p: Property) -> dict[str, Any]:
    return {"name": p.name}


def _agreement(a: Agreement) -> dict[str, Any]:
    return {
        "kind": a.kind.value,
        "party_id": a.party_id,
        "property_id": a.property_id,
        "status": a.status.value,
    }


def _waiver(w: Waiver) -> dict[str, Any]:
    return {"party_id": w.party_id, "agreement_id": w.agreement_id, "revoked_at": w.revoked_at}


def _with_party(m: Certificate | PropertyEvidence) -> dict[str, Any]:
    return {"party_id": m.party_id}


RECORD_TABLES: dict[str, RecordTable] = {
    "party": RecordTable("party", schema.parties, Party, _party),
    "property": RecordTable("property", schema.properties, Property, _property),
    "agreement": RecordTable("agreement", schema.agreements, Agreement, _agreement),
    "certificate": RecordTable("certificate", schema.certificates, Certificate, _with_party, versioned=True),
    "evidence": RecordTable("evidence", schema.evidence, PropertyEvidence, _with_party, versioned=True),
    "waiver": RecordTable("waiver", schema.waivers, Waiver, _waiver),
}
"""Record type (as in canonical JSON envelopes) to its table, in import order."""
