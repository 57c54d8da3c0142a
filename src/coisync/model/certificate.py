"""ACORD 25 certificates of liability insurance.

A certificate is evidence, not coverage. Every coverage line carries its own insurer letter,
policy number, dates, flags and limits; never one policy or date pair per certificate.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

from coisync.model.base import CanonicalModel, Money, NamedAddress
from coisync.model.requirements import AggregateBasis, Basis
from coisync.model.vocabulary import is_valid_limit_key

INSURER_LETTERS = ("A", "B", "C", "D", "E", "F")


class Insurer(CanonicalModel):
    """An insurer affording coverage, as listed in the INSURER A-F block."""

    letter: str = Field(pattern=r"^[A-F]$")
    name: str = Field(min_length=1)
    naic: str | None = Field(default=None, pattern=r"^\d{5}$", description="NAIC company code")


class Producer(CanonicalModel):
    """The broker or agent who issued the certificate."""

    name: str = Field(min_length=1)
    address: str | None = None
    contact: str | None = None
    phone: str | None = None
    email: str | None = None


class Endorsement(CanonicalModel):
    """A policy endorsement evidenced on the certificate, by ISO form number where known."""

    form_number: str | None = Field(default=None, description="e.g. 'CG 20 10', 'CG 24 04'")
    edition: str | None = Field(default=None, description="e.g. '04 13'")
    title: str | None = None
    coverage_types: tuple[str, ...] = Field(default=(), description="Lines the endorsement amends")


class AdditionalInsured(CanonicalModel):
    """A party the certificate names as additional insured."""

    name: str = Field(min_length=1)
    coverage_types: tuple[str, ...] = Field(default=("general_liability",))
    ongoing_operations: bool = True
    completed_operations: bool = False


class CoverageLine(CanonicalModel):
    """One row of the coverages grid: one policy for one coverage type."""

    coverage_type: str = Field(min_length=1, description="From the coverage vocabulary, or kept as given")
    label: str | None = Field(default=None, description="The type as printed, when it differs")
    insurer_letter: str | None = Field(default=None, pattern=r"^[A-F]$")
    policy_number: str | None = None
    effective_date: date | None = None
    expiration_date: date | None = None
    additional_insured: bool | None = Field(default=None, description="ADDL INSD column")
    subrogation_waived: bool | None = Field(default=None, description="SUBR WVD column")
    basis: Basis | None = None
    aggregate_applies_per: AggregateBasis | None = None
    deductible: Money | None = None
    retention: Money | None = Field(default=None, description="Self-insured retention")
    limits: dict[str, Money] = Field(default_factory=dict)
    sits_over: tuple[str, ...] = Field(
        default=(), description="For umbrella or excess: the coverage types it sits over"
    )
    auto_symbols: tuple[str, ...] = Field(
        default=(), description="any_auto, owned, scheduled, hired, non_owned"
    )
    statutory: bool | None = Field(default=None, description="Workers compensation PER STATUTE")
    officers_excluded: bool | None = None

    @model_validator(mode="after")
    def _check_limits_and_dates(self) -> CoverageLine:
        for key in self.limits:
            if not is_valid_limit_key(self.coverage_type, key):
                raise ValueError(
                    f"limit key {key!r} is not a {self.coverage_type} key; "
                    f"use a standard key or 'other:<label>'"
                )
        if self.effective_date and self.expiration_date and self.expiration_date < self.effective_date:
            raise ValueError("expiration_date is before effective_date")
        return self

    def in_force_on(self, day: date) -> bool:
        """True when the policy is in force on ``day`` (effective inclusive, expiration exclusive)."""
        if self.effective_date and day < self.effective_date:
            return False
        return not (self.expiration_date and day >= self.expiration_date)


class Provenance(CanonicalModel):
    """Where a certificate came from."""

    source: Literal["import", "intake", "platform", "manual"] = "import"
    connection: str | None = None
    document_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    sender: str | None = None
    received_at: datetime | None = None


class Certificate(CanonicalModel):
    """An ACORD 25 certificate of liability insurance."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$")
    party_id: str | None = Field(default=None, description="The insured party, once matched")
    form: Literal["acord25"] = "acord25"
    edition: str | None = Field(default=None, description="e.g. '2016/03'")
    issue_date: date | None = None
    certificate_number: str | None = None
    revision_number: str | None = None
    producer: Producer | None = None
    insured: NamedAddress
    insurers: tuple[Insurer, ...] = ()
    holder: NamedAddress | None = None
    description_of_operations: str | None = None
    additional_insureds: tuple[AdditionalInsured, ...] = ()
    endorsements: tuple[Endorsement, ...] = ()
    notice_of_cancellation_days: int | None = Field(default=None, ge=0)
    lines: tuple[CoverageLine, ...] = ()
    provenance: Provenance | None = None

    @field_validator("insurers")
    @classmethod
    def _unique_letters(cls, value: tuple[Insurer, ...]) -> tuple[Insurer, ...]:
        letters = [i.letter for i in value]
        if len(letters) != len(set(letters)):
            raise ValueError("insurer letters must be unique")
        return value

    @model_validator(mode="after")
    def _letters_exist(self) -> Certificate:
        letters = {i.letter for i in self.insurers}
        for line in self.lines:
            if line.insurer_letter and self.insurers and line.insurer_letter not in letters:
                raise ValueError(
                    f"line {line.coverage_type} names insurer {line.insurer_letter}, "
                    f"which the certificate does not list"
                )
        return self

    def insurer_for(self, line: CoverageLine) -> Insurer | None:
        """The insurer affording one line, if the certificate says."""
        for insurer in self.insurers:
            if insurer.letter == line.insurer_letter:
                return insurer
        return None
