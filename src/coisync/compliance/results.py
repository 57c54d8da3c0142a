"""Building results: one helper so every rule fills findings the same way."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from coisync.compliance.codes import SEVERITY, FindingCode
from coisync.compliance.context import LineRef
from coisync.model import Clause, Finding, Money, Outcome, Severity, coverage_title
from coisync.model.vocabulary import limit_title

_PASS = Outcome.PASS
_INFO = Severity.INFO
_CODE_TEXT: dict[FindingCode, tuple[str, Severity]] = {
    code: (code._value_, SEVERITY[code]) for code in FindingCode
}
"""Each code as plain text with its default severity (``code.value`` is slow on enum members)."""


def result(
    code: FindingCode,
    outcome: Outcome,
    message: str,
    *,
    ref: LineRef | None = None,
    coverage_type: str | None = None,
    limit_key: str | None = None,
    required: str | None = None,
    found: str | None = None,
    evidence: str | None = None,
    clause: Clause | None = None,
    certificate_id: str | None = None,
    severity: Severity | None = None,
    score: float | None = None,
) -> Finding:
    """One result of one check.

    Args:
        code: The check, named by the way it fails.
        outcome: pass, fail or unverified (waivers are applied later by the engine).
        message: Plain English; for a non-pass result it says what would fix it.
        ref: The line judged; fills coverage type, certificate id, policy number and evidence.
        coverage_type: The coverage, when no line is given.
        limit_key: The limit checked, if any.
        required: What the requirement asks, as text.
        found: What the evidence shows, as text.
        evidence: Which evidence was used (defaults to the line's description).
        clause: The clause the requirement cites.
        certificate_id: The document, when no line is given.
        severity: Overrides the code's default severity.
        score: A name-match score.
    """
    text, default_severity = _CODE_TEXT[code]
    if severity is None:
        severity = _INFO if outcome is _PASS else default_severity
    policy_number = None
    if ref is not None:
        line = ref.line
        coverage_type = coverage_type or line.coverage_type
        certificate_id = certificate_id or ref.document_id
        evidence = evidence or ref.description
        policy_number = line.policy_number
    finding = _new_finding(Finding)
    _set_dict(
        finding,
        {
            "code": text,
            "outcome": outcome,
            "severity": severity,
            "coverage_type": coverage_type,
            "limit_key": limit_key,
            "required": required,
            "found": found,
            "evidence": evidence,
            "clause": clause,
            "message": message,
            "certificate_id": certificate_id,
            "policy_number": policy_number,
            "waiver_id": None,
            "score": score,
        },
    )
    _set_fields_set(finding, _FINDING_FIELDS_SET.copy())
    _set_extra(finding, None)
    _set_private(finding, None)
    return finding


_FINDING_FIELDS: frozenset[str] = frozenset(Finding.model_fields)
_FINDING_FIELDS_SET: set[str] = set(_FINDING_FIELDS)
_new_finding = Finding.__new__
_SLOTS = BaseModel.__dict__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__


def trusted_finding(values: dict[str, Any]) -> Finding:
    """A Finding from values the engine built itself, without running validation again.

    An evaluation makes tens of findings and validation was most of their cost (see
    bench/bench_evaluate.py). The values must be exactly the model's fields with values of the
    right types; tests check that every finding the rules make survives a validating round trip.
    This sets what :meth:`pydantic.BaseModel.model_construct` sets, without its per-field loop.
    :func:`result` does the same inline.
    """
    assert values.keys() == _FINDING_FIELDS, sorted(values.keys() ^ _FINDING_FIELDS)
    finding = _new_finding(Finding)
    _set_dict(finding, values)
    _set_fields_set(finding, _FINDING_FIELDS_SET.copy())
    _set_extra(finding, None)
    _set_private(finding, None)
    return finding


def money(value: Money | None) -> str:
    """Money as text, or "not shown"."""
    return money_text(value) if value is not None else "not shown"


def money_text(value: Money) -> str:
    """``$1,000,000``: Money as printed, cached (the same few amounts recur across a portfolio)."""
    return _money_text(value.amount, value.currency)


@lru_cache(maxsize=4096)
def _money_text(amount: Decimal, currency: str) -> str:
    return str(Money(amount=amount, currency=currency))


@lru_cache(maxsize=1024)
def title_of(coverage_type: str) -> str:
    """:func:`~coisync.model.coverage_title`, cached."""
    return coverage_title(coverage_type)


@lru_cache(maxsize=1024)
def limit_label(key: str) -> str:
    """:func:`~coisync.model.vocabulary.limit_title`, cached."""
    return limit_title(key)
