"""The canonical model: parties, properties, agreements, requirements, certificates, findings.

Every model is a strict, immutable pydantic v2 model; ``coisync schema <model>`` prints the
JSON Schema of each public one. Money is :class:`Money` (Decimal with a currency); dates are
:class:`datetime.date`.
"""

from coisync.model.base import FORMAT_VERSION, CanonicalModel, Clause, Money, NamedAddress
from coisync.model.certificate import (
    AdditionalInsured,
    Certificate,
    CoverageLine,
    Endorsement,
    Insurer,
    Producer,
    Provenance,
)
from coisync.model.entities import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Contact,
    EntityKind,
    ExternalRef,
    Party,
    PartyKind,
    Property,
)
from coisync.model.evidence import AdditionalInterest, Answer, EvidenceRow, PropertyEvidence
from coisync.model.finding import (
    STATUS_PRECEDENCE,
    Evaluation,
    Finding,
    Outcome,
    Severity,
    Status,
)
from coisync.model.records import PUBLIC_MODELS, RECORD_MODELS, envelope
from coisync.model.requirements import (
    AM_BEST_RATINGS,
    AdditionalInsuredRequirement,
    AggregateBasis,
    Basis,
    CoverageRequirement,
    HolderRequirement,
    NameRole,
    PropertyTermsRequirement,
    RequirementSet,
)
from coisync.model.vocabulary import (
    KNOWN_COVERAGE_TYPES,
    LIMIT_KEYS,
    CoverageType,
    coverage_title,
    is_known_coverage,
)
from coisync.model.waiver import Waiver, WaiverScope

__all__ = [
    "AM_BEST_RATINGS",
    "FORMAT_VERSION",
    "KNOWN_COVERAGE_TYPES",
    "LIMIT_KEYS",
    "PUBLIC_MODELS",
    "RECORD_MODELS",
    "STATUS_PRECEDENCE",
    "AdditionalInsured",
    "AdditionalInsuredRequirement",
    "AdditionalInterest",
    "AggregateBasis",
    "Agreement",
    "AgreementKind",
    "AgreementStatus",
    "Answer",
    "Basis",
    "CanonicalModel",
    "Certificate",
    "Clause",
    "Contact",
    "CoverageLine",
    "CoverageRequirement",
    "CoverageType",
    "Endorsement",
    "EntityKind",
    "Evaluation",
    "EvidenceRow",
    "ExternalRef",
    "Finding",
    "HolderRequirement",
    "Insurer",
    "Money",
    "NameRole",
    "NamedAddress",
    "Outcome",
    "Party",
    "PartyKind",
    "Producer",
    "Property",
    "PropertyEvidence",
    "PropertyTermsRequirement",
    "Provenance",
    "RequirementSet",
    "Severity",
    "Status",
    "Waiver",
    "WaiverScope",
    "coverage_title",
    "envelope",
    "is_known_coverage",
]
