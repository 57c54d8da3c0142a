"""Reading the compliance case files: bases, overrides and hand-written expectations.

Used by ``test_compliance_cases.py``; the format is described in ``docs/compliance-cases.md``.
Each ``*.toml`` file of this directory (except ``_common.toml``, which holds only shared bases)
carries ``[[case]]`` entries, built here into canonical models with
``Model.model_validate(data, strict=False)``.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from coisync.model import (
    AgreementKind,
    Certificate,
    Finding,
    Party,
    PartyKind,
    Property,
    PropertyEvidence,
    RequirementSet,
    Waiver,
)

CASE_DIR = Path(__file__).parent
COMMON_FILE = "_common.toml"
CONTRACT_CODES = (
    "certificate_missing",
    "coverage_missing",
    "limit_insufficient",
    "limit_not_shown",
    "policy_expired",
    "policy_expiring",
    "policy_not_yet_effective",
    "coverage_gap",
    "expiration_unknown",
    "holder_mismatch",
    "additional_insured_missing",
    "waiver_of_subrogation_missing",
    "primary_noncontributory_missing",
    "notice_of_cancellation_insufficient",
    "insurer_rating_insufficient",
    "insurer_rating_unknown",
    "deductible_exceeds_maximum",
    "claims_made_not_accepted",
    "property_perils_insufficient",
    "property_valuation_insufficient",
    "property_coinsurance_exceeds_maximum",
    "property_business_income_missing",
    "property_row_missing",
)
"""The stable finding codes of the engine contract (copied by hand, not imported)."""

STATUSES = ("missing", "expired", "non_compliant", "expiring", "pending_review", "compliant", "not_required")
NON_PASS_OUTCOMES = ("fail", "unverified", "waived")

# Cases where the engine disagrees with the contract at the deadline: case id -> why.
# strict xfail: when the engine is fixed the case passes and the suite fails loudly,
# so the entry must then be removed.
CASE_KEYS = {
    "id",
    "description",
    "as_of",
    "party_id",
    "requirements",
    "template",
    "property",
    "party",
    "certificates",
    "evidence",
    "waivers",
    "ratings",
    "windows",
    "expected_status",
    "expected",
    "expected_window",
}

# List fields edited by coverage type (or row key) instead of being replaced wholesale:
# list field -> (identity key, override key, drop key, add key).
LIST_EDITS = {
    "lines": ("coverage_type", "line_overrides", "drop_lines", "add_lines"),
    "coverages": ("coverage_type", "coverage_overrides", "drop_coverages", "add_coverages"),
    "rows": ("key", "row_overrides", "drop_rows", "add_rows"),
}

BASE_KINDS = ("certificates", "requirements", "evidence", "ratings")
"""Top-level tables of named bases a file (or _common.toml) may define."""

TEMPLATE_PARTY_KIND = {
    "tenant": (PartyKind.TENANT, AgreementKind.LEASE),
    "vendor": (PartyKind.VENDOR, AgreementKind.SERVICE_CONTRACT),
    "property": (PartyKind.VENDOR, AgreementKind.SERVICE_CONTRACT),
    "contractor": (PartyKind.CONTRACTOR, AgreementKind.PROJECT),
}


@dataclass(frozen=True)
class ExpectedFinding:
    """One expected non-pass finding; parts left out match anything."""

    code: str
    outcome: str | None = None
    coverage_type: str | None = None

    @classmethod
    def parse(cls, text: str) -> ExpectedFinding:
        """Read ``code``, ``code:outcome`` or ``code:outcome:coverage_type``."""
        parts = text.split(":")
        if not 1 <= len(parts) <= 3 or not all(parts):
            raise ValueError(f"expected finding {text!r} is not code[:outcome[:coverage_type]]")
        if parts[0] not in CONTRACT_CODES:
            raise ValueError(f"expected finding {text!r} names a code the contract does not list")
        if len(parts) > 1 and parts[1] not in NON_PASS_OUTCOMES:
            raise ValueError(f"expected finding {text!r}: outcome must be one of {NON_PASS_OUTCOMES}")
        return cls(*parts)

    def matches(self, finding: Finding) -> bool:
        """True when the finding has every part this expectation names."""
        return (
            finding.code == self.code
            and (self.outcome is None or finding.outcome.value == self.outcome)
            and (self.coverage_type is None or finding.coverage_type == self.coverage_type)
        )


@dataclass
class Case:
    """One case, read from its file with bases and overrides applied."""

    id: str
    file: str
    description: str
    as_of: date
    party_id: str
    expected_status: str
    expected: list[ExpectedFinding]
    certificates: list[Certificate]
    evidence: list[PropertyEvidence]
    waivers: list[Waiver]
    ratings: list[dict[str, str]] | None
    windows: tuple[int, ...] | None
    requirements: RequirementSet | None = None
    template: str | None = None
    property: Property | None = None
    party: Party | None = None
    expected_window: dict[str, int] | int | None = None
    raw_expected: list[str] = field(default_factory=list)


def _merge(base: Any, override: Any) -> Any:
    """Deep-merge ``override`` into ``base``: tables merge, other values replace, ``unset`` drops keys."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return copy.deepcopy(override)
    result = copy.deepcopy(base)
    override = dict(override)
    unset = override.pop("unset", [])
    edits = {name: [override.pop(k, None) for k in spec[1:]] for name, spec in LIST_EDITS.items()}
    for key, value in override.items():
        result[key] = _merge(result[key], value) if key in result else copy.deepcopy(value)
    for key in unset:
        if key not in result:
            raise ValueError(f"unset names {key!r}, which the base does not have")
        del result[key]
    for name, (changes, drops, adds) in edits.items():
        if changes is None and drops is None and adds is None:
            continue
        ident = LIST_EDITS[name][0]
        items = list(result.get(name, []))
        for wanted in drops or []:
            kept = [item for item in items if item.get(ident) != wanted]
            if len(kept) == len(items):
                raise ValueError(f"drop names {wanted!r}, which is not in {name}")
            items = kept
        for wanted, change in (changes or {}).items():
            hits = [i for i, item in enumerate(items) if item.get(ident) == wanted]
            if len(hits) != 1:
                raise ValueError(f"override of {name} {wanted!r} matches {len(hits)} items, not one")
            items[hits[0]] = _merge(items[hits[0]], change)
        items.extend(copy.deepcopy(adds or []))
        result[name] = items
    return result


def _from_base(item: dict[str, Any], bases: dict[str, Any], kind: str) -> dict[str, Any]:
    """Resolve ``base = "name"`` against the named bases of one kind, then apply the overrides."""
    item = dict(item)
    name = item.pop("base", None)
    if name is None:
        return _merge({}, item)  # type: ignore[no-any-return]
    if name not in bases.get(kind, {}):
        raise ValueError(f"unknown {kind} base {name!r}")
    return _merge(_from_base(bases[kind][name], bases, kind), item)  # type: ignore[no-any-return]


def _ratings(value: Any, bases: dict[str, Any]) -> list[dict[str, str]] | None:
    if value is None:
        return None
    rows = bases.get("ratings", {})[value] if isinstance(value, str) else value
    return [{k: str(v) for k, v in row.items()} for row in rows]


def _window(value: Any) -> dict[str, int] | int | None:
    return value if value is None or isinstance(value, int) else dict(value)


def _build_case(raw: dict[str, Any], file: str, bases: dict[str, Any]) -> Case:
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    if raw["expected_status"] not in STATUSES:
        raise ValueError(f"expected_status {raw['expected_status']!r} is not a status")
    if ("requirements" in raw) == ("template" in raw):
        raise ValueError("give exactly one of requirements or template")
    party_id = raw.get("party_id", "party-1")
    certificates = [
        Certificate.model_validate(_from_base(c, bases, "certificates"), strict=False)
        for c in raw.get("certificates", [])
    ]
    evidence = [
        PropertyEvidence.model_validate(_from_base(e, bases, "evidence"), strict=False)
        for e in raw.get("evidence", [])
    ]
    waivers = [
        Waiver.model_validate({"party_id": party_id, **w}, strict=False) for w in raw.get("waivers", [])
    ]
    case = Case(
        id=raw["id"],
        file=file,
        description=raw["description"],
        as_of=raw["as_of"],
        party_id=party_id,
        expected_status=raw["expected_status"],
        expected=[ExpectedFinding.parse(text) for text in raw["expected"]],
        raw_expected=list(raw["expected"]),
        certificates=certificates,
        evidence=evidence,
        waivers=waivers,
        ratings=_ratings(raw.get("ratings"), bases),
        windows=tuple(raw["windows"]) if "windows" in raw else None,
        expected_window=_window(raw.get("expected_window")),
    )
    if "requirements" in raw:
        data = _from_base(raw["requirements"], bases, "requirements")
        case.requirements = RequirementSet.model_validate(data, strict=False)
    else:
        case.template = raw["template"]
        case.property = Property.model_validate(raw["property"], strict=False)
        kind = TEMPLATE_PARTY_KIND[case.template.split("_")[0]][0]
        legal_name = certificates[0].insured.name if certificates else "Unnamed Party LLC"
        party = {"id": party_id, "kind": kind.value, "legal_name": legal_name, **raw.get("party", {})}
        case.party = Party.model_validate(party, strict=False)
    return case


def load_cases() -> tuple[list[Case], list[str]]:
    """Every case of every file, and the problems found while reading them."""
    cases: list[Case] = []
    errors: list[str] = []
    with (CASE_DIR / COMMON_FILE).open("rb") as handle:
        common = tomllib.load(handle)
    for path in sorted(CASE_DIR.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            errors.append(f"{path.name}: {exc}")
            continue
        strays = set(data) - {"case", *BASE_KINDS}
        if strays:
            errors.append(f"{path.name}: unknown top-level tables {sorted(strays)}")
        bases = {kind: {**common.get(kind, {}), **data.get(kind, {})} for kind in BASE_KINDS}
        if not data.get("case"):
            errors.append(f"{path.name}: no [[case]] entries")
        for raw in data.get("case", []):
            try:
                cases.append(_build_case(raw, path.name, bases))
            except (KeyError, ValueError, TypeError) as exc:
                errors.append(f"{path.name} case {raw.get('id', '?')}: {exc}")
    return cases, errors
