"""ACORD 28 evidence of commercial property insurance.

One company and one policy per form. The YES / NO / N/A grid is kept as rows; a row the
schedule is silent about is N/A.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from coisync.model.base import CanonicalModel, Money, NamedAddress
from coisync.model.certificate import Producer, Provenance


class Answer(StrEnum):
    """An ACORD 28 grid answer."""

    YES = "yes"
    NO = "no"
    NA = "na"


EVIDENCE_ROWS: tuple[str, ...] = (
    "business_income",
    "blanket_coverage",
    "terrorism",
    "limited_fungus",
    "fungus_exclusion",
    "replacement_cost",
    "agreed_value",
    "coinsurance",
    "equipment_breakdown",
    "ordinance_or_law_undamaged_portion",
    "ordinance_or_law_demolition",
    "ordinance_or_law_increased_cost",
    "earth_movement",
    "flood",
    "wind_hail",
    "named_storm",
    "permission_to_waive_subrogation",
)
"""The rows of the ACORD 28 (2016/03) coverage grid, in form order."""


class EvidenceRow(CanonicalModel):
    """One row of the grid."""

    key: str = Field(min_length=1)
    answer: Answer = Answer.NA
    limit: Money | None = None
    deductible: Money | None = None
    percent: int | None = Field(default=None, ge=0, le=100, description="Coinsurance percent")
    months: int | None = Field(default=None, ge=0, description="Business income months")
    extra: str | None = None


class AdditionalInterest(CanonicalModel):
    """The lender or other party the evidence is addressed to."""

    name: str = Field(min_length=1)
    address: str | None = None
    interest: Literal["mortgagee", "lenders_loss_payable", "loss_payee", "contract_of_sale", "other"] = (
        "mortgagee"
    )
    loan_number: str | None = None


class PropertyEvidence(CanonicalModel):
    """An ACORD 28 evidence of commercial property insurance."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$")
    party_id: str | None = None
    form: Literal["acord28"] = "acord28"
    edition: str | None = None
    issue_date: date | None = None
    producer: Producer | None = None
    insurer_name: str = Field(min_length=1)
    insurer_naic: str | None = Field(default=None, pattern=r"^\d{5}$")
    policy_number: str | None = None
    effective_date: date | None = None
    expiration_date: date | None = None
    continued_until_terminated: bool = False
    replaces_evidence_dated: date | None = None
    insured: NamedAddress
    property_description: str | None = None
    subject: Literal["building", "business_personal_property", "both"] = "building"
    perils: Literal["basic", "broad", "special"] | None = None
    amount_of_insurance: Money | None = None
    deductible: Money | None = None
    rows: tuple[EvidenceRow, ...] = ()
    additional_interest: AdditionalInterest | None = None
    provenance: Provenance | None = None

    def row(self, key: str) -> EvidenceRow:
        """A grid row; N/A when the evidence is silent."""
        for row in self.rows:
            if row.key == key:
                return row
        return EvidenceRow(key=key)

    def in_force_on(self, day: date) -> bool:
        """True when the policy is in force on ``day``."""
        if self.effective_date and day < self.effective_date:
            return False
        if self.continued_until_terminated:
            return True
        return not (self.expiration_date and day >= self.expiration_date)
