"""The built-in rule families, one module each, and the order they run in."""

from __future__ import annotations

from coisync.compliance.rule import Rule
from coisync.compliance.rules.coverage_limits import CoverageLimitsRule
from coisync.compliance.rules.dates import DatesRule
from coisync.compliance.rules.endorsements import EndorsementsRule
from coisync.compliance.rules.insurer import InsurerRule
from coisync.compliance.rules.missing import MissingRule
from coisync.compliance.rules.names import NamesRule
from coisync.compliance.rules.property_terms import PropertyTermsRule
from coisync.compliance.rules.terms import TermsRule

DEFAULT_RULES: tuple[Rule, ...] = (
    MissingRule(),
    DatesRule(),
    CoverageLimitsRule(),
    NamesRule(),
    EndorsementsRule(),
    InsurerRule(),
    TermsRule(),
    PropertyTermsRule(),
)
"""The built-in rules in run order (also the order results appear in)."""

__all__ = [
    "DEFAULT_RULES",
    "CoverageLimitsRule",
    "DatesRule",
    "EndorsementsRule",
    "InsurerRule",
    "MissingRule",
    "NamesRule",
    "PropertyTermsRule",
    "TermsRule",
]
