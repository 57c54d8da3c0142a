"""Yardi emulator, credentials in the body: Login failed., licences, property access, DataBase."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from coisync_yardi.emulator import DEMO_CREDENTIAL, YardiCredential, YardiEmulator
from defusedxml import ElementTree
from yardi_soap import WS, Soap, credential_xml, envelope

Messages = Callable[[httpx.Response, str], list[tuple[str, str]]]
VI, CD = "ItfVendorInvoicing", "ItfCommonData"
HP01 = "<YardiPropertyId>hp01</YardiPropertyId>"
LOGIN_FAILED = [("Error", "Login failed.")]


@pytest.mark.parametrize(
    "override",
    [
        {"Password": "wrong"},
        {"Password": None},
        {"UserName": "nobody"},
        {"ServerName": "other_server"},
        {"Database": "other_db"},
        {"Platform": "MySQL"},
    ],
)
def test_bad_login_is_http_200_with_login_failed(
    soap: Soap, messages: Messages, override: dict[str, str | None]
) -> None:
    response = soap(VI, "GetVendors_Login", HP01, credentials=override)
    assert response.status_code == 200
    assert messages(response, "GetVendors_Login") == LOGIN_FAILED
    assert "v000123" not in response.text


def test_unknown_entity_or_licence_is_not_configured_for_the_property(soap: Soap, messages: Messages) -> None:
    for override in ({"InterfaceEntity": "someone-else"}, {"InterfaceLicense": "forged"}):
        response = soap(VI, "GetVendors_Login", HP01, credentials=override)
        assert messages(response, "GetVendors_Login") == [
            ("Error", "Interface Vendor Invoicing is not Configured for property hp01")
        ]


def test_unlicensed_interface_for_a_property(soap: Soap, messages: Messages) -> None:
    # hp02 is licensed for Common Data only.
    response = soap(VI, "GetVendors_Login", "<YardiPropertyId>hp02</YardiPropertyId>")
    assert messages(response, "GetVendors_Login") == [
        ("Error", "Interface Vendor Invoicing is not Configured for property hp02")
    ]
    joined = soap(VI, "GetVendors_Login", "<YardiPropertyId>hp01;hp02</YardiPropertyId>")
    assert messages(joined, "GetVendors_Login")[0][1].endswith("is not Configured for property hp02")


def test_invalid_property_code(soap: Soap, messages: Messages) -> None:
    for value in ("hp99", "", "hp01;nope"):
        response = soap(VI, "GetVendors_Login", f"<YardiPropertyId>{value}</YardiPropertyId>")
        assert messages(response, "GetVendors_Login") == [("Error", "Invalid Yardi Property Code")]


def test_no_access_to_a_property(tmp_path: Path) -> None:
    limited = YardiCredential(
        user_name=DEMO_CREDENTIAL.user_name,
        password=DEMO_CREDENTIAL.password,
        server_name=DEMO_CREDENTIAL.server_name,
        database=DEMO_CREDENTIAL.database,
        licences=DEMO_CREDENTIAL.licences,
        properties=frozenset({"hp02"}),
    )
    emu = YardiEmulator(tmp_path / "s", credentials=[limited])
    emu.seed_demo()
    with httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url="http://y") as client:
        body = envelope(VI, "GetVendors_Login", credential_xml() + HP01)
        response = client.post(
            f"/coisync/webservices/{VI}.asmx",
            content=body,
            headers={"Content-Type": "text/xml", "SOAPAction": f"{WS}{VI}/GetVendors_Login"},
        )
        text = ElementTree.fromstring(response.content).findtext(".//{*}Message")
        assert text == "Invalid or no access to Yardi Property"
        props = envelope(CD, "GetPropertyConfigurations", credential_xml())
        listed = client.post(
            f"/coisync/webservices/{CD}.asmx",
            content=props,
            headers={"Content-Type": "text/xml", "SOAPAction": f"{WS}{CD}/GetPropertyConfigurations"},
        )
        assert "hp02" in listed.text
        assert "hp01" not in listed.text


def test_calls_without_a_property_refuse_an_unlicensed_entity(soap: Soap, messages: Messages) -> None:
    response = soap(CD, "GetPropertyConfigurations", credentials={"InterfaceLicense": "forged"})
    assert messages(response, "GetPropertyConfigurations") == [
        ("Error", "Interface Common Data is not Configured for this Interface Entity")
    ]


def test_import_tenant_lease_document_spells_database_as_DataBase(soap: Soap, messages: Messages) -> None:
    pdf = base64.b64encode(b"%PDF-1.4 certificate").decode()
    params = (
        "<PropertyId>hp01</PropertyId><TenantCode>t0001234</TenantCode>"
        "<AttachmentType>Insurance Certificate</AttachmentType><Description>COI 2025</Description>"
        f"<Attachment>{pdf}</Attachment><FileExtension>pdf</FileExtension>"
    )
    wrong = soap(CD, "ImportTenantLeaseDocumentExt", params)  # sends <Database>
    assert messages(wrong, "ImportTenantLeaseDocumentExt") == LOGIN_FAILED
    right = soap(CD, "ImportTenantLeaseDocumentExt", params, database="DataBase")
    [(kind, text)] = messages(right, "ImportTenantLeaseDocumentExt")
    assert kind == "Info"
    assert text.startswith("Document ")


def test_login_failure_fault_answers_login_failed_for_valid_credentials(
    soap: Soap, client: httpx.Client, messages: Messages
) -> None:
    client.post("/__emulator/faults", json={"kind": "login_failure", "count": 1})
    first = soap(VI, "GetVendors_Login", HP01)
    assert messages(first, "GetVendors_Login") == LOGIN_FAILED
    second = soap(VI, "GetVendors_Login", HP01)
    assert "v000123" in second.text
