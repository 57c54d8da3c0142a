"""Yardi emulator, Common Data and Renters Insurance: properties, commercial tenants, documents."""

from __future__ import annotations

import base64
from collections.abc import Callable
from xml.etree.ElementTree import Element

import httpx
from yardi_soap import Soap

from coisync.sandbox.emulator import FixedClock

Messages = Callable[[httpx.Response, str], list[tuple[str, str]]]
Result = Callable[[httpx.Response, str], Element]
CD, RI = "ItfCommonData", "ItfRentersInsurance30"


def codes(root: Element, tag: str) -> list[str]:
    return [child.findtext(f"{{*}}{tag}") or "" for child in root]


def test_property_configurations_and_modified_from_date(soap: Soap, result: Result, emulator: object) -> None:
    root = result(soap(CD, "GetPropertyConfigurations"), "GetPropertyConfigurations")
    assert codes(root, "Code") == ["hp01", "hp02"]
    hp01 = root[0]
    assert hp01.findtext("{*}MarketingName") == "Harbor Point Tower"
    assert hp01.findtext("{*}City") == "Boston"
    later = result(
        soap(CD, "GetPropertyConfigurationsModifiedFromDate", "<DateModified>2025-06-01</DateModified>"),
        "GetPropertyConfigurationsModifiedFromDate",
    )
    assert codes(later, "Code") == []


def test_residents_by_date_returns_commercial_tenants_with_policies(soap: Soap, result: Result) -> None:
    params = (
        "<YardiPropertyId>hp01;hp02</YardiPropertyId><Status></Status><ModifiedSinceDate></ModifiedSinceDate>"
    )
    root = result(soap(CD, "GetResidentsByDate", params), "GetResidentsByDate")
    assert codes(root, "TenantCode") == ["t0001234", "t0001240"]
    cafe = root[0]
    assert cafe.findtext("{*}PropertyCode") == "hp01"
    assert cafe.findtext("{*}LeaseTo") == "2029-12-31"
    [policy] = cafe.findall("{*}Insurance/{*}Policy")
    assert policy.findtext("{*}PolicyNumber") == "CGL-55120"
    assert policy.findtext("{*}Insurer/{*}Name") == "Main Street Mutual"


def test_residents_by_date_is_incremental(soap: Soap, result: Result, clock: FixedClock) -> None:
    since = "<YardiPropertyId>hp01;hp02</YardiPropertyId><ModifiedSinceDate>2025-02-11T00:00:00</ModifiedSinceDate>"
    root = result(soap(CD, "GetResidentsByDate", since), "GetResidentsByDate")
    assert codes(root, "TenantCode") == ["t0001240"]
    clock.advance(10)
    doc = (
        '<Tenants xmlns="http://yardi.com/CommercialTenant"><Tenant><TenantCode>t0001234</TenantCode>'
        '<UserDefinedFields><Field Name="COIStatus">Non-Compliant</Field></UserDefinedFields>'
        "<Notes>GL limit below 2M</Notes></Tenant></Tenants>"
    )
    soap(CD, "UpdateResidentData", f"<XmlDoc>{doc}</XmlDoc>")
    now = "<YardiPropertyId>hp01</YardiPropertyId><ModifiedSinceDate>2026-01-01T00:00:00</ModifiedSinceDate>"
    root = result(soap(CD, "GetResidentsByDate", now), "GetResidentsByDate")
    assert codes(root, "TenantCode") == ["t0001234"]
    assert root[0].findtext("{*}Notes") == "GL limit below 2M"
    assert root[0].find("{*}UserDefinedFields/{*}Field").text == "Non-Compliant"  # type: ignore[union-attr]


def test_update_resident_data_refuses_unknown_tenants(soap: Soap, messages: Messages) -> None:
    doc = "<Tenants><Tenant><TenantCode>t404</TenantCode></Tenant></Tenants>"
    assert messages(soap(CD, "UpdateResidentData", f"<XmlDoc>{doc}</XmlDoc>"), "UpdateResidentData") == [
        ("Error", "Tenant t404 does not exist")
    ]


def test_lease_documents_upload_and_list_by_date_range(
    soap: Soap, result: Result, messages: Messages
) -> None:
    pdf = base64.b64encode(b"%PDF-1.7 tenant certificate").decode()
    params = (
        "<PropertyId>hp01</PropertyId><TenantCode>t0001234</TenantCode>"
        "<AttachmentType>Insurance Certificate</AttachmentType><Description>coisync:op-9</Description>"
        f"<Attachment>{pdf}</Attachment><FileExtension>pdf</FileExtension>"
    )
    assert (
        messages(
            soap(CD, "ImportTenantLeaseDocumentExt", params, database="DataBase"),
            "ImportTenantLeaseDocumentExt",
        )[0][0]
        == "Info"
    )
    window = "<PropertyId>hp01</PropertyId><TenantCode>t0001234</TenantCode><FromDate>2026-01-01</FromDate><ToDate>2026-01-01</ToDate>"
    docs = result(soap(CD, "GetTenantLeaseDocuments_DateRange", window), "GetTenantLeaseDocuments_DateRange")
    [doc] = docs.findall("{*}Attachments/{*}Attachment")
    assert doc.findtext("{*}Description") == "coisync:op-9"
    earlier = window.replace("2026-01-01</ToDate>", "2025-12-31</ToDate>").replace(
        "<FromDate>2026", "<FromDate>2025"
    )
    none = result(soap(CD, "GetTenantLeaseDocuments_DateRange", earlier), "GetTenantLeaseDocuments_DateRange")
    assert none.findall("{*}Attachments/{*}Attachment") == []


def test_renters_policies_by_last_modified_and_the_empty_answer(
    soap: Soap, result: Result, messages: Messages
) -> None:
    root = result(
        soap(RI, "GetInsurancePolicies", "<YardiPropertyId>hp01</YardiPropertyId>"), "GetInsurancePolicies"
    )
    [policy] = list(root)
    assert policy.findtext("{*}Customer/{*}Identification/{*}IDValue") == "t0001234"
    assert policy.findtext("{*}PolicyDetails/{*}LiabilityAmount") == "100000"
    empty = soap(
        RI,
        "GetInsurancePolicies",
        "<YardiPropertyId>hp01</YardiPropertyId><PolicyDateLastModified>2025-06-01</PolicyDateLastModified>",
    )
    assert messages(empty, "GetInsurancePolicies") == [
        ("Error", "No insurance policies exist with the given search criteria.")
    ]


def test_import_insurance_policies_new_then_change(soap: Soap, result: Result, messages: Messages) -> None:
    policy = (
        '<RenterInsurance xmlns="http://yardi.com/RentersInsurance30" xmlns:MITS="http://my-company.com/namespace">'
        '<InsurancePolicy Type="new"><Customer><MITS:Identification IDType="Resident ID">'
        "<MITS:IDValue>t0001234</MITS:IDValue></MITS:Identification></Customer>"
        "<Insurer><Name>Acme Mutual</Name></Insurer><PolicyNumber>REN-7</PolicyNumber><PolicyTitle>Renters</PolicyTitle>"
        "<PolicyDetails><EffectiveDate>2026-01-01</EffectiveDate><ExpirationDate>2027-01-01</ExpirationDate>"
        "<LiabilityAmount>300000</LiabilityAmount></PolicyDetails></InsurancePolicy></RenterInsurance>"
    )
    [(kind, text)] = messages(
        soap(
            RI, "ImportInsurancePolicies", f"<YardiPropertyId>hp01</YardiPropertyId><Policy>{policy}</Policy>"
        ),
        "ImportInsurancePolicies",
    )
    assert kind == "Info"
    policy_id = text.split()[1]
    change = (
        policy.replace('Type="new"', 'Type="change"')
        .replace("</PolicyDetails>", f"<PolicyId>{policy_id}</PolicyId></PolicyDetails>")
        .replace("2027-01-01", "2027-06-30")
    )
    soap(RI, "ImportInsurancePolicies", f"<YardiPropertyId>hp01</YardiPropertyId><Policy>{change}</Policy>")
    found = result(
        soap(
            RI,
            "GetInsurancePolicies",
            "<YardiPropertyId>hp01</YardiPropertyId><PolicyNumber>REN-7</PolicyNumber>",
        ),
        "GetInsurancePolicies",
    )
    [one] = list(found)
    assert one.findtext("{*}PolicyDetails/{*}ExpirationDate") == "2027-06-30"
    assert one.findtext("{*}PolicyDetails/{*}PolicyId") == policy_id
