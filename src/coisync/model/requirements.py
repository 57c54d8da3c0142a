"""What a lease or contract demands: per-coverage minimums, names, endorsements, insurer rating.

Every item may cite the clause it came from (:class:`~coisync.model.base.Clause`), so a finding
can quote the clause it violates.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from coisync.model.base import CanonicalModel, Clause, Money


class Basis(StrEnum):
    """Occurrence or claims-made policy form."""

    OCCURRENCE = "occurrence"
    CLAIMS_MADE = "claims_made"


class AggregateBasis(StrEnum):
    """What a general aggregate applies per."""

    POLICY = "policy"
    PROJECT = "project"
    LOCATION = "location"
    OTHER = "other"


class NameRole(StrEnum):
    """Names a requirement can point at; resolved from the property."""

    OWNER = "owner"
    MANAGER = "manager"
    LENDER = "lender"
    HOLDER = "holder"


class CoverageRequirement(CanonicalModel):
    """Minimums and terms for one coverage type."""

    coverage_type: str = Field(min_length=1)
    limits: dict[str, Money] = Field(default_factory=dict, description="Minimum per limit key")
    basis: Basis | None = Field(default=None, description="Required basis; None accepts either")
    aggregate_applies_per: tuple[AggregateBasis, ...] = Field(
        default=(), description="Accepted aggregate bases; empty accepts any"
    )
    umbrella_may_fill: bool = Field(
        default=False, description="An umbrella or excess line over this one may fill a shortfall"
    )
    additional_insured: bool = Field(default=False, description="ADDL INSD required on this line")
    waiver_of_subrogation: bool = False
    primary_noncontributory: bool = False
    max_deductible: Money | None = Field(default=None, description="Deductible or SIR cap")
    statutory: bool = Field(default=False, description="Workers compensation at statutory limits")
    clause: Clause | None = None
    item_clauses: dict[str, Clause] = Field(
        default_factory=dict,
        description="Clause per item where it differs, keyed 'limits.<key>', 'waiver_of_subrogation', ...",
    )

    def clause_for(self, item: str) -> Clause | None:
        """The clause behind one item of this requirement."""
        return self.item_clauses.get(item, self.clause)


class HolderRequirement(CanonicalModel):
    """The certificate holder the certificate must name."""

    name: str | None = Field(default=None, description="Exact legal name; the property's holder when empty")
    address: str | None = None
    clause: Clause | None = None


class AdditionalInsuredRequirement(CanonicalModel):
    """A party that must be named additional insured."""

    role: NameRole | None = Field(default=None, description="Resolve the name from the property")
    name: str | None = Field(default=None, description="Explicit legal name")
    coverage_types: tuple[str, ...] = Field(default=("general_liability",))
    ongoing_operations: bool = True
    completed_operations: bool = False
    clause: Clause | None = None


class PropertyTermsRequirement(CanonicalModel):
    """ACORD 28 terms demanded of property insurance."""

    perils: str | None = Field(default="special", description="basic, broad or special")
    valuation: str | None = Field(default="replacement_cost", description="replacement_cost or agreed_value")
    max_coinsurance_percent: int | None = Field(default=None, ge=0, le=100)
    business_income: bool = False
    business_income_months: int | None = Field(default=None, ge=0)
    required_rows: dict[str, Money | None] = Field(
        default_factory=dict,
        description="ACORD 28 rows that must answer yes, with an optional minimum limit (e.g. flood)",
    )
    max_deductible: Money | None = None
    clause: Clause | None = None


class RequirementSet(CanonicalModel):
    """Everything one agreement (or template) demands."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    coverages: tuple[CoverageRequirement, ...] = ()
    certificate_holder: HolderRequirement | None = None
    additional_insureds: tuple[AdditionalInsuredRequirement, ...] = ()
    notice_of_cancellation_days: int | None = Field(default=None, ge=0)
    notice_clause: Clause | None = None
    min_am_best_rating: str | None = Field(default=None, description="e.g. 'A-'")
    min_financial_size_class: int | None = Field(
        default=None, ge=1, le=15, description="AM Best FSC, VIII = 8"
    )
    rating_clause: Clause | None = None
    property_terms: PropertyTermsRequirement | None = None

    @field_validator("min_am_best_rating")
    @classmethod
    def _known_rating(cls, value: str | None) -> str | None:
        if value is not None and value not in AM_BEST_RATINGS:
            raise ValueError(f"unknown AM Best rating {value!r}; use one of {', '.join(AM_BEST_RATINGS)}")
        return value

    def coverage(self, coverage_type: str) -> CoverageRequirement | None:
        """The requirement for one coverage type, if any."""
        for item in self.coverages:
            if item.coverage_type == coverage_type:
                return item
        return None


AM_BEST_RATINGS: tuple[str, ...] = (
    "A++",
    "A+",
    "A",
    "A-",
    "B++",
    "B+",
    "B",
    "B-",
    "C++",
    "C+",
    "C",
    "C-",
    "D",
    "E",
    "F",
    "S",
)
"""AM Best financial strength ratings, best first."""
