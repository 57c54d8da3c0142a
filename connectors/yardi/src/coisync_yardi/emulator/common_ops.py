"""Common Data operations: properties, commercial tenants, tenant documents, rate limits.

Names and parameters follow yardi-sdk [CODE]. Assumed: ``GetResidentsByDate`` takes a
``YardiPropertyId`` and returns commercial tenants with their insurance in the vendor
``<Policy>`` shape; ``UpdateResidentData`` accepts the same document to write user-defined
fields, notes and policies back; ``Status`` filters on the tenant status (empty: all).
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from coisync.http.soap import local_name
from coisync_yardi.emulator.access import YardiMessage, require_licence, resolve_properties
from coisync_yardi.emulator.calls import Call, Operation
from coisync_yardi.emulator.documents import (
    documents_document,
    messages_document,
    properties_document,
    serialize,
    tenants_document,
)
from coisync_yardi.emulator.imports import children, text_of

LEASE_DOCUMENT_TYPES = ("Insurance Certificate", "Lease", "Other")
"""Attachment types ``ImportTenantLeaseDocumentExt`` accepts (assumed list)."""


def ping(call: Call) -> str:
    """``Ping``: the service answers."""
    require_licence(call.caller, call.interface)
    return "Pong"


def version_number(call: Call) -> str:
    """``GetVersionNumber``."""
    require_licence(call.caller, call.interface)
    return call.settings.version_number


def _visible_properties(call: Call) -> list[dict[str, Any]]:
    allowed = call.caller.credential.properties
    return sorted(
        (p for p in call.state.get("properties", {}).values() if allowed is None or p["code"] in allowed),
        key=lambda p: str(p["code"]),
    )


def property_configurations(call: Call) -> str:
    """``GetPropertyConfigurations``: every property the user may see."""
    require_licence(call.caller, call.interface)
    return properties_document(_visible_properties(call))


def property_configurations_since(call: Call) -> str:
    """``GetPropertyConfigurationsModifiedFromDate(DateModified)``."""
    require_licence(call.caller, call.interface)
    since = call.since("DateModified")
    return properties_document(
        p for p in _visible_properties(call) if since is None or p["modified"] >= since
    )


def residents_by_date(call: Call) -> str:
    """``GetResidentsByDate``: commercial tenants of the properties changed since ``ModifiedSinceDate``."""
    codes = set(call.properties())
    since = call.since("ModifiedSinceDate")
    status = call.text("Status").casefold()
    tenants = sorted(
        (
            t
            for t in call.state.get("tenants", {}).values()
            if t["property"] in codes
            and (since is None or t["modified"] >= since)
            and (not status or str(t.get("status", "")).casefold() == status)
        ),
        key=lambda t: (t["modified"], t["code"]),
    )
    return tenants_document(tenants)


def update_resident_data(call: Call) -> str:
    """``UpdateResidentData(XmlDoc)`` with a ``<Tenants>`` document (assumed semantics).

    Raises:
        YardiMessage: Unknown tenant, property not configured, or an invalid value.
    """
    require_licence(call.caller, call.interface)
    document = call.document("XmlDoc")
    if local_name(document.tag) != "Tenants":
        raise YardiMessage("XmlDoc must be a Tenants document")
    tenants: dict[str, dict[str, Any]] = call.state.get("tenants", {})
    messages: list[tuple[str, str]] = []
    for element in document:
        if local_name(element.tag) != "Tenant":
            continue
        parts = children(element)
        code = text_of(parts.get("TenantCode")) or ""
        tenant = tenants.get(code)
        if tenant is None:
            raise YardiMessage(f"Tenant {code} does not exist")
        # The tenant's property must be licensed for Common Data, like any property call.
        resolve_properties(tenant["property"], call.caller, call.interface, call.state.get("properties", {}))
        before = json.dumps(tenant, sort_keys=True, default=str)
        if "Notes" in parts:
            tenant["notes"] = text_of(parts["Notes"])
        created, updated = call.import_parts(tenant, parts, before)
        messages.append(
            ("Info", f"Tenant {code} updated: {created} policies added, {updated} policies updated")
        )
    if not messages:
        raise YardiMessage("XmlDoc contains no Tenant")
    return messages_document(messages)


def _tenant(call: Call) -> dict[str, Any]:
    codes = call.properties("PropertyId")
    code = call.text("TenantCode")
    tenant: dict[str, Any] | None = call.state.get("tenants", {}).get(code)
    if tenant is None or tenant["property"] not in codes:
        raise YardiMessage(f"Tenant {code} does not exist")
    return tenant


def import_lease_document(call: Call) -> str:
    """``ImportTenantLeaseDocumentExt``: store a document on a tenant (credentials spell ``DataBase``).

    Raises:
        YardiMessage: Unknown tenant or type, or a bad attachment.
    """
    tenant = _tenant(call)
    kind = call.text("AttachmentType")
    if kind not in LEASE_DOCUMENT_TYPES:
        raise YardiMessage(f"Invalid Attachment Type {kind}")
    extension = call.text("FileExtension").lstrip(".").lower()
    if not extension:
        raise YardiMessage("FileExtension is required")
    data = call.attachment_bytes()
    record = call.attachment_record(
        "document", data, type=kind, description=call.text("Description"), extension=extension
    )
    tenant.setdefault("documents", []).append(record)
    tenant["modified"] = call.now
    return messages_document([("Info", f"Document {record['id']} imported")])


def lease_documents(call: Call) -> str:
    """``GetTenantLeaseDocuments_DateRange``: a tenant's documents uploaded in the window."""
    tenant = _tenant(call)
    start, end = call.since("FromDate"), call.since("ToDate")
    chosen = [
        d
        for d in tenant.get("documents", [])
        if (start is None or d["created"] >= start) and (end is None or d["created"] < end + 86400)
    ]
    return documents_document(chosen)


def rate_limits(call: Call) -> str:
    """``GetRateLimits``: each interface's window for this interface entity (shape assumed)."""
    require_licence(call.caller, call.interface)
    root = Element("RateLimits")
    for title, decision in call.rate_limits:
        period = "Hour" if decision.seconds == 3600 else f"{decision.seconds}s"
        attrs = {"Interface": title, "Period": period, "Limit": str(decision.limit)}
        attrs["Remaining"] = str(decision.remaining)
        SubElement(root, "RateLimit", attrs)
    return serialize(root)


OPERATIONS: dict[str, Operation] = {
    "Ping": Operation(ping),
    "GetVersionNumber": Operation(version_number),
    "GetRateLimits": Operation(rate_limits),
    "GetPropertyConfigurations": Operation(property_configurations),
    "GetPropertyConfigurationsModifiedFromDate": Operation(property_configurations_since),
    "GetResidentsByDate": Operation(residents_by_date),
    "UpdateResidentData": Operation(update_resident_data, writes=True),
    "ImportTenantLeaseDocumentExt": Operation(import_lease_document, writes=True),
    "GetTenantLeaseDocuments_DateRange": Operation(lease_documents),
}

__all__ = ["LEASE_DOCUMENT_TYPES", "OPERATIONS"]
