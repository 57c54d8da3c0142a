"""Generated certificate corpus for intake tests and the intake bench.

Every certificate is described by hand-written *meanings* (``insured_name``, ``gl_each_occurrence``
...) with the value a correct reader must produce; the PDFs are rendered from those meanings in
varied spellings (money as ``$1,000,000``, ``1M``, ``2MM``, ``500K``; dates as ``MM/DD/YYYY``,
``M/D/YY`` or ISO; marks as ``X``, ``Y``, ``1``, ``On``). Nothing here reads coisync's own field
tables: the AcroForm names below are written out by hand, and :func:`meanings_of` reads a
:class:`~coisync.model.Certificate` back into meanings so tests compare like with like.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from coisync.model import Certificate

Meanings = dict[str, Any]

NAMES = [
    "Acme Mechanical LLC",
    "Brightline Janitorial Inc.",
    "Cobalt Roofing & Sheet Metal Co.",
    "Delta Elevator Services Corp",
    "Evergreen Landscaping LLC",
    "Foxtrot Fire Protection Inc",
    "Granite Bistro Holdings LLC",
    "Harbor Plumbing Company",
    "Ironwood Electrical Contractors LLC",
    "Juniper Security Group Inc.",
]
PRODUCERS = ["Marsh Street Insurance Agency", "Keystone Risk Partners LLC", "Pioneer Brokerage Inc"]
INSURERS = [
    ("Travelers Property Casualty Co of America", "25674"),
    ("Hartford Fire Insurance Company", "19682"),
    ("Zurich American Insurance Co", "16535"),
    ("Liberty Mutual Fire Insurance Co", "23035"),
    ("Great American Insurance Co", "16691"),
]
HOLDERS = ["Riverside Owner II LLC", "Main Street Plaza LP", "Harborview Tower Owner LLC"]
STREETS = ["100 Main St", "2500 Market Street Suite 400", "77 Industrial Pkwy", "9 Elm Ave Floor 2"]
CITIES = ["Springfield, IL 62701", "Chicago, IL 60606", "Austin, TX 78701", "Newark, NJ 07102"]
DESCRIPTIONS = [
    "Certificate holder is included as additional insured per CG 20 10 04 13 and CG 20 37 04 13 "
    "when required by written contract. Waiver of subrogation applies per CG 24 04. Coverage is "
    "primary and non-contributory. 30 days notice of cancellation.",
    "Re: HVAC maintenance at all locations. Additional insured status applies to ongoing and "
    "completed operations. Thirty (30) days notice of cancellation except 10 days for non-payment.",
    "Janitorial services. Holder is additional insured on general liability per CG 20 11.",
    "",
]


def money_spellings(amount: int) -> list[str]:
    """Every way the corpus may print an amount."""
    spellings = [f"${amount:,}", f"{amount:,}", f"${amount:,}.00"]
    if amount % 1_000_000 == 0:
        spellings += [f"{amount // 1_000_000}M", f"{amount // 1_000_000}MM"]
    elif amount % 1_000 == 0:
        spellings.append(f"{amount // 1_000}K")
    return spellings


def date_spellings(day: date) -> list[str]:
    """Every way the corpus may print a date."""
    return [
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{day.month}/{day.day}/{day.year % 100:02d}",
        day.isoformat(),
    ]


def make_meanings(seed: int) -> Meanings:
    """One certificate's true content, chosen from the seed."""
    rng = random.Random(seed)
    issue = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
    effective = issue - timedelta(days=rng.randrange(10, 200))
    expiration = effective.replace(year=effective.year + 1)
    insurers = rng.sample(INSURERS, 4)
    m: Meanings = {
        "issue_date": issue,
        "certificate_number": f"{rng.randrange(10**7, 10**8)}",
        "producer_name": rng.choice(PRODUCERS),
        "producer_contact": rng.choice(["Dana Whitfield", "Sam Ortega", "Lee Park"]),
        "producer_phone": f"(312) 555-{rng.randrange(1000, 9999)}",
        "producer_email": f"certs{seed}@broker.example",
        "insured_name": NAMES[seed % len(NAMES)],
        "insured_address": f"{rng.choice(STREETS)}, {rng.choice(CITIES)}",
        "holder_name": rng.choice(HOLDERS),
        "holder_address": f"{rng.choice(STREETS)}, {rng.choice(CITIES)}",
        "insurer_A_name": insurers[0][0],
        "insurer_A_naic": insurers[0][1],
        "insurer_B_name": insurers[1][0],
        "insurer_B_naic": insurers[1][1],
        "gl_letter": "A",
        "gl_policy": f"GL-{rng.randrange(10**5, 10**6)}-{seed:02d}",
        "gl_eff": effective,
        "gl_exp": expiration,
        "gl_ai": rng.random() < 0.7,
        "gl_wos": rng.random() < 0.5,
        "gl_basis": rng.choice(["occurrence", "claims_made"]),
        "gl_agg_per": rng.choice(["policy", "project", "location"]),
        "gl_each_occurrence": rng.choice([1_000_000, 2_000_000]),
        "gl_rented": rng.choice([100_000, 300_000, 500_000]),
        "gl_med": rng.choice([5_000, 10_000]),
        "gl_pai": 1_000_000,
        "gl_aggregate": rng.choice([2_000_000, 4_000_000]),
        "gl_products": 2_000_000,
        "description": rng.choice(DESCRIPTIONS),
    }
    if rng.random() < 0.7:
        m.update(
            auto_letter="B",
            auto_policy=f"BA {rng.randrange(10**6, 10**7)}",
            auto_eff=effective,
            auto_exp=expiration,
            auto_ai=rng.random() < 0.5,
            auto_wos=False,
            auto_symbols=rng.choice([("any_auto",), ("hired", "non_owned"), ("owned", "hired", "non_owned")]),
            auto_csl=1_000_000,
        )
    if rng.random() < 0.6:
        m.update(
            umb_kind=rng.choice(["umbrella", "excess_liability"]),
            umb_letter="A",
            umb_policy=f"UMB{rng.randrange(10**6, 10**7)}",
            umb_eff=effective,
            umb_exp=expiration,
            umb_basis="occurrence",
            umb_each=rng.choice([1_000_000, 5_000_000]),
            umb_agg=rng.choice([1_000_000, 5_000_000]),
            umb_retention=rng.choice([10_000, 0]) or None,
        )
    if rng.random() < 0.7:
        m.update(
            wc_letter="B",
            wc_policy=f"WC-{rng.randrange(10**6, 10**7)}",
            wc_eff=effective,
            wc_exp=expiration,
            wc_wos=rng.random() < 0.5,
            wc_statutory=True,
            wc_excluded=False,
            wc_each_accident=rng.choice([500_000, 1_000_000]),
            wc_disease_employee=rng.choice([500_000, 1_000_000]),
            wc_disease_policy=rng.choice([500_000, 1_000_000]),
        )
    if rng.random() < 0.3:
        m.update(
            other_type="Professional Liability",
            other_letter="A",
            other_policy=f"PL{rng.randrange(10**5, 10**6)}",
            other_eff=effective,
            other_exp=expiration,
            other_limit_label="Each Claim",
            other_limit=1_000_000,
        )
    return m


def meanings_of(cert: Certificate) -> Meanings:
    """Read a certificate back into meanings (written independently of intake's field tables)."""
    m: Meanings = {
        "issue_date": cert.issue_date,
        "certificate_number": cert.certificate_number,
        "insured_name": cert.insured.name,
        "insured_address": cert.insured.address,
        "description": cert.description_of_operations or "",
    }
    if cert.producer:
        m.update(
            producer_name=cert.producer.name,
            producer_contact=cert.producer.contact,
            producer_phone=cert.producer.phone,
            producer_email=cert.producer.email,
        )
    if cert.holder:
        m.update(holder_name=cert.holder.name, holder_address=cert.holder.address)
    for insurer in cert.insurers:
        m[f"insurer_{insurer.letter}_name"] = insurer.name
        m[f"insurer_{insurer.letter}_naic"] = insurer.naic

    def amount(line: Any, key: str) -> int | None:
        money = line.limits.get(key)
        return int(money.amount) if money is not None else None

    for line in cert.lines:
        common = {
            "letter": line.insurer_letter,
            "policy": line.policy_number,
            "eff": line.effective_date,
            "exp": line.expiration_date,
        }
        if line.coverage_type == "general_liability":
            prefix = "gl"
            m.update(
                gl_ai=bool(line.additional_insured),
                gl_wos=bool(line.subrogation_waived),
                gl_basis=line.basis.value if line.basis else None,
                gl_agg_per=line.aggregate_applies_per.value if line.aggregate_applies_per else None,
                gl_each_occurrence=amount(line, "each_occurrence"),
                gl_rented=amount(line, "damage_to_rented_premises"),
                gl_med=amount(line, "medical_expense"),
                gl_pai=amount(line, "personal_advertising_injury"),
                gl_aggregate=amount(line, "general_aggregate"),
                gl_products=amount(line, "products_completed_ops_aggregate"),
            )
        elif line.coverage_type == "auto_liability":
            prefix = "auto"
            m.update(
                auto_ai=bool(line.additional_insured),
                auto_wos=bool(line.subrogation_waived),
                auto_symbols=tuple(line.auto_symbols),
                auto_csl=amount(line, "combined_single_limit"),
            )
        elif line.coverage_type in ("umbrella", "excess_liability"):
            prefix = "umb"
            m.update(
                umb_kind=line.coverage_type,
                umb_basis=line.basis.value if line.basis else None,
                umb_each=amount(line, "each_occurrence"),
                umb_agg=amount(line, "aggregate"),
                umb_retention=int(line.retention.amount) if line.retention else None,
            )
        elif line.coverage_type == "workers_compensation":
            prefix = "wc"
            m.update(
                wc_wos=bool(line.subrogation_waived),
                wc_statutory=line.statutory,
                wc_excluded=line.officers_excluded,
                wc_each_accident=amount(line, "el_each_accident"),
                wc_disease_employee=amount(line, "el_disease_each_employee"),
                wc_disease_policy=amount(line, "el_disease_policy_limit"),
            )
        else:
            prefix = "other"
            label, money = next(iter(line.limits.items()), (None, None))
            m.update(
                other_type=line.label,
                other_limit_label=label,
                other_limit=int(money.amount) if money else None,
            )
        m.update({f"{prefix}_{k}": v for k, v in common.items()})
    return m


def compare(expected: Meanings, actual: Meanings) -> tuple[int, list[str]]:
    """How many expected meanings the actual ones got right, and which were wrong."""
    wrong = []
    for key, want in expected.items():
        got = actual.get(key)
        if key == "other_limit_label":
            got = {"each_claim": "Each Claim"}.get(str(got), got)
        if key == "description":
            want, got = " ".join(str(want).split()), " ".join(str(got or "").split())
        if want != got:
            wrong.append(f"{key}: expected {want!r}, got {got!r}")
    return len(expected) - len(wrong), wrong


# --- fillable rendering ------------------------------------------------------------------------

FILLABLE_TEXT = {
    "issue_date": "Form_CompletionDate_A",
    "certificate_number": "CertificateOfInsurance_CertificateNumberIdentifier_A",
    "producer_name": "Producer_FullName_A",
    "producer_contact": "Producer_ContactPerson_FullName_A",
    "producer_phone": "Producer_ContactPerson_PhoneNumber_A",
    "producer_email": "Producer_ContactPerson_EmailAddress_A",
    "insured_name": "NamedInsured_FullName_A",
    "holder_name": "CertificateHolder_FullName_A",
    "insurer_A_name": "Insurer_FullName_A",
    "insurer_A_naic": "Insurer_NAICCode_A",
    "insurer_B_name": "Insurer_FullName_B",
    "insurer_B_naic": "Insurer_NAICCode_B",
    "gl_letter": "GeneralLiability_InsurerLetterCode_A",
    "gl_policy": "Policy_GeneralLiability_PolicyNumberIdentifier_A",
    "gl_eff": "Policy_GeneralLiability_EffectiveDate_A",
    "gl_exp": "Policy_GeneralLiability_ExpirationDate_A",
    "gl_each_occurrence": "GeneralLiability_EachOccurrence_LimitAmount_A",
    "gl_rented": "GeneralLiability_FireDamageRentedPremises_EachOccurrenceLimitAmount_A",
    "gl_med": "GeneralLiability_MedicalExpense_EachPersonLimitAmount_A",
    "gl_pai": "GeneralLiability_PersonalAndAdvertisingInjury_LimitAmount_A",
    "gl_aggregate": "GeneralLiability_GeneralAggregate_LimitAmount_A",
    "gl_products": "GeneralLiability_ProductsAndCompletedOperations_AggregateLimitAmount_A",
    "auto_letter": "Vehicle_InsurerLetterCode_A",
    "auto_policy": "Policy_AutomobileLiability_PolicyNumberIdentifier_A",
    "auto_eff": "Policy_AutomobileLiability_EffectiveDate_A",
    "auto_exp": "Policy_AutomobileLiability_ExpirationDate_A",
    "auto_csl": "Vehicle_CombinedSingleLimit_EachAccidentAmount_A",
    "umb_letter": "ExcessUmbrella_InsurerLetterCode_A",
    "umb_policy": "Policy_ExcessLiability_PolicyNumberIdentifier_A",
    "umb_eff": "Policy_ExcessLiability_EffectiveDate_A",
    "umb_exp": "Policy_ExcessLiability_ExpirationDate_A",
    "umb_each": "ExcessUmbrella_Umbrella_EachOccurrenceAmount_A",
    "umb_agg": "ExcessUmbrella_Umbrella_AggregateAmount_A",
    "umb_retention": "ExcessUmbrella_Umbrella_DeductibleOrRetentionAmount_A",
    "wc_letter": "WorkersCompensationEmployersLiability_InsurerLetterCode_A",
    "wc_policy": "Policy_WorkersCompensationAndEmployersLiability_PolicyNumberIdentifier_A",
    "wc_eff": "Policy_WorkersCompensationAndEmployersLiability_EffectiveDate_A",
    "wc_exp": "Policy_WorkersCompensationAndEmployersLiability_ExpirationDate_A",
    "wc_each_accident": "WorkersCompensationEmployersLiability_EmployersLiability_EachAccidentLimitAmount_A",
    "wc_disease_employee": "WorkersCompensationEmployersLiability_EmployersLiability_DiseaseEachEmployeeLimitAmount_A",
    "wc_disease_policy": "WorkersCompensationEmployersLiability_EmployersLiability_DiseasePolicyLimitAmount_A",
    "other_type": "OtherPolicy_OtherPolicyDescription_A",
    "other_letter": "OtherPolicy_InsurerLetterCode_A",
    "other_policy": "OtherPolicy_PolicyNumberIdentifier_A",
    "other_eff": "OtherPolicy_PolicyEffectiveDate_A",
    "other_exp": "OtherPolicy_PolicyExpirationDate_A",
    "other_limit_label": "OtherPolicy_CoverageCode_A",
    "other_limit": "OtherPolicy_CoverageLimitAmount_A",
    "description": "CertificateOfLiabilityInsurance_ACORDForm_RemarkText_A",
}
ADDRESS_FIELDS = {
    "insured_address": ("NamedInsured_MailingAddress_LineOne_A", "NamedInsured_MailingAddress_LineTwo_A"),
    "holder_address": (
        "CertificateHolder_MailingAddress_LineOne_A",
        "CertificateHolder_MailingAddress_LineTwo_A",
    ),
}
YN_CODES = {
    "gl_ai": "CertificateOfInsurance_GeneralLiability_AdditionalInsuredCode_A",
    "gl_wos": "Policy_GeneralLiability_SubrogationWaivedCode_A",
    "auto_ai": "CertificateOfInsurance_AutomobileLiability_AdditionalInsuredCode_A",
    "auto_wos": "Policy_AutomobileLiability_SubrogationWaivedCode_A",
    "wc_wos": "Policy_WorkersCompensation_SubrogationWaivedCode_A",
    "wc_excluded": "WorkersCompensationEmployersLiability_AnyPersonsExcludedIndicator_A",
}
CHOICE_BOXES = {
    ("gl_basis", "occurrence"): "GeneralLiability_OccurrenceIndicator_A",
    ("gl_basis", "claims_made"): "GeneralLiability_ClaimsMadeIndicator_A",
    ("gl_agg_per", "policy"): "GeneralLiability_GeneralAggregate_LimitAppliesPerPolicyIndicator_A",
    ("gl_agg_per", "project"): "GeneralLiability_GeneralAggregate_LimitAppliesPerProjectIndicator_A",
    ("gl_agg_per", "location"): "GeneralLiability_GeneralAggregate_LimitAppliesPerLocationIndicator_A",
    ("umb_kind", "umbrella"): "Policy_PolicyType_UmbrellaIndicator_A",
    ("umb_kind", "excess_liability"): "Policy_PolicyType_ExcessIndicator_A",
    ("umb_basis", "occurrence"): "ExcessUmbrella_OccurrenceIndicator_A",
    (
        "wc_statutory",
        True,
    ): "WorkersCompensationEmployersLiability_WorkersCompensationStatutoryLimitIndicator_A",
}
AUTO_BOXES = {
    "any_auto": "Vehicle_AnyAutoIndicator_A",
    "owned": "Vehicle_AllOwnedAutosIndicator_A",
    "scheduled": "Vehicle_ScheduledAutosIndicator_A",
    "hired": "Vehicle_HiredAutosIndicator_A",
    "non_owned": "Vehicle_NonOwnedAutosIndicator_A",
}
MONEY_KEYS = {
    "gl_each_occurrence", "gl_rented", "gl_med", "gl_pai", "gl_aggregate", "gl_products", "auto_csl",
    "umb_each", "umb_agg", "umb_retention", "wc_each_accident", "wc_disease_employee",
    "wc_disease_policy", "other_limit",
}  # fmt: skip


@dataclass
class Rendered:
    """A generated document and the meanings a correct reader recovers from it."""

    content: bytes
    expected: Meanings
    kind: str
    notes: list[str] = field(default_factory=list)


def spell(key: str, value: Any, rng: random.Random) -> str:
    """A value as the broker might type it."""
    if key in MONEY_KEYS:
        return rng.choice(money_spellings(int(value)))
    if isinstance(value, date):
        return rng.choice(date_spellings(value))
    return str(value)


@cache
def render_fillable(seed: int) -> Rendered:
    """A fillable PDF with real ACORD 25 AcroForm field names (no form artwork or text)."""
    rng = random.Random(seed * 7919)
    meanings = make_meanings(seed)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    form = pdf.acroForm
    y = [760]

    def place(name: str, value: str) -> None:
        flags = "multiline" if "\n" in value or len(value) > 60 else ""
        form.textfield(name=name, value=value, x=30 + (y[0] < 60) * 300, y=y[0] % 740 + 20,
                       width=280, height=12, borderWidth=0, fontSize=6, fieldFlags=flags)  # fmt: skip
        y[0] -= 8

    for key, name in FILLABLE_TEXT.items():
        if key in meanings and meanings[key] is not None and meanings[key] != "":
            place(name, spell(key, meanings[key], rng))
    for key, (one, two) in ADDRESS_FIELDS.items():
        street, city = str(meanings[key]).split(", ", 1)
        place(one, street)
        place(two, city)
    for key, name in YN_CODES.items():
        if key in meanings:
            place(name, rng.choice(["Y", "X", "Yes"]) if meanings[key] else rng.choice(["N", "No"]))
    for (key, choice), name in CHOICE_BOXES.items():
        if key in meanings:
            _mark(form, name, meanings[key] == choice, rng, place)
    for symbol, name in AUTO_BOXES.items():
        if "auto_symbols" in meanings:
            _mark(form, name, symbol in meanings["auto_symbols"], rng, place)
    if meanings.get("umb_retention"):
        _mark(form, "ExcessUmbrella_RetentionIndicator_A", True, rng, place)
    pdf.showPage()
    pdf.save()
    expected = {k: v for k, v in meanings.items() if v is not None}
    return Rendered(buffer.getvalue(), expected, "fillable")


def _mark(form: Any, name: str, checked: bool, rng: random.Random, place: Any) -> None:
    """A check box: a real box (``/Yes`` or ``/Off``) or a text field holding a mark."""
    if rng.random() < 0.5:
        form.checkbox(name=name, checked=checked, x=500, y=rng.randrange(40, 740), size=8)
    elif checked:
        place(name, rng.choice(["X", "1", "On", "Y"]))
