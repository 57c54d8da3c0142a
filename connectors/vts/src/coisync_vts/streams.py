"""VTS's streams: assets (properties), tenants with contacts (parties), leases (agreements) and
the assumed insurance certificates (policies).

All read incrementally with ``filter[updated_since]`` (records updated at or after the cursor, a
closed bound: records sharing the last value are read again and dropped as duplicates). VTS
lists records by id, not by ``updated_at``, so the streams declare ``sorted = False`` and the
cursor moves only after the last batch.

A tenant carries its contacts: the tenant stream reads the tenants changed since the cursor and
the tenants whose contacts changed since then, and adds to each the first of its contacts (from
``tenants/{id}/contacts``; tenant-type contacts and decision makers first) as
:data:`CONTACT_FIELD`. Its cursor value is the latest ``updated_at`` of the tenant and its
contacts (:data:`CURSOR_FIELD`), so a changed contact brings its tenant back. A connection that
writes reconcile flags also reads each tenant's latest flag note back
(:data:`~coisync_vts.updates.FLAGS_FIELD`, from ``tenant_updates?filter[tenant_id]=``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from coisync.connector import Cursor, PlatformRecord, Quarantined, RecordBatch, Stream, batch_records
from coisync.connector.cursor import cursor_key
from coisync.connector.mapped import NUMERIC_ID, identified_record
from coisync.model import EntityKind
from coisync_vts.api import (
    ASSETS,
    CERTIFICATES,
    LEASES,
    TENANT_CONTACTS,
    TENANTS,
    VtsApi,
    related_id,
    vts_time,
)
from coisync_vts.updates import FLAGS_FIELD, tenant_flags

if TYPE_CHECKING:
    from coisync_vts.connector import VtsConnector

CONTACT_FIELD = "coisync_contact"
"""Field the tenant stream adds: ``{"name", "email", "phone"}`` of the tenant's first contact."""
CURSOR_FIELD = "coisync_updated_at"
"""Field the tenant stream adds: the latest ``updated_at`` of the tenant and its contacts."""


class VtsStream(Stream):
    """One VTS list, incremental by ``filter[updated_since]``."""

    cursor_field = "updated_at"
    sorted = False  # VTS lists records by id
    bound = "closed"
    path: ClassVar[str]

    def __init__(self, connector: VtsConnector) -> None:
        self.connector = connector
        self.api = VtsApi(connector)

    @staticmethod
    def since(cursor: Cursor) -> str | None:
        """The ``filter[updated_since]`` value of ``cursor`` (``None`` for a full read)."""
        value = cursor.request_value()
        return vts_time(value) if value else None

    def items(self, cursor: Cursor) -> Iterator[PlatformRecord | Quarantined]:
        """Mapped records and quarantined resources."""
        mapping = self.connector.mapping.record(self.platform_type)
        for raw in self.api.resources(self.path, updated_since=self.since(cursor)):
            yield identified_record(self, raw, mapping, id_pattern=NUMERIC_ID)

    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        """Yield the records changed since ``cursor`` (see the module docs)."""
        yield from batch_records(self.name, self.items(cursor), cursor, batch_size=self.batch_size)


class AssetStream(VtsStream):
    """Assets: properties."""

    name: ClassVar[str] = "assets"
    entity: ClassVar[str] = EntityKind.PROPERTY.value
    platform_type: ClassVar[str] = "asset"
    path = ASSETS


class LeaseStream(VtsStream):
    """Leases: agreements of a tenant in an asset."""

    name: ClassVar[str] = "leases"
    entity: ClassVar[str] = EntityKind.AGREEMENT.value
    platform_type: ClassVar[str] = "lease"
    path = LEASES


class CertificateStream(VtsStream):
    """Insurance certificates (the assumed resource): one policy line each."""

    name: ClassVar[str] = "insurance_certificates"
    entity: ClassVar[str] = "policy"
    platform_type: ClassVar[str] = "insurance_certificate"
    path = CERTIFICATES


def first_contact(contacts: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The contact a tenant is reached at: tenant-type and decision makers first, then by id."""

    def rank(contact: Mapping[str, Any]) -> tuple[bool, bool, tuple[int, int | str]]:
        attributes = contact.get("attributes") or {}
        ident = str(contact.get("id", ""))
        return (
            attributes.get("type") not in (None, "tenant"),
            not attributes.get("is_decision_maker"),
            (0, int(ident)) if ident.isdigit() else (1, ident),
        )

    for contact in sorted(contacts, key=rank):
        attributes = contact.get("attributes") or {}
        if attributes.get("email") or attributes.get("phone"):
            name = " ".join(str(attributes.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
            return {"name": name or None, "email": attributes.get("email"), "phone": attributes.get("phone")}
    return None


def latest(values: list[Any]) -> str | None:
    """The latest of some ``updated_at`` values (as spelled), ignoring blanks."""
    present = [str(v) for v in values if v]
    return max(present, key=cursor_key) if present else None


class TenantStream(VtsStream):
    """Tenants with their first contact: parties (see the module docs)."""

    name: ClassVar[str] = "tenants"
    entity: ClassVar[str] = EntityKind.PARTY.value
    platform_type: ClassVar[str] = "tenant"
    path = TENANTS

    def changed_tenants(self, since: str | None) -> Iterator[Any]:
        """Tenants updated since ``since``, then those whose contacts were (read one by one)."""
        seen: set[str] = set()
        for raw in self.api.resources(TENANTS, updated_since=since):
            if isinstance(raw, Mapping) and raw.get("id") is not None:
                seen.add(str(raw["id"]))
            yield raw
        if since is None:
            return
        touched: list[str] = []
        for contact in self.api.resources(TENANT_CONTACTS, updated_since=since):
            tenant = related_id(contact, "tenant") if isinstance(contact, Mapping) else None
            if tenant and tenant not in seen and tenant not in touched:
                touched.append(tenant)
        for tenant in touched:
            found = self.api.resource(f"{TENANTS}/{tenant}")
            if found is not None:
                yield found

    def with_contact(self, raw: Any) -> Any:
        """The tenant with :data:`CONTACT_FIELD` and :data:`CURSOR_FIELD` (a non-object is passed on)."""
        if not isinstance(raw, Mapping) or not NUMERIC_ID.fullmatch(str(raw.get("id", ""))):
            return raw
        contacts = [
            c for c in self.api.resources(f"{TENANTS}/{raw['id']}/contacts") if isinstance(c, Mapping)
        ]
        stamps = [(raw.get("attributes") or {}).get("updated_at")]
        stamps += [(c.get("attributes") or {}).get("updated_at") for c in contacts]
        enriched = {**raw, CONTACT_FIELD: first_contact(contacts), CURSOR_FIELD: latest(stamps)}
        if self.connector.reads_flags():
            enriched[FLAGS_FIELD] = tenant_flags(self.api, str(raw["id"]))[0]
        return enriched

    def items(self, cursor: Cursor) -> Iterator[PlatformRecord | Quarantined]:
        """Mapped tenants (with their contact) and quarantined resources."""
        mapping = self.connector.mapping.record(self.platform_type)
        for raw in self.changed_tenants(self.since(cursor)):
            yield identified_record(
                self, self.with_contact(raw), mapping, id_pattern=NUMERIC_ID, cursor_path=CURSOR_FIELD
            )


__all__ = [
    "CONTACT_FIELD",
    "CURSOR_FIELD",
    "AssetStream",
    "CertificateStream",
    "LeaseStream",
    "TenantStream",
    "VtsStream",
    "first_contact",
    "latest",
]
