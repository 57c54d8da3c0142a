"""Parties, properties, agreements and the external references that tie them to platforms.

Every party, property and agreement is one canonical entity with its own ``id``. Each platform
record that describes it attaches as an :class:`ExternalRef`, so the same vendor known to two
platforms is one party with two refs and gets one verdict.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, SerializationInfo, field_serializer, field_validator

from coisync.model.base import CanonicalModel, Clause, NamedAddress
from coisync.model.requirements import RequirementSet

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$"
"""Canonical ids: readable, URL- and file-safe, at most 200 characters."""


class PartyKind(StrEnum):
    """What a party is to the landlord."""

    TENANT = "tenant"
    VENDOR = "vendor"
    CONTRACTOR = "contractor"


class Contact(CanonicalModel):
    """A person to send requests and reminders to."""

    name: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = None
    role: str | None = Field(default=None, description="e.g. 'insurance', 'billing', 'broker'")


def mask_tax_id(value: str) -> str:
    """Show only the last four characters of a tax id."""
    tail = value[-4:] if len(value) > 4 else ""
    return f"***-**-{tail}" if tail else "****"


class Party(CanonicalModel):
    """A tenant, vendor or contractor that must carry insurance."""

    id: str = Field(pattern=ID_PATTERN)
    kind: PartyKind
    legal_name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    tax_id: str | None = Field(
        default=None,
        repr=False,
        description="EIN or other tax id; masked wherever it is displayed or logged",
    )
    category: str | None = Field(
        default=None, description="Trade or use, e.g. 'hvac', 'restaurant'; selects templates"
    )
    contacts: tuple[Contact, ...] = ()
    property_ids: tuple[str, ...] = Field(
        default=(), description="Properties the party operates at (vendors with no agreement)"
    )
    active: bool = True

    @field_serializer("tax_id")
    def _mask_tax_id(self, value: str | None, info: SerializationInfo) -> str | None:
        if value is None:
            return None
        context = info.context or {}
        return value if context.get("canonical") else mask_tax_id(value)

    @property
    def masked_tax_id(self) -> str | None:
        """The tax id as it may be displayed."""
        return mask_tax_id(self.tax_id) if self.tax_id else None


class Property(CanonicalModel):
    """A building or site, and the names its certificates must carry."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    address: str | None = None
    time_zone: str = Field(default="America/New_York", description="IANA zone, e.g. America/Chicago")
    owner_entity: str = Field(
        min_length=1, description="Legal name of the owning entity (often one LLC per property)"
    )
    manager: str | None = Field(default=None, description="Property manager's legal name")
    lender: str | None = Field(default=None, description="Mortgagee's legal name, if any")
    certificate_holder: NamedAddress | None = Field(
        default=None, description="Required certificate holder; the owner entity when not set"
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def holder(self) -> NamedAddress:
        """The certificate holder certificates for this property must name."""
        return self.certificate_holder or NamedAddress(name=self.owner_entity, address=self.address)


class AgreementKind(StrEnum):
    """What binds the party to the property."""

    LEASE = "lease"
    SERVICE_CONTRACT = "service_contract"
    PROJECT = "project"


class AgreementStatus(StrEnum):
    """Lifecycle of an agreement; only active ones demand insurance today."""

    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class Agreement(CanonicalModel):
    """A lease, service contract or project that sets insurance requirements."""

    id: str = Field(pattern=ID_PATTERN)
    kind: AgreementKind
    party_id: str = Field(pattern=ID_PATTERN)
    property_id: str = Field(pattern=ID_PATTERN)
    start_date: date | None = None
    end_date: date | None = None
    status: AgreementStatus = AgreementStatus.ACTIVE
    template: str | None = Field(default=None, description="Requirement template this agreement starts from")
    requirements: RequirementSet | None = Field(
        default=None,
        description="The agreement's own requirements, overriding its template item by item",
    )
    clauses: tuple[Clause, ...] = Field(default=(), description="Insurance clauses of the agreement")

    def is_active_on(self, day: date) -> bool:
        """True when the agreement demands insurance on ``day``."""
        if self.status in (AgreementStatus.TERMINATED,):
            return False
        if self.start_date and day < self.start_date:
            return False
        return not (self.end_date and day > self.end_date)


class EntityKind(StrEnum):
    """Kinds of canonical entity a platform record can describe."""

    PARTY = "party"
    PROPERTY = "property"
    AGREEMENT = "agreement"
    CERTIFICATE = "certificate"
    EVIDENCE = "evidence"


class ExternalRef(CanonicalModel):
    """One platform record attached to one canonical entity."""

    connection: str = Field(min_length=1, description="Connection name from coisync.toml")
    platform_type: str = Field(min_length=1, description="The platform's record type, e.g. 'vendor'")
    platform_id: str = Field(min_length=1)
    entity_kind: EntityKind
    entity_id: str = Field(pattern=ID_PATTERN)
    version: str | None = Field(default=None, description="Platform version or ETag")
    content_hash: str | None = None
    last_known: dict[str, Any] = Field(
        default_factory=dict, description="Last values read from or written to the platform"
    )
    updated_at: datetime | None = None
