"""value_to_element: reverse-mapped payloads as XML, the inverse of xml_to_dict."""

from __future__ import annotations

from xml.etree.ElementTree import tostring

from coisync.mapping import load_mapping
from coisync.mapping.xmldict import value_to_element, xml_to_dict


def test_round_trip_with_attributes_text_lists_and_empties() -> None:
    value = {
        "VendorId": "v1",
        "UserDefinedFields": {
            "Field": [{"@Name": "COIStatus", "#text": "Expired"}, {"@Name": "Risk", "#text": "High"}]
        },
        "Notes": None,
        "IsRequired": True,
        "Amount": 1000000,
    }
    element = value_to_element("Vendor", value)
    text = tostring(element, encoding="unicode")
    assert '<Field Name="COIStatus">Expired</Field>' in text
    assert "<Notes />" in text and "<IsRequired>true</IsRequired>" in text
    back = xml_to_dict(element)["Vendor"]
    assert back["UserDefinedFields"]["Field"][1] == {"@Name": "Risk", "#text": "High"}
    assert back["Amount"] == "1000000" and back["Notes"] is None


def test_text_is_escaped() -> None:
    element = value_to_element("Notes", "GL < $2M & no waiver")
    assert tostring(element, encoding="unicode") == "<Notes>GL &lt; $2M &amp; no waiver</Notes>"


def test_a_reverse_mapped_selector_payload_reads_back_through_the_same_path(tmp_path: object) -> None:
    from pathlib import Path

    mapping_file = Path(str(tmp_path)) / "m.toml"
    mapping_file.write_text(
        """
[mapping]
name = "x"
[records.vendor]
entity = "party"
id = "VendorId"
[[records.vendor.fields]]
target = "legal_name"
source = "Name"
[[records.vendor.fields]]
target = "compliance_status"
source = "UserDefinedFields.Field[@Name=COIStatus].#text"
owner = "coisync"
job = "sync"
""",
        encoding="utf-8",
    )
    mapping = load_mapping(mapping_file)
    payload = mapping.reverse("vendor", {"compliance_status": "expired"}).values
    raw = xml_to_dict(value_to_element("Vendor", {"Name": "Acme", **payload}))["Vendor"]
    assert mapping.forward("vendor", raw).values["compliance_status"] == "expired"
