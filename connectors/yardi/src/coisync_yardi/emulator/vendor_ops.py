"""Vendor Invoicing operations: vendors with their insurance, vendor import, attachments.

``GetVendor_Login``, ``GetVendors_Login``, ``GetVendorsSync``, ``ImportVendors_Login`` and
``ImportAttachment`` keep yardi-sdk's names and parameters [CODE]; the vendor document and the
import semantics are assumed (see :mod:`~coisync_yardi.emulator.documents` and
:mod:`~coisync_yardi.emulator.imports`). No paging: every call returns the whole result for
its properties [CODE].
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from coisync.http.soap import local_name
from coisync_yardi.emulator.access import YardiMessage
from coisync_yardi.emulator.calls import Call, Operation
from coisync_yardi.emulator.documents import messages_document, serialize, vendors_document
from coisync_yardi.emulator.imports import children, text_of

VENDOR_ATTACHMENT_TYPES = ("Vendor COI", "Vendor W9", "Vendor Contract")
"""Attachment types that attach to a vendor rather than an invoice (assumed)."""
INVOICE_ATTACHMENT_TYPES = ("Invoice", "Backup")


def _vendors_of(call: Call, codes: list[str]) -> list[dict[str, Any]]:
    wanted = set(codes)
    vendors = call.state.get("vendors", {}).values()
    return sorted((v for v in vendors if wanted & set(v.get("properties", []))), key=lambda v: str(v["id"]))


def get_vendors(call: Call) -> str:
    """Every vendor of the properties, with insurance, user-defined fields and attachments."""
    return vendors_document(_vendors_of(call, call.properties()))


def get_vendor(call: Call) -> str:
    """One vendor of the properties.

    Raises:
        YardiMessage: No such vendor at those properties (wording assumed).
    """
    codes = call.properties()
    vendor_id = call.text("VendorId")
    found = [v for v in _vendors_of(call, codes) if str(v["id"]).casefold() == vendor_id.casefold()]
    if not found:
        raise YardiMessage(f"Vendor {vendor_id} does not exist")
    return vendors_document(found)


def get_vendors_sync(call: Call) -> str:
    """Vendors changed since this interface entity's previous ``GetVendorsSync`` (assumed)."""
    codes = call.properties()
    marks: dict[str, float] = call.state.setdefault("sync_marks", {})
    key = f"{call.caller.entity}|{';'.join(sorted(codes))}"
    since = marks.get(key) if call.settings.vendor_sync_since_last_call else None
    vendors = [v for v in _vendors_of(call, codes) if since is None or v["modified"] >= since]
    marks[key] = call.now
    return vendors_document(vendors)


def import_vendors(call: Call) -> str:
    """Apply a ``<Vendors>`` document (assumed semantics: :mod:`~coisync_yardi.emulator.imports`).

    Raises:
        YardiMessage: The document is invalid; nothing is stored.
    """
    codes = call.properties()
    document = call.document("XmlDoc")
    if local_name(document.tag) != "Vendors":
        raise YardiMessage("XmlDoc must be a Vendors document")
    vendors: dict[str, dict[str, Any]] = call.state.setdefault("vendors", {})
    messages: list[tuple[str, str]] = []
    for element in document:
        if local_name(element.tag) != "Vendor":
            continue
        parts = children(element)
        vendor_id = text_of(parts.get("VendorId"))
        if vendor_id is None:
            raise YardiMessage("VendorId is required")
        vendor = vendors.get(vendor_id)
        before = json.dumps(vendor, sort_keys=True, default=str)
        if vendor is None:
            name = text_of(parts.get("Name"))
            if name is None:
                raise YardiMessage(f"Vendor {vendor_id} does not exist")
            vendor = {"id": vendor_id, "name": name, "status": "Active", "properties": list(codes)}
            vendor.update(policies=[], udf={}, attachments=[], modified=call.now)
            vendors[vendor_id] = vendor
        for code in codes:
            if code not in vendor["properties"]:
                vendor["properties"].append(code)
        for name, key in (("Name", "name"), ("Status", "status"), ("Email", "email"), ("Notes", "notes")):
            if name in parts:
                vendor[key] = text_of(parts[name])
        created, updated = call.import_parts(vendor, parts, before)
        messages.append(
            ("Info", f"Vendor {vendor_id} imported: {created} policies added, {updated} policies updated")
        )
    if not messages:
        raise YardiMessage("XmlDoc contains no Vendor")
    return messages_document(messages)


def import_attachment(call: Call) -> str:
    """Store an attachment; a vendor attachment type names the vendor in ``InvoiceID`` (assumed).

    Raises:
        YardiMessage: Unknown type, vendor or invoice, or a bad attachment.
    """
    codes = call.properties()
    kind = call.text("AttachmentType")
    target = call.text("InvoiceID")
    extension = call.text("Extension").lstrip(".").lower()
    if kind not in (*VENDOR_ATTACHMENT_TYPES, *INVOICE_ATTACHMENT_TYPES):
        raise YardiMessage(f"Invalid Attachment Type {kind}")
    if not extension:
        raise YardiMessage("Extension is required")
    data = call.attachment_bytes()
    if kind in INVOICE_ATTACHMENT_TYPES or not call.settings.vendor_attachments_by_invoice_id:
        raise YardiMessage(f"Invoice {target} does not exist")
    vendor = next((v for v in _vendors_of(call, codes) if v["id"] == target), None)
    if vendor is None:
        raise YardiMessage(f"Vendor {target} does not exist")
    record = call.attachment_record(
        "attachment", data, type=kind, description=call.text("Description"), extension=extension
    )
    vendor.setdefault("attachments", []).append(record)
    vendor["modified"] = call.now
    return messages_document([("Info", f"Attachment {record['id']} imported")])


def get_attachment_types(call: Call) -> str:
    """The attachment types ``ImportAttachment`` accepts (assumed list)."""
    root = Element("AttachmentTypes")
    for name in (*INVOICE_ATTACHMENT_TYPES, *VENDOR_ATTACHMENT_TYPES):
        SubElement(root, "AttachmentType").text = name
    return serialize(root)


OPERATIONS: dict[str, Operation] = {
    "GetVendor_Login": Operation(get_vendor),
    "GetVendors_Login": Operation(get_vendors),
    "GetVendorsSync": Operation(get_vendors_sync, writes=True),
    "ImportVendors_Login": Operation(import_vendors, writes=True),
    "ImportAttachment": Operation(import_attachment, writes=True),
    "GetAttachmentTypes": Operation(get_attachment_types),
}

__all__ = ["INVOICE_ATTACHMENT_TYPES", "OPERATIONS", "VENDOR_ATTACHMENT_TYPES"]
