"""AcroForm field names intake reads from a fillable ACORD 28 (2016/03) evidence of property.

These names are **assumed**: they follow the naming style of the ACORD 25 form fields
(``Entity_Attribute_Suffix``) because no authoritative inventory of the ACORD 28 field names was
available; ``docs/intake.md`` lists them. Keys mirror :class:`~coisync.model.PropertyEvidence`;
grid rows are ``row.<key>.answer|limit|deductible`` with the row keys of the model.
"""

from __future__ import annotations

from coisync.intake.acord25_fields import FormField
from coisync.model.evidence import EVIDENCE_ROWS


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


_HEAD: tuple[FormField, ...] = (
    FormField("Form_CompletionDate_A", "issue_date", "date"),
    FormField("Producer_FullName_A", "producer.name", "text"),
    FormField("Producer_MailingAddress_LineOne_A", "producer.address", "text", 0),
    FormField("Producer_MailingAddress_LineTwo_A", "producer.address", "text", 1),
    FormField("Producer_ContactPerson_FullName_A", "producer.contact", "text"),
    FormField("Producer_ContactPerson_PhoneNumber_A", "producer.phone", "text"),
    FormField("Producer_ContactPerson_EmailAddress_A", "producer.email", "text"),
    FormField("Insurer_FullName_A", "insurer.name", "text"),
    FormField("Insurer_NAICCode_A", "insurer.naic", "naic"),
    FormField("Policy_PolicyNumberIdentifier_A", "policy_number", "text"),
    FormField("Policy_EffectiveDate_A", "effective_date", "date"),
    FormField("Policy_ExpirationDate_A", "expiration_date", "date"),
    FormField("Policy_ContinuedUntilTerminatedIndicator_A", "continued_until_terminated", "check"),
    FormField("Policy_ReplacesPriorEvidenceDate_A", "replaces_evidence_dated", "date"),
    FormField("NamedInsured_FullName_A", "insured.name", "text"),
    FormField("NamedInsured_MailingAddress_LineOne_A", "insured.address", "text", 0),
    FormField("NamedInsured_MailingAddress_LineTwo_A", "insured.address", "text", 1),
    FormField("Property_LocationDescription_A", "property_description", "text"),
    FormField("Property_BuildingIndicator_A", "subject.building", "check"),
    FormField("Property_BusinessPersonalPropertyIndicator_A", "subject.business_personal_property", "check"),
    FormField("Property_CausesOfLoss_BasicIndicator_A", "perils.basic", "check"),
    FormField("Property_CausesOfLoss_BroadIndicator_A", "perils.broad", "check"),
    FormField("Property_CausesOfLoss_SpecialIndicator_A", "perils.special", "check"),
    FormField("Property_AmountOfInsurance_LimitAmount_A", "amount_of_insurance", "money"),
    FormField("Property_Deductible_Amount_A", "deductible", "money"),
    FormField("AdditionalInterest_FullName_A", "interest.name", "text"),
    FormField("AdditionalInterest_MailingAddress_LineOne_A", "interest.address", "text", 0),
    FormField("AdditionalInterest_MailingAddress_LineTwo_A", "interest.address", "text", 1),
    FormField("AdditionalInterest_LoanNumberIdentifier_A", "interest.loan_number", "text"),
    FormField("AdditionalInterest_MortgageeIndicator_A", "interest.mortgagee", "check"),
    FormField("AdditionalInterest_LendersLossPayableIndicator_A", "interest.lenders_loss_payable", "check"),
    FormField("AdditionalInterest_LossPayeeIndicator_A", "interest.loss_payee", "check"),
    FormField("AdditionalInterest_ContractOfSaleIndicator_A", "interest.contract_of_sale", "check"),
    FormField("EvidenceOfProperty_RemarkText_A", "remarks", "text"),
)

_ROWS: tuple[FormField, ...] = tuple(
    field
    for row in EVIDENCE_ROWS
    for field in (
        FormField(f"PropertyCoverage_{_camel(row)}_ResponseCode_A", f"row.{row}.answer", "answer"),
        FormField(f"PropertyCoverage_{_camel(row)}_LimitAmount_A", f"row.{row}.limit", "money"),
        FormField(f"PropertyCoverage_{_camel(row)}_DeductibleAmount_A", f"row.{row}.deductible", "money"),
    )
)

ACORD28_FIELDS: tuple[FormField, ...] = (*_HEAD, *_ROWS)
"""Every (assumed) AcroForm field intake reads from a fillable ACORD 28."""

ACORD28_BY_NAME: dict[str, FormField] = {
    f.name: f
    for f in ACORD28_FIELDS
    if f.name.startswith(("Property", "AdditionalInterest", "Policy_", "EvidenceOf"))
}
"""Names that tell an ACORD 28 apart (the producer and insured names are shared with ACORD 25)."""

ACORD28_KINDS: dict[str, str] = {f.key: f.kind for f in ACORD28_FIELDS}
"""Value kind of every ACORD 28 field key."""
