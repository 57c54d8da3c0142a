"""The stable finding codes, their default severities and one-line meanings.

A code names a check by the way it fails: a result with code ``limit_insufficient`` and outcome
``pass`` says the limit was checked and met. docs/compliance.md documents every code.
"""

from __future__ import annotations

from enum import StrEnum

from coisync.model import Severity


class FindingCode(StrEnum):
    """Every finding code the built-in rules produce."""

    CERTIFICATE_MISSING = "certificate_missing"
    COVERAGE_MISSING = "coverage_missing"
    LIMIT_INSUFFICIENT = "limit_insufficient"
    LIMIT_NOT_SHOWN = "limit_not_shown"
    POLICY_EXPIRED = "policy_expired"
    POLICY_EXPIRING = "policy_expiring"
    POLICY_NOT_YET_EFFECTIVE = "policy_not_yet_effective"
    COVERAGE_GAP = "coverage_gap"
    EXPIRATION_UNKNOWN = "expiration_unknown"
    HOLDER_MISMATCH = "holder_mismatch"
    ADDITIONAL_INSURED_MISSING = "additional_insured_missing"
    WAIVER_OF_SUBROGATION_MISSING = "waiver_of_subrogation_missing"
    PRIMARY_NONCONTRIBUTORY_MISSING = "primary_noncontributory_missing"
    NOTICE_OF_CANCELLATION_INSUFFICIENT = "notice_of_cancellation_insufficient"
    INSURER_RATING_INSUFFICIENT = "insurer_rating_insufficient"
    INSURER_RATING_UNKNOWN = "insurer_rating_unknown"
    DEDUCTIBLE_EXCEEDS_MAXIMUM = "deductible_exceeds_maximum"
    CLAIMS_MADE_NOT_ACCEPTED = "claims_made_not_accepted"
    PROPERTY_PERILS_INSUFFICIENT = "property_perils_insufficient"
    PROPERTY_VALUATION_INSUFFICIENT = "property_valuation_insufficient"
    PROPERTY_COINSURANCE_EXCEEDS_MAXIMUM = "property_coinsurance_exceeds_maximum"
    PROPERTY_BUSINESS_INCOME_MISSING = "property_business_income_missing"
    PROPERTY_ROW_MISSING = "property_row_missing"


SEVERITY: dict[FindingCode, Severity] = {
    FindingCode.CERTIFICATE_MISSING: Severity.CRITICAL,
    FindingCode.COVERAGE_MISSING: Severity.HIGH,
    FindingCode.LIMIT_INSUFFICIENT: Severity.HIGH,
    FindingCode.LIMIT_NOT_SHOWN: Severity.MEDIUM,
    FindingCode.POLICY_EXPIRED: Severity.CRITICAL,
    FindingCode.POLICY_EXPIRING: Severity.LOW,
    FindingCode.POLICY_NOT_YET_EFFECTIVE: Severity.HIGH,
    FindingCode.COVERAGE_GAP: Severity.MEDIUM,
    FindingCode.EXPIRATION_UNKNOWN: Severity.MEDIUM,
    FindingCode.HOLDER_MISMATCH: Severity.MEDIUM,
    FindingCode.ADDITIONAL_INSURED_MISSING: Severity.HIGH,
    FindingCode.WAIVER_OF_SUBROGATION_MISSING: Severity.MEDIUM,
    FindingCode.PRIMARY_NONCONTRIBUTORY_MISSING: Severity.MEDIUM,
    FindingCode.NOTICE_OF_CANCELLATION_INSUFFICIENT: Severity.MEDIUM,
    FindingCode.INSURER_RATING_INSUFFICIENT: Severity.MEDIUM,
    FindingCode.INSURER_RATING_UNKNOWN: Severity.MEDIUM,
    FindingCode.DEDUCTIBLE_EXCEEDS_MAXIMUM: Severity.MEDIUM,
    FindingCode.CLAIMS_MADE_NOT_ACCEPTED: Severity.HIGH,
    FindingCode.PROPERTY_PERILS_INSUFFICIENT: Severity.MEDIUM,
    FindingCode.PROPERTY_VALUATION_INSUFFICIENT: Severity.MEDIUM,
    FindingCode.PROPERTY_COINSURANCE_EXCEEDS_MAXIMUM: Severity.MEDIUM,
    FindingCode.PROPERTY_BUSINESS_INCOME_MISSING: Severity.MEDIUM,
    FindingCode.PROPERTY_ROW_MISSING: Severity.MEDIUM,
}
"""Default severity of each code's failing or unverified result."""

MEANING: dict[FindingCode, str] = {
    FindingCode.CERTIFICATE_MISSING: "No certificate and no property evidence at all, while requirements apply",
    FindingCode.COVERAGE_MISSING: "A required coverage appears on no certificate (or no ACORD 28 for property)",
    FindingCode.LIMIT_INSUFFICIENT: "A limit is below the required minimum, even with any allowed umbrella",
    FindingCode.LIMIT_NOT_SHOWN: "The in-force line does not show a required limit (thin data)",
    FindingCode.POLICY_EXPIRED: "Every line of a required coverage has expired",
    FindingCode.POLICY_EXPIRING: "The in-force line expires inside an expiring window (30/60/90 days)",
    FindingCode.POLICY_NOT_YET_EFFECTIVE: "The only lines of a required coverage start after the day judged",
    FindingCode.COVERAGE_GAP: "A day or more without coverage between a policy and its renewal",
    FindingCode.EXPIRATION_UNKNOWN: "The in-force line shows no expiration date",
    FindingCode.HOLDER_MISMATCH: "The certificate holder is not the required holder (or is not shown)",
    FindingCode.ADDITIONAL_INSURED_MISSING: "A required additional insured is not named for the coverage and operations",
    FindingCode.WAIVER_OF_SUBROGATION_MISSING: "No evidence of the required waiver of subrogation",
    FindingCode.PRIMARY_NONCONTRIBUTORY_MISSING: "No evidence of the required primary and non-contributory wording",
    FindingCode.NOTICE_OF_CANCELLATION_INSUFFICIENT: "Notice of cancellation shorter than required (or not shown)",
    FindingCode.INSURER_RATING_INSUFFICIENT: "The insurer's AM Best rating or size class is below the minimum",
    FindingCode.INSURER_RATING_UNKNOWN: "The insurer's rating could not be looked up",
    FindingCode.DEDUCTIBLE_EXCEEDS_MAXIMUM: "The deductible or self-insured retention is above the cap",
    FindingCode.CLAIMS_MADE_NOT_ACCEPTED: "A claims-made policy where an occurrence form is required",
    FindingCode.PROPERTY_PERILS_INSUFFICIENT: "Causes of loss narrower than required (basic < broad < special)",
    FindingCode.PROPERTY_VALUATION_INSUFFICIENT: "Not valued at replacement cost (or agreed value) as required",
    FindingCode.PROPERTY_COINSURANCE_EXCEEDS_MAXIMUM: "A coinsurance percentage above the allowed maximum",
    FindingCode.PROPERTY_BUSINESS_INCOME_MISSING: "Business income / rental value not evidenced as required",
    FindingCode.PROPERTY_ROW_MISSING: "A required ACORD 28 row (e.g. flood) not answered yes or below its limit",
}
"""One-line meaning of each code (shown by ``coisync requirements`` and the docs)."""
