"""Yardi emulator, Vendor Invoicing: vendors with insurance, imports, attachments, persistence."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

import httpx
from coisync_yardi.emulator import YardiEmulator, YardiSettings
from yardi_soap import Soap

from coisync.sandbox.emulator import FixedClock

Messages = Callable[[httpx.Response, str], list[tuple[str, str]]]
Result = Callable[[httpx.Response, str], Element]
VI = "ItfVendorInvoicing"
HP01 = "<YardiPropertyId>hp01</YardiPropertyId>"


def vendors(
    soap: Soap, result: Result, op: str = "GetVendors_Login", params: str = HP01
) -> dict[str, Element]:
    root = result(soap(VI, op, params), op)
    return {v.findtext("{*}VendorId") or "": v for v in root}


def policies(vendor: Element) -> dict[str, dict[str, str | None]]:
    found = {}
    for policy in vendor.findall("{*}Insurance/{*}Policy"):
        paths = {
            "type": "{*}InsuranceType",
            "insurer": "{*}Insurer/{*}Name",
            "number": "{*}PolicyNumber",
            "expiration": "{*}ExpirationDate",
            "amount": "{*}LiabilityAmount",
            "notes": "{*}Notes",
        }
        found[policy.findtext("{*}PolicyId") or ""] = {
            k: policy.findtext(p) or None for k, p in paths.items()
        }
    return found


def udf(vendor: Element, name: str) -> str | None:
    for field in vendor.findall("{*}UserDefinedFields/{*}Field"):
        if field.get("Name") == name:
            return field.text
    return None


def import_doc(soap: Soap, body: str, props: str = HP01) -> httpx.Response:
    doc = f'<Vendors xmlns="http://yardi.com/Vendor">{body}</Vendors>'
    return soap(VI, "ImportVendors_Login", f"{props}<XmlDoc>{doc}</XmlDoc>")


def test_vendor_document_has_the_assumed_insurance_shape(soap: Soap, result: Result) -> None:
    acme = vendors(soap, result)["v000123"]
    assert acme.findtext("{*}Name") == "Acme HVAC LLC"
    assert acme.findtext("{*}LastModified") == "2025-03-01T10:15:00"
    assert policies(acme)["44"] == {
        "type": "General Liability",
        "insurer": "Hartford",
        "number": "GL-998877",
        "expiration": "2026-01-01",
        "amount": "1000000",
        "notes": None,
    }
    assert udf(acme, "COIStatus") == "Compliant"


def test_whole_result_per_property_and_joined_property_lists(
    soap: Soap, result: Result, emulator: YardiEmulator
) -> None:
    emulator.seed(
        {
            "properties": [{"code": "bp01", "name": "Bay Plaza"}],
            "vendors": [
                {"id": f"v9{i:05d}", "name": f"Vendor {i}", "properties": ["bp01"]} for i in range(250)
            ],
        }
    )
    one = vendors(soap, result)
    joined = vendors(soap, result, params="<YardiPropertyId>hp01;bp01</YardiPropertyId>")
    assert len(one) == 2
    assert len(joined) == 252  # no paging: everything in one answer


def test_get_vendor_and_an_unknown_vendor(soap: Soap, result: Result, messages: Messages) -> None:
    one = vendors(soap, result, "GetVendor_Login", HP01 + "<VendorId>v000123</VendorId>")
    assert list(one) == ["v000123"]
    missing = soap(VI, "GetVendor_Login", HP01 + "<VendorId>v404</VendorId>")
    assert messages(missing, "GetVendor_Login") == [("Error", "Vendor v404 does not exist")]


def test_vendors_sync_returns_changes_since_the_previous_call(
    soap: Soap, result: Result, clock: FixedClock
) -> None:
    assert len(vendors(soap, result, "GetVendorsSync")) == 2
    assert vendors(soap, result, "GetVendorsSync") == {}
    clock.advance(60)
    import_doc(soap, "<Vendor><VendorId>v000131</VendorId><Notes>call back</Notes></Vendor>")
    assert list(vendors(soap, result, "GetVendorsSync")) == ["v000131"]


def test_import_sets_status_field_updates_policies_and_adds_lines(
    soap: Soap, result: Result, messages: Messages, clock: FixedClock
) -> None:
    clock.advance(3600)
    response = import_doc(
        soap,
        "<Vendor><VendorId>v000123</VendorId>"
        '<UserDefinedFields><Field Name="COIStatus">Expired</Field></UserDefinedFields>'
        "<Insurance>"
        "<Policy><PolicyId>44</PolicyId><ExpirationDate>2027-01-01</ExpirationDate><Notes>renewed</Notes></Policy>"
        "<Policy><InsuranceType>Umbrella Liability</InsuranceType><Insurer><Name>Granite</Name></Insurer>"
        "<PolicyNumber>UMB-1</PolicyNumber><ExpirationDate>03/31/2027</ExpirationDate>"
        "<LiabilityAmount>5,000,000.00</LiabilityAmount></Policy>"
        "</Insurance></Vendor>",
    )
    assert messages(response, "ImportVendors_Login") == [
        ("Info", "Vendor v000123 imported: 1 policies added, 1 policies updated")
    ]
    acme = vendors(soap, result)["v000123"]
    assert udf(acme, "COIStatus") == "Expired"
    lines = policies(acme)
    assert lines["44"]["expiration"] == "2027-01-01"
    assert lines["44"]["notes"] == "renewed"
    assert lines["44"]["insurer"] == "Hartford"  # untouched elements stay
    [new_id] = set(lines) - {"44", "45"}
    assert int(new_id) > 45
    assert lines[new_id] == {
        "type": "Umbrella Liability",
        "insurer": "Granite",
        "number": "UMB-1",
        "expiration": "2027-03-31",
        "amount": "5000000",
        "notes": None,
    }
    assert acme.findtext("{*}LastModified") == "2026-01-01T01:00:00"
    # The same line again (no PolicyId) updates it instead of adding a duplicate.
    import_doc(
        soap,
        "<Vendor><VendorId>v000123</VendorId><Insurance><Policy><InsuranceType>Umbrella Liability</InsuranceType>"
        "<PolicyNumber>UMB-1</PolicyNumber><ExpirationDate>2027-04-30</ExpirationDate></Policy></Insurance></Vendor>",
    )
    again = policies(vendors(soap, result)["v000123"])
    assert len(again) == 3
    assert again[new_id]["expiration"] == "2027-04-30"


def test_empty_field_clears_it_and_escaped_xmldoc_text_is_accepted(
    soap: Soap, result: Result, messages: Messages
) -> None:
    doc = (
        '&lt;Vendors xmlns="http://yardi.com/Vendor"&gt;&lt;Vendor&gt;&lt;VendorId&gt;v000123&lt;/VendorId&gt;'
        '&lt;UserDefinedFields&gt;&lt;Field Name="COIStatus"/&gt;&lt;/UserDefinedFields&gt;&lt;/Vendor&gt;&lt;/Vendors&gt;'
    )
    response = soap(VI, "ImportVendors_Login", f"{HP01}<XmlDoc>{doc}</XmlDoc>")
    assert messages(response, "ImportVendors_Login")[0][0] == "Info"
    assert udf(vendors(soap, result)["v000123"], "COIStatus") is None


def test_invalid_import_stores_nothing(soap: Soap, result: Result, messages: Messages) -> None:
    before = vendors_xml(soap, result)
    cases = {
        "<Vendor><VendorId>v000123</VendorId><Insurance><Policy><PolicyId>44</PolicyId>"
        "<ExpirationDate>2026-02-30</ExpirationDate></Policy></Insurance>"
        '<UserDefinedFields><Field Name="COIStatus">Expired</Field></UserDefinedFields></Vendor>': "Invalid date",
        "<Vendor><VendorId>v000123</VendorId><Insurance><Policy><PolicyId>999</PolicyId></Policy></Insurance></Vendor>": "Policy 999 does not exist",
        "<Vendor><VendorId>v000123</VendorId><Insurance><Policy><LiabilityAmount>lots</LiabilityAmount>"
        "<InsuranceType>GL</InsuranceType></Policy></Insurance></Vendor>": "Invalid amount",
        "<Vendor><VendorId>vnew</VendorId></Vendor>": "Vendor vnew does not exist",
        "<Vendor><VendorId>v000123</VendorId><Insurance><Policy><PolicyNumber>X</PolicyNumber></Policy></Insurance></Vendor>": "InsuranceType is required",
    }
    for body, expected in cases.items():
        [(kind, text)] = messages(import_doc(soap, body), "ImportVendors_Login")
        assert kind == "Error"
        assert text.startswith(expected), text
    assert vendors_xml(soap, result) == before


def vendors_xml(soap: Soap, result: Result) -> str:
    return tostring(result(soap(VI, "GetVendors_Login", HP01), "GetVendors_Login"), encoding="unicode")


def test_vendor_attachment_is_stored_and_listed(soap: Soap, result: Result, messages: Messages) -> None:
    pdf = b"%PDF-1.4 certificate of insurance"
    params = (
        HP01 + "<InvoiceID>v000123</InvoiceID><AttachmentType>Vendor COI</AttachmentType>"
        f"<Description>coisync:op-1</Description><Attachment>{base64.b64encode(pdf).decode()}</Attachment>"
        "<Extension>.PDF</Extension>"
    )
    [(kind, _)] = messages(soap(VI, "ImportAttachment", params), "ImportAttachment")
    assert kind == "Info"
    acme = vendors(soap, result)["v000123"]
    [attachment] = acme.findall("{*}Attachments/{*}Attachment")
    assert attachment.findtext("{*}Description") == "coisync:op-1"
    assert attachment.findtext("{*}Extension") == "pdf"
    assert attachment.findtext("{*}Size") == str(len(pdf))
    bad = soap(VI, "ImportAttachment", params.replace("Vendor COI", "Selfie"))
    assert messages(bad, "ImportAttachment")[0] == ("Error", "Invalid Attachment Type Selfie")
    broken = soap(VI, "ImportAttachment", params.replace(base64.b64encode(pdf).decode(), "@@@"))
    assert messages(broken, "ImportAttachment")[0] == ("Error", "Attachment is not valid base64")


def test_state_survives_a_restart(
    soap: Soap, state_dir: Path, clock: FixedClock, settings: YardiSettings
) -> None:
    import_doc(
        soap,
        '<Vendor><VendorId>v000131</VendorId><UserDefinedFields><Field Name="COIStatus">Expired</Field>'
        "</UserDefinedFields></Vendor>",
    )
    again = YardiEmulator(state_dir, clock, seed=7, settings=settings)
    vendor = again.store.snapshot()["vendors"]["v000131"]
    assert vendor["udf"] == {"COIStatus": "Expired"}
