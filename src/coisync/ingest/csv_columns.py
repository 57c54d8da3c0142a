"""CSV column sets per record type and how flat cells become canonical record data.

Kept in one place so ``docs/import.md`` and the reader agree. Cells are strings; the models
validate them in lax mode (``"yes"``/``"true"``/``"1"`` are booleans, ISO dates are dates,
``"1,000,000"`` is an amount).
"""

from __future__ import annotations

from typing import Any

from coisync.model.vocabulary import LIMIT_KEYS, OTHER_LIMIT_PREFIX

LIST_SEPARATOR = "|"

FLAT_COLUMNS: dict[str, tuple[str, ...]] = {
    "party": (
        "id", "kind", "legal_name", "aliases", "tax_id", "category", "property_ids", "active",
        "contact_name", "contact_email", "contact_phone", "contact_role",
    ),
    "property": (
        "id", "name", "address", "time_zone", "owner_entity", "manager", "lender",
        "holder_name", "holder_address",
    ),
    "agreement": ("id", "kind", "party_id", "property_id", "start_date", "end_date", "status", "template"),
    "waiver": (
        "id", "party_id", "agreement_id", "finding_codes", "coverage_type", "limit_key",
        "approver", "reason", "granted_on", "expires_on", "revoked_at",
    ),
}  # fmt: skip
"""Columns of the flat record types."""

LIST_COLUMNS = frozenset({"aliases", "property_ids", "finding_codes"})

CERTIFICATE_HEADER_COLUMNS: tuple[str, ...] = (
    "certificate_id", "party_id", "issue_date", "certificate_number", "edition",
    "insured_name", "insured_address", "holder_name", "holder_address",
    "producer_name", "producer_email", "producer_phone",
    "description_of_operations", "notice_of_cancellation_days",
)  # fmt: skip
"""Certificate-level columns: taken from the first row of a certificate that fills them."""

LINE_COLUMNS: tuple[str, ...] = (
    "coverage_type", "label", "policy_number", "effective_date", "expiration_date",
    "insurer_letter", "insurer_name", "naic", "additional_insured", "subrogation_waived",
    "basis", "aggregate_applies_per", "deductible", "retention", "statutory", "sits_over",
)  # fmt: skip
"""Per-coverage-line columns, one row per line."""

STANDARD_LIMIT_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(k for keys in LIMIT_KEYS.values() for k in keys)
)
"""Every standard limit key is a column; ``other:<label>`` columns carry the rest."""

CERTIFICATE_COLUMNS: tuple[str, ...] = (
    "id",
    *CERTIFICATE_HEADER_COLUMNS,
    *LINE_COLUMNS,
    *STANDARD_LIMIT_COLUMNS,
)

INSURER_LETTERS = "ABCDEF"


def limit_column(column: str) -> bool:
    """True for a column holding a limit amount."""
    return column in STANDARD_LIMIT_COLUMNS or (
        column.startswith(OTHER_LIMIT_PREFIX) and len(column) > len(OTHER_LIMIT_PREFIX)
    )


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def build_flat(record_type: str, row: dict[str, str]) -> dict[str, Any]:
    """Record data from the cells of a party, property, agreement or waiver row."""
    data: dict[str, Any] = {k: (_split(v) if k in LIST_COLUMNS else v) for k, v in row.items()}
    if record_type == "party":
        contact = {
            key: data.pop(f"contact_{key}")
            for key in ("name", "email", "phone", "role")
            if f"contact_{key}" in data
        }
        if contact:
            data["contacts"] = [contact]
    elif record_type == "property":
        if "holder_name" in data:
            data["certificate_holder"] = {
                "name": data.pop("holder_name"),
                "address": data.pop("holder_address", None),
            }
        data.pop("holder_address", None)
    elif record_type == "waiver":
        scope: dict[str, Any] = {"finding_codes": data.pop("finding_codes", [])}
        for key in ("coverage_type", "limit_key"):
            if key in data:
                scope[key] = data.pop(key)
        data["scope"] = scope
    return data


def build_certificate(rows: list[dict[str, str]]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Certificate data from its rows (one per coverage line), plus column problems."""
    problems: list[tuple[str, str]] = []
    head: dict[str, str] = {}
    for row in rows:
        for column in CERTIFICATE_HEADER_COLUMNS:
            if column in row and column not in head:
                head[column] = row[column]
    data: dict[str, Any] = {"id": head.get("certificate_id") or rows[0].get("id")}
    for column in ("party_id", "issue_date", "certificate_number", "edition", "description_of_operations",
                   "notice_of_cancellation_days"):  # fmt: skip
        if column in head:
            data[column] = head[column]
    data["insured"] = {"name": head.get("insured_name", ""), "address": head.get("insured_address")}
    if "holder_name" in head:
        data["holder"] = {"name": head["holder_name"], "address": head.get("holder_address")}
    if "producer_name" in head:
        producer = {"name": head["producer_name"]}
        for key in ("email", "phone"):
            if f"producer_{key}" in head:
                producer[key] = head[f"producer_{key}"]
        data["producer"] = producer
    insurers: dict[str, dict[str, str]] = {}
    letter_of_name: dict[str, str] = {}
    lines: list[dict[str, Any]] = []
    for row in rows:
        if "coverage_type" not in row:
            problems.append(("coverage_type", "every certificate row needs a coverage_type"))
            continue
        line: dict[str, Any] = {"limits": {}}
        for column in LINE_COLUMNS:
            if column in row and column not in ("insurer_letter", "insurer_name", "naic"):
                line[column] = _split(row[column]) if column == "sits_over" else row[column]
        for column, value in row.items():
            if limit_column(column):
                line["limits"][column] = value
        letter = row.get("insurer_letter")
        name = row.get("insurer_name")
        if name and not letter:
            letter = letter_of_name.get(name)
            if letter is None:
                free = [c for c in INSURER_LETTERS if c not in insurers]
                if not free:
                    problems.append(("insurer_name", "more than six insurers on one certificate"))
                    continue
                letter = free[0]
        if letter:
            line["insurer_letter"] = letter
            if name:
                letter_of_name[name] = letter
                entry = insurers.setdefault(letter, {"letter": letter, "name": name})
                if "naic" in row:
                    entry["naic"] = row["naic"]
        lines.append(line)
    data["insurers"] = list(insurers.values())
    data["lines"] = lines
    return data, problems
