"""Fillable ACORD 28 evidence of property: read into PropertyEvidence through the pipeline."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from coisync.intake.mail import Source
from coisync.intake.pipeline import take_in
from coisync.model import Answer, Party, PartyKind
from coisync.store import Store

# Written by hand (the names intake assumes for ACORD 28, documented in docs/intake.md).
FIELDS = {
    "Producer_FullName_A": "Keystone Risk Partners LLC",
    "Insurer_FullName_A": "Zurich American Insurance Co",
    "Insurer_NAICCode_A": "16535",
    "Policy_PolicyNumberIdentifier_A": "CPP 4455667",
    "Policy_EffectiveDate_A": "3/1/26",
    "Policy_ExpirationDate_A": "2027-03-01",
    "NamedInsured_FullName_A": "Granite Bistro Holdings LLC",
    "NamedInsured_MailingAddress_LineOne_A": "9 Elm Ave",
    "NamedInsured_MailingAddress_LineTwo_A": "Austin, TX 78701",
    "Property_LocationDescription_A": "Unit 4, 9 Elm Ave: tenant improvements and contents",
    "Property_AmountOfInsurance_LimitAmount_A": "$2,500,000",
    "Property_Deductible_Amount_A": "10K",
    "AdditionalInterest_FullName_A": "First Harbor Bank NA",
    "AdditionalInterest_LoanNumberIdentifier_A": "LN-8812",
    "PropertyCoverage_Flood_ResponseCode_A": "Y",
    "PropertyCoverage_Flood_LimitAmount_A": "1M",
    "PropertyCoverage_EarthMovement_ResponseCode_A": "N",
    "PropertyCoverage_ReplacementCost_ResponseCode_A": "Yes",
}
CHECKED = ("Property_BusinessPersonalPropertyIndicator_A", "Property_CausesOfLoss_SpecialIndicator_A",
           "AdditionalInterest_MortgageeIndicator_A")  # fmt: skip


def _acord28() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for index, (name, value) in enumerate(FIELDS.items()):
        pdf.acroForm.textfield(name=name, value=value, x=30, y=740 - 20 * index, width=300, height=14)
    for index, name in enumerate(CHECKED):
        pdf.acroForm.checkbox(name=name, checked=True, x=400, y=740 - 20 * index, size=10)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_fillable_acord28_becomes_property_evidence(store: Store) -> None:
    store.upsert("party", [Party(id="T-9", kind=PartyKind.TENANT, legal_name="Granite Bistro Holdings, LLC")])
    result = take_in(store, Source("evidence.pdf", _acord28()))
    assert (result.status, result.form, result.record_id) == ("trusted", "acord28", "T-9:acord28"), (
        result.reasons
    )
    evidence = store.get_evidence("T-9:acord28")
    assert evidence is not None
    assert (evidence.insurer_name, evidence.insurer_naic) == ("Zurich American Insurance Co", "16535")
    assert (evidence.effective_date, evidence.expiration_date) == (date(2026, 3, 1), date(2027, 3, 1))
    assert evidence.insured.address == "9 Elm Ave, Austin, TX 78701"
    assert evidence.subject == "business_personal_property" and evidence.perils == "special"
    assert evidence.amount_of_insurance is not None and evidence.amount_of_insurance.amount == Decimal(
        2_500_000
    )
    assert evidence.deductible is not None and evidence.deductible.amount == Decimal(10_000)
    flood = evidence.row("flood")
    assert flood.answer is Answer.YES and flood.limit is not None and flood.limit.amount == Decimal(1_000_000)
    assert evidence.row("earth_movement").answer is Answer.NO
    assert evidence.row("replacement_cost").answer is Answer.YES
    assert evidence.row("terrorism").answer is Answer.NA
    assert evidence.additional_interest is not None
    assert (evidence.additional_interest.interest, evidence.additional_interest.loan_number) == (
        "mortgagee",
        "LN-8812",
    )
