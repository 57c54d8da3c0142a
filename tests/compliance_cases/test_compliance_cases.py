"""Table-driven compliance cases: hand-written expectations kept as TOML data.

Every ``*.toml`` file in this directory (except ``_common.toml``, which only holds shared
bases) carries ``[[case]]`` entries. Each case is built into canonical models, evaluated with
``coisync.compliance.evaluate`` exactly as the engine contract describes, and its status and
non-pass findings are compared with the expectation written by hand in the file.

The file format, the base/override mechanism and how to add a case are described in
``docs/compliance-cases.md``.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coisync.model import (
    Agreement,
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
MIN_CASES = 80

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

CONTRACT_SEVERITY = {"policy_expiring": "low", "coverage_gap": "medium"}
"""Severities the contract fixes for failing findings of a code."""

STATUSES = ("missing", "expired", "non_compliant", "expiring", "pending_review", "compliant", "not_required")
NON_PASS_OUTCOMES = ("fail", "unverified", "waived")

# Cases where the engine disagrees with the contract at the deadline: case id -> why.
# strict xfail: when the engine is fixed the case passes and the suite fails loudly,
# so the entry must then be removed.
known_disagreements: dict[str, str] = {
    "wos-negated-wording-is-not-evidence": (
        "'waiver of subrogation is not provided' is taken as evidence of the waiver (negation ignored)"
    ),
    "pnc-negated-wording-is-not-evidence": (
        "'primary and non-contributory endorsement is not available' is taken as evidence (negation ignored)"
    ),
    "ai-wording-certificate-holder-is-additional-insured": (
        "'the certificate holder is included as additional insured' with the holder box naming the landlord "
        "and ADDL INSD ticked gives a high-severity fail; the contract gives at most unverified for a ticked "
        "flag without names, and the wording names the holder"
    ),
    "names-corrected-certificate-reissued": (
        "the holder of a superseded certificate (same policy, reissued later with the holder corrected) "
        "still fails; the current certificate is the latest one"
    ),
    "names-additional-insured-with-affiliates-tail": (
        "'Acme Properties LLC, its members, managers, affiliates and subsidiaries' is not matched to "
        "'Acme Properties LLC'"
    ),
    "names-holder-care-of-manager": (
        "'Acme Properties LLC c/o Harbor Point Management Inc.' scores 55 against 'Acme Properties LLC' "
        "and fails as a different holder"
    ),
}

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
        return cls(*parts)  # type: ignore[arg-type]

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


CASES, LOAD_ERRORS = load_cases()


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks = []
        if case.id in known_disagreements:
            reason = f"engine disagrees: {known_disagreements[case.id]}"
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def _unmatched(expected: list[ExpectedFinding], actual: list[Finding]) -> tuple[list[int], list[int]]:
    """Match expectations to findings one to one (bipartite); return the leftovers on both sides."""
    owner: dict[int, int] = {}

    def assign(e: int, seen: set[int]) -> bool:
        for a, finding in enumerate(actual):
            if a in seen or not expected[e].matches(finding):
                continue
            seen.add(a)
            if a not in owner or assign(owner[a], seen):
                owner[a] = e
                return True
        return False

    missing = [e for e in range(len(expected)) if not assign(e, set())]
    extra = [a for a in range(len(actual)) if a not in owner]
    return missing, extra


def _describe(finding: Finding) -> str:
    key = f" [{finding.limit_key}]" if finding.limit_key else ""
    return (
        f"{finding.code}:{finding.outcome.value}:{finding.coverage_type}{key} "
        f"(severity {finding.severity.value}; found {finding.found!r}): {finding.message}"
    )


def _names_window(finding: Finding, window: int) -> bool:
    text = f"{finding.found or ''} {finding.message}"
    return re.search(rf"(?<![\d\-/.,$]){window}(?![\d/]|,\d)", text) is not None


def _evaluate(case: Case) -> Any:
    from coisync.compliance import RatingsTable, TemplateLibrary, evaluate, resolve_requirements

    options: dict[str, Any] = {
        "as_of": case.as_of,
        "party_id": case.party_id,
        "evidence": case.evidence,
        "waivers": case.waivers,
        "ratings": RatingsTable.from_rows(case.ratings) if case.ratings is not None else None,
    }
    if case.windows is not None:
        options["windows"] = case.windows
    requirements = case.requirements
    if case.template is not None:
        assert case.property is not None and case.party is not None
        agreement = Agreement(
            id=f"agr-{case.id}",
            kind=TEMPLATE_PARTY_KIND[case.template.split("_")[0]][1],
            party_id=case.party_id,
            property_id=case.property.id,
            template=case.template,
        )
        requirements, source = resolve_requirements(
            party=case.party, property=case.property, agreement=agreement, templates=TemplateLibrary.builtin()
        )
        options.update(agreement_id=agreement.id, property_id=case.property.id, requirement_source=source)
    return evaluate(case.certificates, requirements, **options)


@pytest.mark.parametrize("case", _params())
def test_compliance_case(case: Case) -> None:
    """The engine's status and non-pass findings equal the hand-written expectation."""
    evaluation = _evaluate(case)
    actual = list(evaluation.findings)
    missing, extra = _unmatched(case.expected, actual)
    report = "\n".join(
        [
            f"case {case.id} ({case.file}): {case.description}",
            f"expected status {case.expected_status}, got {evaluation.status.value}",
            f"expected findings {case.raw_expected}",
            "actual findings:",
            *(f"  - {_describe(f)}" for f in actual),
            f"expected but not found: {[case.raw_expected[e] for e in missing]}",
            f"found but not expected: {[_describe(actual[a]) for a in extra]}",
        ]
    )
    assert evaluation.status.value == case.expected_status, report
    assert (evaluation.party_id, evaluation.as_of) == (case.party_id, case.as_of), report
    assert not missing and not extra, report
    for finding in actual:
        wanted_severity = CONTRACT_SEVERITY.get(finding.code)
        if wanted_severity and finding.outcome.value == "fail":
            assert finding.severity.value == wanted_severity, (
                f"{finding.code} is not {wanted_severity}\n{report}"
            )
    waiver_ids = {w.id for w in case.waivers}
    for finding in actual:
        if finding.outcome.value == "waived":
            assert finding.waiver_id in waiver_ids, f"waived finding without its waiver id\n{report}"
    if case.expected_window is not None:
        expiring = [f for f in actual if f.code == "policy_expiring"]
        wanted = case.expected_window
        for finding in expiring:
            window = wanted if isinstance(wanted, int) else wanted[finding.coverage_type or ""]
            assert _names_window(finding, window), (
                f"expiring finding does not name the {window}-day window\n{report}"
            )


def test_case_files_load() -> None:
    """Every case file parses and every case builds valid canonical models."""
    assert not LOAD_ERRORS, "\n".join(LOAD_ERRORS)


def test_suite_size_and_unique_ids() -> None:
    """The suite holds at least the agreed number of cases, each with its own id."""
    counts = Counter(case.id for case in CASES)
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} cases"
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_contract_code_is_expected_somewhere() -> None:
    """Each finding code of the contract is the expectation of at least one case."""
    used = {e.code for case in CASES for e in case.expected}
    assert sorted(set(CONTRACT_CODES) - used) == []


def test_every_status_is_expected_somewhere() -> None:
    """Each status of the precedence list is the expected status of at least one case."""
    used = {case.expected_status for case in CASES}
    assert sorted(set(STATUSES) - used) == []


def test_known_disagreements_name_real_cases() -> None:
    """Every entry of known_disagreements names a case that exists."""
    ids = {case.id for case in CASES}
    assert sorted(set(known_disagreements) - ids) == []
