"""Building a canonical :class:`~coisync.model.Certificate` from extracted ACORD 25 fields.

The description of operations is kept verbatim and read once with the compliance engine's
wording detection (:func:`coisync.compliance.read_wording`): ISO form numbers become
:class:`~coisync.model.Endorsement` entries and a stated notice period becomes
``notice_of_cancellation_days``. Additional-insured, waiver and primary wording stays in the
description, where the engine reads it with the holder's name.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from coisync.compliance import read_wording
from coisync.compliance.wording import Wording
from coisync.ingest import parse_data
from coisync.intake.acord25_fields import LINE_PREFIXES
from coisync.intake.extracted import Extraction
from coisync.model import LIMIT_KEYS, CanonicalModel, Certificate, CoverageType, Provenance
from coisync.model.certificate import INSURER_LETTERS

OTHER_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"profession|errors|e\s*&\s*o", re.I), CoverageType.PROFESSIONAL_LIABILITY.value),
    (re.compile(r"liquor", re.I), CoverageType.LIQUOR_LIABILITY.value),
    (re.compile(r"cyber", re.I), CoverageType.CYBER.value),
    (re.compile(r"pollution", re.I), CoverageType.POLLUTION_LIABILITY.value),
    (re.compile(r"property|builders\s*risk", re.I), CoverageType.PROPERTY.value),
)
_SLUG = re.compile(r"[^a-z0-9]+")
M = TypeVar("M", bound=CanonicalModel)
AUTO_SYMBOLS = ("any_auto", "owned", "scheduled", "hired", "non_owned")


class AssemblyError(ValueError):
    """The fields do not make a valid certificate (the message says why, in one line)."""


def validated(data: dict[str, Any], record_type: str, model: type[M]) -> M:
    """Validate record data exactly as ``coisync import`` validates CSV records (lax mode)."""
    found = parse_data(record_type, data, file="intake", lax=True)
    if isinstance(found, list):
        problem = found[0]
        raise AssemblyError(f"{problem.field or record_type}: {problem.reason}")
    if not isinstance(found.model, model):  # pragma: no cover - parse_data returns the type asked for
        raise AssemblyError(f"not a {record_type}")
    return found.model


def slug(text: str) -> str:
    """``Each Claim`` -> ``each_claim``."""
    return _SLUG.sub("_", text.casefold()).strip("_")


def other_coverage_type(label: str) -> str:
    """The coverage type of an 'other' grid row from its printed type of insurance."""
    for pattern, coverage_type in OTHER_TYPES:
        if pattern.search(label):
            return coverage_type
    return slug(label) or "other"


def _limit_key(coverage_type: str, label: str) -> str:
    key = slug(label)
    if key in LIMIT_KEYS.get(coverage_type, ()):
        return key
    return f"other:{label.strip()}"


def _has_prefix(extraction: Extraction, prefix: str) -> bool:
    return any(
        key.startswith(f"{prefix}.") and field.value not in (None, False)
        for key, field in extraction.fields.items()
    )


def _limits(extraction: Extraction, prefix: str) -> dict[str, str]:
    marker = f"{prefix}.limit."
    return {
        key[len(marker) :]: format(field.value, "f")
        for key, field in sorted(extraction.fields.items())
        if key.startswith(marker) and isinstance(field.value, Decimal)
    }


def _line(extraction: Extraction, prefix: str) -> dict[str, Any]:
    v = extraction.value
    line: dict[str, Any] = {
        "coverage_type": LINE_PREFIXES[prefix],
        "insurer_letter": v(f"{prefix}.insurer_letter"),
        "policy_number": v(f"{prefix}.policy_number"),
        "effective_date": v(f"{prefix}.effective_date"),
        "expiration_date": v(f"{prefix}.expiration_date"),
        "additional_insured": v(f"{prefix}.additional_insured"),
        "subrogation_waived": v(f"{prefix}.subrogation_waived"),
        "limits": _limits(extraction, prefix),
    }
    if prefix in ("gl", "umbrella"):
        if v(f"{prefix}.occurrence") is True:
            line["basis"] = "occurrence"
        elif v(f"{prefix}.claims_made") is True:
            line["basis"] = "claims_made"
    if prefix == "gl":
        per = [p for p in ("policy", "project", "location", "other") if v(f"gl.aggregate_per.{p}") is True]
        if len(per) == 1:
            line["aggregate_applies_per"] = per[0]
    elif prefix == "auto":
        line["auto_symbols"] = [s for s in AUTO_SYMBOLS if v(f"auto.symbol.{s}") is True]
    elif prefix == "umbrella":
        if v("umbrella.is_excess") is True and v("umbrella.is_umbrella") is not True:
            line["coverage_type"] = CoverageType.EXCESS_LIABILITY.value
        amount = v("umbrella.retention_amount")
        if isinstance(amount, Decimal):
            slot = "deductible" if v("umbrella.deductible_marked") is True else "retention"
            line[slot] = format(amount, "f")
    elif prefix == "wc":
        line["statutory"] = v("wc.per_statute") if v("wc.per_statute") is True else None
        line["officers_excluded"] = v("wc.officers_excluded")
    elif prefix == "other":
        label = str(v("other.type") or "other coverage")
        coverage_type = other_coverage_type(label)
        line["coverage_type"] = coverage_type
        line["label"] = label
        limits: dict[str, str] = {}
        for slot in "ABC":
            name, amount = v(f"other.limit_label.{slot}"), v(f"other.limit_amount.{slot}")
            if isinstance(amount, Decimal):
                limits[_limit_key(coverage_type, str(name or f"limit {slot}"))] = format(amount, "f")
        line["limits"] = limits
    return {key: value for key, value in line.items() if value is not None}


def _party(extraction: Extraction, prefix: str) -> dict[str, Any] | None:
    name = extraction.value(f"{prefix}.name")
    if not name:
        return None
    return {"name": name, "address": extraction.value(f"{prefix}.address")}


def certificate_data(extraction: Extraction) -> dict[str, Any]:
    """The canonical certificate fields (lax JSON-ready types) of an extraction, without id."""
    v = extraction.value
    producer = _party(extraction, "producer")
    if producer is not None:
        producer.update(contact=v("producer.contact"), phone=v("producer.phone"), email=v("producer.email"))
    insurers = [
        {"letter": letter, "name": v(f"insurer.{letter}.name"), "naic": v(f"insurer.{letter}.naic")}
        for letter in INSURER_LETTERS
        if v(f"insurer.{letter}.name")
    ]
    description = v("description")
    wording = read_wording(str(description) if description else None)
    return {
        "form": "acord25",
        "issue_date": v("issue_date"),
        "certificate_number": v("certificate_number"),
        "revision_number": v("revision_number"),
        "producer": producer,
        "insured": _party(extraction, "insured"),
        "holder": _party(extraction, "holder"),
        "insurers": insurers,
        "description_of_operations": description,
        "endorsements": [{"form_number": form_label(key)} for key in sorted(wording.forms)],
        "notice_of_cancellation_days": wording.notice_days,
        "lines": [_line(extraction, p) for p in LINE_PREFIXES if _has_prefix(extraction, p)],
    }


def form_label(key: str) -> str:
    """``CG2010`` -> ``CG 20 10``; ``WC000313`` -> ``WC 00 03 13``."""
    return " ".join([key[:2], *(key[i : i + 2] for i in range(2, len(key), 2))])


def build_certificate(
    extraction: Extraction, certificate_id: str, party_id: str | None, provenance: Provenance
) -> Certificate:
    """The certificate the fields describe; raises :class:`AssemblyError` when they cannot make one."""
    data = certificate_data(extraction)
    if data["insured"] is None:
        raise AssemblyError("the named insured is missing")
    data = {key: value for key, value in data.items() if value is not None}
    data.update(id=certificate_id, party_id=party_id, provenance=provenance.model_dump())
    return validated(data, "certificate", Certificate)


def wording_summary(extraction: Extraction) -> dict[str, Any]:
    """What the description of operations evidences, for display."""
    description = extraction.value("description")
    found: Wording = read_wording(str(description) if description else None)
    return {
        "additional_insured": found.additional_insured,
        "waiver_of_subrogation": found.waiver_of_subrogation,
        "primary_noncontributory": found.primary_noncontributory,
        "completed_operations": found.completed_operations,
        "notice_days": found.notice_days,
        "forms": [form_label(k) for k in sorted(found.forms)],
    }


def latest_day(*days: date | None) -> date | None:
    """The latest of some optional days."""
    known = [d for d in days if d is not None]
    return max(known) if known else None
