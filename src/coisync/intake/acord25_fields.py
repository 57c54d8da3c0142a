"""AcroForm field names of the fillable ACORD 25 (2016/03) and the certificate field each carries.

Keys are coisync's own field keys (see ``docs/intake.md``): certificate fields (``issue_date``,
``insured.name``), insurer rows (``insurer.B.naic``) and grid rows by line prefix (``gl``,
``auto``, ``umbrella``, ``wc``, ``other``) with limits under ``<line>.limit.<canonical key>``.
Only names are listed here; no form text. Two fields giving one key (address lines) carry a
``part`` number and are joined in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from coisync.intake.values import PARSERS


@dataclass(frozen=True, slots=True)
class FormField:
    """One AcroForm field: its name, the key it fills, the kind of value and its part number."""

    name: str
    key: str
    kind: str
    part: int = 0


def _f(name: str, key: str, kind: str = "text", part: int = 0) -> FormField:
    if kind not in PARSERS:
        raise ValueError(f"unknown value kind {kind!r}")
    return FormField(name, key, kind, part)


def _line(
    prefix: str, letter: str, number: str, effective: str, expiration: str, ai: str | None, wvd: str
) -> list[FormField]:
    fields = [
        _f(letter, f"{prefix}.insurer_letter", "letter"),
        _f(number, f"{prefix}.policy_number"),
        _f(effective, f"{prefix}.effective_date", "date"),
        _f(expiration, f"{prefix}.expiration_date", "date"),
        _f(wvd, f"{prefix}.subrogation_waived", "yes_no"),
    ]
    if ai is not None:
        fields.append(_f(ai, f"{prefix}.additional_insured", "yes_no"))
    return fields


_HEADER = [
    _f("Form_CompletionDate_A", "issue_date", "date"),
    _f("CertificateOfInsurance_CertificateNumberIdentifier_A", "certificate_number"),
    _f("Producer_FullName_A", "producer.name"),
    _f("Producer_MailingAddress_LineOne_A", "producer.address", part=0),
    _f("Producer_MailingAddress_LineTwo_A", "producer.address", part=1),
    _f("Producer_ContactPerson_FullName_A", "producer.contact"),
    _f("Producer_ContactPerson_PhoneNumber_A", "producer.phone"),
    _f("Producer_ContactPerson_EmailAddress_A", "producer.email"),
    _f("NamedInsured_FullName_A", "insured.name"),
    _f("NamedInsured_MailingAddress_LineOne_A", "insured.address", part=0),
    _f("NamedInsured_MailingAddress_LineTwo_A", "insured.address", part=1),
    _f("CertificateHolder_FullName_A", "holder.name"),
    _f("CertificateHolder_MailingAddress_LineOne_A", "holder.address", part=0),
    _f("CertificateHolder_MailingAddress_LineTwo_A", "holder.address", part=1),
    _f("CertificateOfLiabilityInsurance_ACORDForm_RemarkText_A", "description"),
]

_INSURERS = [
    field
    for letter in "ABCDEF"
    for field in (
        _f(f"Insurer_FullName_{letter}", f"insurer.{letter}.name"),
        _f(f"Insurer_NAICCode_{letter}", f"insurer.{letter}.naic", "naic"),
    )
]

_GL = [
    *_line(
        "gl",
        "GeneralLiability_InsurerLetterCode_A",
        "Policy_GeneralLiability_PolicyNumberIdentifier_A",
        "Policy_GeneralLiability_EffectiveDate_A",
        "Policy_GeneralLiability_ExpirationDate_A",
        "CertificateOfInsurance_GeneralLiability_AdditionalInsuredCode_A",
        "Policy_GeneralLiability_SubrogationWaivedCode_A",
    ),
    _f("GeneralLiability_OccurrenceIndicator_A", "gl.occurrence", "check"),
    _f("GeneralLiability_ClaimsMadeIndicator_A", "gl.claims_made", "check"),
    _f(
        "GeneralLiability_GeneralAggregate_LimitAppliesPerPolicyIndicator_A",
        "gl.aggregate_per.policy",
        "check",
    ),
    _f(
        "GeneralLiability_GeneralAggregate_LimitAppliesPerProjectIndicator_A",
        "gl.aggregate_per.project",
        "check",
    ),
    _f(
        "GeneralLiability_GeneralAggregate_LimitAppliesPerLocationIndicator_A",
        "gl.aggregate_per.location",
        "check",
    ),
    _f("GeneralLiability_GeneralAggregate_LimitAppliesToOtherIndicator_A", "gl.aggregate_per.other", "check"),
    _f("GeneralLiability_EachOccurrence_LimitAmount_A", "gl.limit.each_occurrence", "money"),
    _f(
        "GeneralLiability_FireDamageRentedPremises_EachOccurrenceLimitAmount_A",
        "gl.limit.damage_to_rented_premises",
        "money",
    ),
    _f("GeneralLiability_MedicalExpense_EachPersonLimitAmount_A", "gl.limit.medical_expense", "money"),
    _f(
        "GeneralLiability_PersonalAndAdvertisingInjury_LimitAmount_A",
        "gl.limit.personal_advertising_injury",
        "money",
    ),
    _f("GeneralLiability_GeneralAggregate_LimitAmount_A", "gl.limit.general_aggregate", "money"),
    _f(
        "GeneralLiability_ProductsAndCompletedOperations_AggregateLimitAmount_A",
        "gl.limit.products_completed_ops_aggregate",
        "money",
    ),
]

_AUTO = [
    *_line(
        "auto",
        "Vehicle_InsurerLetterCode_A",
        "Policy_AutomobileLiability_PolicyNumberIdentifier_A",
        "Policy_AutomobileLiability_EffectiveDate_A",
        "Policy_AutomobileLiability_ExpirationDate_A",
        "CertificateOfInsurance_AutomobileLiability_AdditionalInsuredCode_A",
        "Policy_AutomobileLiability_SubrogationWaivedCode_A",
    ),
    _f("Vehicle_AnyAutoIndicator_A", "auto.symbol.any_auto", "check"),
    _f("Vehicle_AllOwnedAutosIndicator_A", "auto.symbol.owned", "check"),
    _f("Vehicle_ScheduledAutosIndicator_A", "auto.symbol.scheduled", "check"),
    _f("Vehicle_HiredAutosIndicator_A", "auto.symbol.hired", "check"),
    _f("Vehicle_NonOwnedAutosIndicator_A", "auto.symbol.non_owned", "check"),
    _f("Vehicle_CombinedSingleLimit_EachAccidentAmount_A", "auto.limit.combined_single_limit", "money"),
    _f("Vehicle_BodilyInjury_PerPersonLimitAmount_A", "auto.limit.bodily_injury_per_person", "money"),
    _f("Vehicle_BodilyInjury_PerAccidentLimitAmount_A", "auto.limit.bodily_injury_per_accident", "money"),
    _f("Vehicle_PropertyDamage_PerAccidentLimitAmount_A", "auto.limit.property_damage", "money"),
]

_UMBRELLA = [
    *_line(
        "umbrella",
        "ExcessUmbrella_InsurerLetterCode_A",
        "Policy_ExcessLiability_PolicyNumberIdentifier_A",
        "Policy_ExcessLiability_EffectiveDate_A",
        "Policy_ExcessLiability_ExpirationDate_A",
        "CertificateOfInsurance_ExcessLiability_AdditionalInsuredCode_A",
        "Policy_ExcessLiability_SubrogationWaivedCode_A",
    ),
    _f("Policy_PolicyType_UmbrellaIndicator_A", "umbrella.is_umbrella", "check"),
    _f("Policy_PolicyType_ExcessIndicator_A", "umbrella.is_excess", "check"),
    _f("ExcessUmbrella_OccurrenceIndicator_A", "umbrella.occurrence", "check"),
    _f("ExcessUmbrella_ClaimsMadeIndicator_A", "umbrella.claims_made", "check"),
    _f("ExcessUmbrella_DeductibleIndicator_A", "umbrella.deductible_marked", "check"),
    _f("ExcessUmbrella_RetentionIndicator_A", "umbrella.retention_marked", "check"),
    _f("ExcessUmbrella_Umbrella_DeductibleOrRetentionAmount_A", "umbrella.retention_amount", "money"),
    _f("ExcessUmbrella_Umbrella_EachOccurrenceAmount_A", "umbrella.limit.each_occurrence", "money"),
    _f("ExcessUmbrella_Umbrella_AggregateAmount_A", "umbrella.limit.aggregate", "money"),
]

_WC = [
    *_line(
        "wc",
        "WorkersCompensationEmployersLiability_InsurerLetterCode_A",
        "Policy_WorkersCompensationAndEmployersLiability_PolicyNumberIdentifier_A",
        "Policy_WorkersCompensationAndEmployersLiability_EffectiveDate_A",
        "Policy_WorkersCompensationAndEmployersLiability_ExpirationDate_A",
        None,
        "Policy_WorkersCompensation_SubrogationWaivedCode_A",
    ),
    _f(
        "WorkersCompensationEmployersLiability_WorkersCompensationStatutoryLimitIndicator_A",
        "wc.per_statute",
        "check",
    ),
    _f(
        "WorkersCompensationEmployersLiability_AnyPersonsExcludedIndicator_A",
        "wc.officers_excluded",
        "yes_no",
    ),
    _f(
        "WorkersCompensationEmployersLiability_EmployersLiability_EachAccidentLimitAmount_A",
        "wc.limit.el_each_accident",
        "money",
    ),
    _f(
        "WorkersCompensationEmployersLiability_EmployersLiability_DiseaseEachEmployeeLimitAmount_A",
        "wc.limit.el_disease_each_employee",
        "money",
    ),
    _f(
        "WorkersCompensationEmployersLiability_EmployersLiability_DiseasePolicyLimitAmount_A",
        "wc.limit.el_disease_policy_limit",
        "money",
    ),
]

_OTHER = [
    *_line(
        "other",
        "OtherPolicy_InsurerLetterCode_A",
        "OtherPolicy_PolicyNumberIdentifier_A",
        "OtherPolicy_PolicyEffectiveDate_A",
        "OtherPolicy_PolicyExpirationDate_A",
        "CertificateOfInsurance_OtherPolicy_AdditionalInsuredCode_A",
        "OtherPolicy_SubrogationWaivedCode_A",
    ),
    _f("OtherPolicy_OtherPolicyDescription_A", "other.type"),
    *(
        field
        for slot in "ABC"
        for field in (
            _f(f"OtherPolicy_CoverageCode_{slot}", f"other.limit_label.{slot}"),
            _f(f"OtherPolicy_CoverageLimitAmount_{slot}", f"other.limit_amount.{slot}", "money"),
        )
    ),
]

ACORD25_FIELDS: tuple[FormField, ...] = (*_HEADER, *_INSURERS, *_GL, *_AUTO, *_UMBRELLA, *_WC, *_OTHER)
"""Every AcroForm field intake reads from a fillable ACORD 25."""

ACORD25_BY_NAME: dict[str, FormField] = {field.name: field for field in ACORD25_FIELDS}

ACORD25_KINDS: dict[str, str] = {field.key: field.kind for field in ACORD25_FIELDS}
"""Value kind of every ACORD 25 field key."""

LINE_PREFIXES: dict[str, str] = {
    "gl": "general_liability",
    "auto": "auto_liability",
    "umbrella": "umbrella",
    "wc": "workers_compensation",
    "other": "other",
}
"""Grid row prefix to coverage type (umbrella becomes excess_liability when marked excess)."""

SIGNATURE_FIELDS = frozenset({"NamedInsured_FullName_A", "Policy_GeneralLiability_PolicyNumberIdentifier_A"})
"""Fields whose presence identifies a fillable ACORD 25."""
