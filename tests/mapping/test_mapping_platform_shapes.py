"""The engine expresses the insurance records of the four emulated platforms.

Each case is a small mapping written the way a connector package would ship it, run against a
record in that platform's shape (JSON rows, OData rows with Y/N flags, JSON:API resources,
SOAP XML converted with :func:`coisync.mapping.xmldict.xml_to_dict`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from coisync.mapping import PlatformMapping, load_mapping
from coisync.mapping.xmldict import xml_to_dict

USD = "USD"


def money(amount: int) -> dict[str, Any]:
    return {"amount": Decimal(amount), "currency": USD}


def write(tmp_path: Path, name: str, text: str) -> PlatformMapping:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return load_mapping(path)


PROCORE = """
[mapping]
name = "procore"
[code_tables.status]
values = { "compliant" = "compliant", "non_compliant" = "non_compliant", "expired" = "expired", "pending" = "pending_review" }
reverse = { missing = "non_compliant", expiring = "compliant", not_required = "compliant" }
unknown = "error"
[records.insurance]
entity = "certificate"
id = "id"
[[records.insurance.fields]]
target = "holder_id"
source = "vendor_id"
[[records.insurance.fields]]
target = "coverage_type"
source = "insurance_type"
coerce = "code"
table = "coverage_type"
[[records.insurance.fields]]
target = "insurer_name"
source = "insurance_provider"
[[records.insurance.fields]]
target = "policy_number"
source = "policy_number"
[[records.insurance.fields]]
target = "expiration_date"
source = "expiration_date"
coerce = "date"
[[records.insurance.fields]]
target = "limit"
source = "limit"
coerce = "money"
[[records.insurance.fields]]
target = "waived"
source = "exempt"
coerce = "flag"
[[records.insurance.fields]]
target = "compliance_status"
source = "status"
coerce = "code"
table = "status"
owner = "coisync"
job = "sync"
[[records.insurance.fields]]
target = "origin_id"
source = "origin_id"
owner = "coisync"
job = "sync"
"""


def test_procore_insurance(tmp_path: Path) -> None:
    mapping = write(tmp_path, "procore", PROCORE)
    raw = {
        "id": 311823,
        "vendor_id": 2627684,
        "insurance_type": "General Liability",
        "insurance_provider": "GL Insurance Inc.",
        "policy_number": "12345GL",
        "effective_date": "2025-03-03",
        "expiration_date": "2026-03-02",
        "limit": "1000000.0",
        "status": "compliant",
        "exempt": False,
        "origin_id": "coi-abc123",
    }
    result = mapping.forward("insurance", raw)
    assert result.ok, result.reason
    assert result.values["holder_id"] == "2627684"
    assert result.values["coverage_type"] == "general_liability"
    assert result.values["limit"] == money(1000000)
    assert result.values["waived"] is False
    assert mapping.record("insurance").platform_id(raw) == "311823"
    payload = mapping.reverse("insurance", {"compliance_status": "expiring", "origin_id": "coi-abc123"})
    assert payload.values == {"status": "compliant", "origin_id": "coi-abc123"}


MRI = """
[mapping]
name = "mri"
[code_tables.yn_status]
values = { "Y" = "compliant", "N" = "non_compliant" }
reverse = { expired = "N", missing = "N", expiring = "Y", pending_review = "N", not_required = "Y" }
[records.lease_insurance]
entity = "certificate"
id = "PolicyID"
updated_at = "LastUpdate"
[[records.lease_insurance.fields]]
target = "property_id"
source = "BuildingID"
[[records.lease_insurance.fields]]
target = "agreement_id"
source = "LeaseID"
[[records.lease_insurance.fields]]
target = "coverage_type"
source = "InsuranceType"
coerce = "code"
table = "coverage_type"
[[records.lease_insurance.fields]]
target = "effective_date"
source = "EffectiveDate"
coerce = "date"
[[records.lease_insurance.fields]]
target = "limit"
source = "CoverageAmount"
coerce = "money"
[[records.lease_insurance.fields]]
target = "additional_insured"
source = "AdditionalInsured"
coerce = "flag"
[[records.lease_insurance.fields]]
target = "waived"
source = "Waived"
coerce = "flag"
format = "Y/N"
owner = "coisync"
job = "reconcile"
[[records.lease_insurance.fields]]
target = "compliance_status"
source = "Compliant"
coerce = "code"
table = "yn_status"
owner = "coisync"
job = "sync"
"""


def test_mri_odata_row(tmp_path: Path) -> None:
    mapping = write(tmp_path, "mri", MRI)
    raw = {
        "BuildingID": "TSTBLG",
        "LeaseID": "TST000",
        "PolicyID": "0000000042",
        "InsuranceType": "GL",
        "EffectiveDate": "2025-01-01T00:00:00",
        "CoverageAmount": "2000000.00",
        "AdditionalInsured": "Y",
        "Waived": "N",
        "Compliant": "Y",
        "LastUpdate": "2025-03-01T10:15:32.123",
    }
    result = mapping.forward("lease_insurance", raw)
    assert result.ok, result.reason
    assert result.values["effective_date"] == date(2025, 1, 1)
    assert result.values["limit"] == money(2000000)
    assert result.values["compliance_status"] == "compliant"
    assert mapping.record("lease_insurance").updated_at(raw) == "2025-03-01T10:15:32.123"
    payload = mapping.reverse("lease_insurance", {"compliance_status": "expired", "waived": True})
    assert payload.values == {"Compliant": "N", "Waived": "Y"}


VTS = """
[mapping]
name = "vts"
[records.insurance_certificates]
entity = "certificate"
id = "id"
updated_at = "attributes.updated_at"
[[records.insurance_certificates.fields]]
target = "holder_id"
source = "relationships.tenant.data.id"
[[records.insurance_certificates.fields]]
target = "agreement_id"
source = "relationships.lease.data.id"
[[records.insurance_certificates.fields]]
target = "coverage_type"
source = "attributes.coverage_type"
coerce = "code"
table = "coverage_type"
[[records.insurance_certificates.fields]]
target = "limit"
source = "attributes.limit"
coerce = "money"
[[records.insurance_certificates.fields]]
target = "required_limit"
source = "attributes.required_limit"
coerce = "money"
format = "magnitude_unit"
owner = "coisync"
job = "sync"
[[records.insurance_certificates.fields]]
target = "compliance_status"
source = "attributes.compliance_status"
owner = "coisync"
job = "sync"
[[records.insurance_certificates.fields]]
target = "origin_id"
source = "attributes.sourceid"
owner = "coisync"
job = "sync"
"""


def test_vts_json_api_resource(tmp_path: Path) -> None:
    mapping = write(tmp_path, "vts", VTS)
    raw = {
        "id": "9001",
        "type": "insurance_certificates",
        "attributes": {
            "coverage_type": "general liability",
            "limit": {"magnitude": 1000000, "unit": "USD"},
            "required_limit": {"magnitude": 1000000, "unit": "USD"},
            "compliance_status": "compliant",
            "sourceid": "COI-000123",
            "updated_at": "2025-03-01T10:15:32Z",
        },
        "relationships": {"lease": {"data": {"id": "1"}}, "tenant": {"data": {"id": "7"}}},
    }
    result = mapping.forward("insurance_certificates", raw)
    assert result.ok, result.reason
    assert result.values["holder_id"] == "7"
    assert result.values["limit"] == money(1000000)
    payload = mapping.reverse(
        "insurance_certificates", {"required_limit": money(2000000), "origin_id": "COI-1"}
    )
    assert payload.values == {
        "attributes": {"required_limit": {"magnitude": 2000000, "unit": "USD"}, "sourceid": "COI-1"}
    }


YARDI = """
[mapping]
name = "yardi"
[code_tables.coi_status]
values = { "Compliant" = "compliant", "Non-Compliant" = "non_compliant", "Expired" = "expired" }
[records.vendor_policy]
entity = "certificate"
id = "PolicyId"
[[records.vendor_policy.fields]]
target = "coverage_type"
source = "InsuranceType"
coerce = "code"
table = "coverage_type"
[[records.vendor_policy.fields]]
target = "insurer_name"
source = "Insurer.Name"
[[records.vendor_policy.fields]]
target = "limit"
source = "LiabilityAmount"
coerce = "money"
[[records.vendor_policy.fields]]
target = "required"
source = "IsRequired"
coerce = "flag"
[[records.vendor_policy.fields]]
target = "expiration_date"
source = "ExpirationDate"
coerce = "date"
[[records.vendor_policy.fields]]
target = "notes"
source = "Notes"
[[records.vendor_policy.fields]]
target = "compliance_status"
source = "UserDefinedFields.Field[@Name=COIStatus].#text"
coerce = "code"
table = "coi_status"
owner = "coisync"
job = "sync"
"""

YARDI_XML = """
<Vendors xmlns="http://yardi.com/Vendor">
  <Vendor>
    <VendorId>v000123</VendorId>
    <Insurance>
      <Policy>
        <PolicyId>44</PolicyId>
        <InsuranceType>General Liability</InsuranceType>
        <Insurer><Name>Hartford</Name></Insurer>
        <ExpirationDate>2026-01-01</ExpirationDate>
        <LiabilityAmount>1000000</LiabilityAmount>
        <IsRequired>true</IsRequired>
        <Notes/>
      </Policy>
    </Insurance>
    <UserDefinedFields><Field Name="COIStatus">Compliant</Field></UserDefinedFields>
  </Vendor>
</Vendors>
"""


def test_yardi_soap_xml_converted_to_dict(tmp_path: Path) -> None:
    mapping = write(tmp_path, "yardi", YARDI)
    vendor = xml_to_dict(YARDI_XML)["Vendors"]["Vendor"]
    # The connector flattens one policy row and carries the vendor's user-defined fields along.
    raw = {**vendor["Insurance"]["Policy"], "UserDefinedFields": vendor["UserDefinedFields"]}
    result = mapping.forward("vendor_policy", raw)
    assert result.ok, result.reason
    assert result.values == {
        "coverage_type": "general_liability",
        "insurer_name": "Hartford",
        "limit": money(1000000),
        "required": True,
        "expiration_date": date(2026, 1, 1),
        "notes": None,
        "compliance_status": "compliant",
    }
    payload = mapping.reverse("vendor_policy", {"compliance_status": "expired"})
    assert payload.values == {"UserDefinedFields": {"Field": [{"@Name": "COIStatus", "#text": "Expired"}]}}


def test_xml_to_dict_conventions() -> None:
    data = xml_to_dict(b'<R a="1"><B>x</B><B>y</B><C/><D k="v">t</D></R>')
    assert data == {"R": {"@a": "1", "B": ["x", "y"], "C": None, "D": {"@k": "v", "#text": "t"}}}


def test_xml_entity_expansion_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>'
    with pytest.raises(Exception, match=r"(?i)entit"):
        xml_to_dict(bomb)
