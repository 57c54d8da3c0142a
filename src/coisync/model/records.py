"""Canonical JSON records: the envelope every document and JSONL line uses.

A JSONL line is ``{"format_version": 1, "type": "party", "data": {...}}``. A JSON document is
either one such record, a list of them, or a portfolio object::

    {"format_version": 1, "parties": [...], "properties": [...], "agreements": [...],
     "certificates": [...], "evidence": [...], "waivers": [...]}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from coisync.model.base import FORMAT_VERSION, CanonicalModel
from coisync.model.certificate import Certificate
from coisync.model.entities import Agreement, Party, Property
from coisync.model.evidence import PropertyEvidence
from coisync.model.requirements import RequirementSet
from coisync.model.waiver import Waiver

RecordType = Literal["party", "property", "agreement", "certificate", "evidence", "waiver"]

RECORD_MODELS: dict[str, type[CanonicalModel]] = {
    "party": Party,
    "property": Property,
    "agreement": Agreement,
    "certificate": Certificate,
    "evidence": PropertyEvidence,
    "waiver": Waiver,
}
"""Record type name to model, in the order an import applies them."""

PORTFOLIO_KEYS: dict[str, str] = {
    "parties": "party",
    "properties": "property",
    "agreements": "agreement",
    "certificates": "certificate",
    "evidence": "evidence",
    "waivers": "waiver",
}

PUBLIC_MODELS: dict[str, type[BaseModel]] = {
    **RECORD_MODELS,
    "requirements": RequirementSet,
}
"""Models whose JSON Schema ``coisync schema`` prints."""


def envelope(record_type: str, model: CanonicalModel) -> dict[str, Any]:
    """The canonical JSON envelope of one record."""
    return {
        "format_version": FORMAT_VERSION,
        "type": record_type,
        "data": model.model_dump(mode="json", context={"canonical": True}, exclude_none=True),
    }
