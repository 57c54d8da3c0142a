"""The XML documents the emulator sends inside SOAP results, rendered from its state.

Shapes:

* Vendors (``GetVendor(s)_Login``) and commercial tenants (``GetResidentsByDate``): **assumed**
  (platforms.md §8.1). Yardi publishes neither; element names reuse the Renters Insurance 3.0
  vocabulary, the compliance status lives in a user-defined field, and tenants carry the same
  ``<Policy>`` shape as vendors.
* Property configurations: ``<Properties><Property><Code>``, ``MarketingName`` and the
  address (the element subset is assumed).
* Messages: ``<Messages><Message messageType="Error">`` [CODE].
* Rate limits: ``<RateLimits><RateLimit Interface Period Limit Remaining/>`` (assumed).

Timestamps are Voyager-style local times without a zone (``2025-03-01T10:15:00``); the
emulator's clock is UTC, so they are UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from coisync_yardi.emulator.settings import TENANT_NS, VENDOR_NS

POLICY_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("PolicyId", "id"),
    ("InsuranceType", "type"),
    ("Insurer", "insurer"),
    ("PolicyNumber", "number"),
    ("EffectiveDate", "effective"),
    ("ExpirationDate", "expiration"),
    ("LiabilityAmount", "amount"),
    ("RequiredAmount", "required_amount"),
    ("IsRequired", "is_required"),
    ("HoldPayments", "hold_payments"),
    ("Notes", "notes"),
)
"""``<Policy>`` children in document order and the state keys they hold (assumed shape)."""


def voyager_time(seconds: float) -> str:
    """Unix seconds as a Voyager timestamp without zone (``2025-03-01T10:15:00``)."""
    return datetime.fromtimestamp(int(seconds), tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def serialize(element: Element) -> str:
    """An element as XML text without declaration."""
    return tostring(element, encoding="unicode")


def _text(parent: Element, name: str, value: Any) -> Element:
    child = SubElement(parent, name)
    if value is None or value == "":
        return child
    child.text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return child


def policy_element(parent: Element, policy: dict[str, Any]) -> Element:
    """Append one ``<Policy>`` (assumed shape) to ``parent``."""
    element = SubElement(parent, "Policy")
    for name, key in POLICY_ELEMENTS:
        if name == "Insurer":
            insurer = SubElement(element, "Insurer")
            _text(insurer, "Name", policy.get(key))
        else:
            _text(element, name, policy.get(key))
    return element


def _user_fields(parent: Element, fields: dict[str, Any]) -> None:
    container = SubElement(parent, "UserDefinedFields")
    for name in sorted(fields):
        field = SubElement(container, "Field", {"Name": name})
        if fields[name] not in (None, ""):
            field.text = str(fields[name])


def _attachments(parent: Element, attachments: Iterable[dict[str, Any]]) -> None:
    container = SubElement(parent, "Attachments")
    for item in attachments:
        attachment = SubElement(container, "Attachment")
        for name, key in (
            ("AttachmentId", "id"),
            ("AttachmentType", "type"),
            ("Description", "description"),
            ("Extension", "extension"),
            ("Size", "size"),
            ("SHA256", "sha256"),
            ("DateUploaded", "created"),
        ):
            value = item.get(key)
            if key == "created" and value is not None:
                value = voyager_time(float(value))
            _text(attachment, name, value)


def vendors_document(vendors: Iterable[dict[str, Any]]) -> str:
    """``<Vendors xmlns="http://yardi.com/Vendor">`` with one ``<Vendor>`` each (assumed shape)."""
    root = Element("Vendors", {"xmlns": VENDOR_NS})
    for vendor in vendors:
        element = SubElement(root, "Vendor")
        _text(element, "VendorId", vendor["id"])
        _text(element, "Name", vendor["name"])
        _text(element, "Status", vendor.get("status", "Active"))
        _text(element, "Email", vendor.get("email"))
        _text(element, "Phone", vendor.get("phone"))
        _text(element, "TaxId", vendor.get("tax_id"))
        _text(element, "LastModified", voyager_time(vendor["modified"]))
        insurance = SubElement(element, "Insurance")
        for policy in vendor.get("policies", []):
            policy_element(insurance, policy)
        _user_fields(element, vendor.get("udf", {}))
        _text(element, "Notes", vendor.get("notes"))
        _attachments(element, vendor.get("attachments", []))
    return serialize(root)


def tenants_document(tenants: Iterable[dict[str, Any]]) -> str:
    """``<Tenants>`` of commercial tenants with their leases and policies (assumed shape)."""
    root = Element("Tenants", {"xmlns": TENANT_NS})
    for tenant in tenants:
        element = SubElement(root, "Tenant")
        _text(element, "TenantCode", tenant["code"])
        _text(element, "PropertyCode", tenant["property"])
        _text(element, "Name", tenant["name"])
        _text(element, "Status", tenant.get("status", "Current"))
        _text(element, "Unit", tenant.get("unit"))
        _text(element, "LeaseFrom", tenant.get("lease_from"))
        _text(element, "LeaseTo", tenant.get("lease_to"))
        _text(element, "Email", tenant.get("email"))
        _text(element, "Phone", tenant.get("phone"))
        _text(element, "LastModified", voyager_time(tenant["modified"]))
        insurance = SubElement(element, "Insurance")
        for policy in tenant.get("policies", []):
            policy_element(insurance, policy)
        _user_fields(element, tenant.get("udf", {}))
        _text(element, "Notes", tenant.get("notes"))
    return serialize(root)


def properties_document(properties: Iterable[dict[str, Any]]) -> str:
    """``<Properties>`` with each property's code, marketing name and address."""
    root = Element("Properties")
    for prop in properties:
        element = SubElement(root, "Property")
        _text(element, "Code", prop["code"])
        _text(element, "MarketingName", prop["name"])
        address = prop.get("address", {})
        for name, key in (
            ("AddressLine1", "line1"),
            ("AddressLine2", "line2"),
            ("City", "city"),
            ("State", "state"),
            ("PostalCode", "postal_code"),
        ):
            _text(element, name, address.get(key))
        _text(element, "Owner", prop.get("owner"))
        _text(element, "Manager", prop.get("manager"))
        _text(element, "LastModified", voyager_time(prop["modified"]))
    return serialize(root)


def messages_document(messages: Iterable[tuple[str, str]]) -> str:
    """``<Messages>`` with ``(messageType, text)`` pairs [CODE]."""
    root = Element("Messages")
    for message_type, text in messages:
        SubElement(root, "Message", {"messageType": message_type}).text = text
    return serialize(root)


def documents_document(documents: Iterable[dict[str, Any]]) -> str:
    """``<Documents>`` listing tenant lease documents (assumed shape)."""
    root = Element("Documents")
    _attachments(root, documents)
    return serialize(root)


__all__ = [
    "POLICY_ELEMENTS",
    "documents_document",
    "messages_document",
    "policy_element",
    "properties_document",
    "serialize",
    "tenants_document",
    "vendors_document",
    "voyager_time",
]
