"""The one vocabulary of coverage types and limit keys.

Templates, mappings, findings and canonical JSON all use these names. A coverage type that
is not listed here is kept exactly as given (never dropped); :func:`is_known_coverage` tells
the two apart. Limit keys outside a coverage's list are written ``other:<label>``.
"""

from __future__ import annotations

from enum import StrEnum


class CoverageType(StrEnum):
    """Coverage types with a meaning coisync knows. Others are kept as plain strings."""

    GENERAL_LIABILITY = "general_liability"
    AUTO_LIABILITY = "auto_liability"
    UMBRELLA = "umbrella"
    EXCESS_LIABILITY = "excess_liability"
    WORKERS_COMPENSATION = "workers_compensation"
    PROPERTY = "property"
    PROFESSIONAL_LIABILITY = "professional_liability"
    LIQUOR_LIABILITY = "liquor_liability"
    CYBER = "cyber"
    POLLUTION_LIABILITY = "pollution_liability"


KNOWN_COVERAGE_TYPES: frozenset[str] = frozenset(c.value for c in CoverageType)

STACKING_COVERAGE_TYPES: frozenset[str] = frozenset(
    {CoverageType.UMBRELLA.value, CoverageType.EXCESS_LIABILITY.value}
)
"""Lines that may sit over other lines and fill their shortfall when a requirement allows."""

LIMIT_KEYS: dict[str, tuple[str, ...]] = {
    CoverageType.GENERAL_LIABILITY: (
        "each_occurrence",
        "damage_to_rented_premises",
        "medical_expense",
        "personal_advertising_injury",
        "general_aggregate",
        "products_completed_ops_aggregate",
    ),
    CoverageType.AUTO_LIABILITY: (
        "combined_single_limit",
        "bodily_injury_per_person",
        "bodily_injury_per_accident",
        "property_damage",
    ),
    CoverageType.UMBRELLA: ("each_occurrence", "aggregate"),
    CoverageType.EXCESS_LIABILITY: ("each_occurrence", "aggregate"),
    CoverageType.WORKERS_COMPENSATION: (
        "el_each_accident",
        "el_disease_each_employee",
        "el_disease_policy_limit",
    ),
    CoverageType.PROPERTY: (
        "building",
        "business_personal_property",
        "business_income",
        "tenant_improvements",
    ),
    CoverageType.PROFESSIONAL_LIABILITY: ("each_claim", "aggregate"),
    CoverageType.LIQUOR_LIABILITY: ("each_occurrence", "aggregate"),
    CoverageType.CYBER: ("each_claim", "aggregate"),
    CoverageType.POLLUTION_LIABILITY: ("each_occurrence", "each_claim", "aggregate"),
}
"""Standard limit keys per coverage type, in the order a certificate prints them."""

OTHER_LIMIT_PREFIX = "other:"

COVERAGE_TITLES: dict[str, str] = {
    CoverageType.GENERAL_LIABILITY: "General liability",
    CoverageType.AUTO_LIABILITY: "Auto liability",
    CoverageType.UMBRELLA: "Umbrella liability",
    CoverageType.EXCESS_LIABILITY: "Excess liability",
    CoverageType.WORKERS_COMPENSATION: "Workers compensation and employers liability",
    CoverageType.PROPERTY: "Property",
    CoverageType.PROFESSIONAL_LIABILITY: "Professional liability (E&O)",
    CoverageType.LIQUOR_LIABILITY: "Liquor liability",
    CoverageType.CYBER: "Cyber liability",
    CoverageType.POLLUTION_LIABILITY: "Pollution liability",
}


def is_known_coverage(coverage_type: str) -> bool:
    """True when coisync knows what this coverage type means."""
    return coverage_type in KNOWN_COVERAGE_TYPES


def is_valid_limit_key(coverage_type: str, key: str) -> bool:
    """True for a standard key of the coverage, or any ``other:<label>`` key."""
    if key.startswith(OTHER_LIMIT_PREFIX) and len(key) > len(OTHER_LIMIT_PREFIX):
        return True
    if not is_known_coverage(coverage_type):
        return True
    return key in LIMIT_KEYS[coverage_type]


def coverage_title(coverage_type: str) -> str:
    """A human title for a coverage type; unknown types are shown as given."""
    return COVERAGE_TITLES.get(coverage_type, coverage_type.replace("_", " ").capitalize())


def limit_title(key: str) -> str:
    """A human title for a limit key."""
    if key.startswith(OTHER_LIMIT_PREFIX):
        return key[len(OTHER_LIMIT_PREFIX) :]
    return key.replace("_", " ").replace(" el ", " E.L. ").capitalize()
