"""Yardi emulator, transport: SOAP 1.1 and 1.2, SOAPAction, faults, WSDL, paths (raw envelopes)."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

import httpx
from coisync_yardi.emulator import INTERFACES
from defusedxml import ElementTree
from yardi_soap import CREDENTIALS, WS, Soap, credential_xml, envelope, local

VI = "ItfVendorInvoicing"
PATH = f"/coisync/webservices/{VI}.asmx"


def fault(response: httpx.Response) -> tuple[str, str]:
    root = ElementTree.fromstring(response.content)
    code = root.find(".//faultcode")
    text = root.find(".//faultstring")
    if code is None:  # SOAP 1.2
        code = root.find(".//{*}Code/{*}Value")
        text = root.find(".//{*}Reason/{*}Text")
    assert code is not None and text is not None, response.text
    return code.text or "", text.text or ""


def test_soap11_call_answers_the_result_document_inside_the_response(
    soap: Soap, result: Callable[[httpx.Response, str], Element]
) -> None:
    response = soap(VI, "GetVendors_Login", "<YardiPropertyId>hp01</YardiPropertyId>")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert local(root[0][0].tag) == "GetVendors_LoginResponse"
    vendors = result(response, "GetVendors_Login")
    assert local(vendors.tag) == "Vendors"
    assert [v.findtext("{*}VendorId") for v in vendors] == ["v000123", "v000131"]


def test_soap12_call_with_action_in_the_content_type(
    soap: Soap, result: Callable[[httpx.Response, str], Element]
) -> None:
    response = soap(
        VI,
        "GetVendor_Login",
        "<YardiPropertyId>hp01</YardiPropertyId><VendorId>v000131</VendorId>",
        version="1.2",
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/soap+xml")
    assert "www.w3.org/2003/05/soap-envelope" in response.text
    vendors = result(response, "GetVendor_Login")
    assert [v.findtext("{*}Name") for v in vendors] == ["Bluewater Plumbing Inc."]


def test_malformed_envelope_is_http_500_soap_client_fault(client: httpx.Client) -> None:
    for body in (b"<soap:Envelope", b"not xml at all", b"<Envelope><Body/></Envelope>"):
        response = client.post(PATH, content=body, headers={"Content-Type": "text/xml", "SOAPAction": "x"})
        assert response.status_code == 500
        assert fault(response)[0] == "soap:Client"


def test_soap12_fault_uses_the_sender_code(client: httpx.Client) -> None:
    response = client.post(PATH, content=b"<broken", headers={"Content-Type": "application/soap+xml"})
    assert response.status_code == 500
    assert fault(response)[0] == "soap:Sender"


def test_wrong_or_missing_soapaction_is_a_client_fault(client: httpx.Client) -> None:
    body = envelope(VI, "GetVendors_Login", credential_xml() + "<YardiPropertyId>hp01</YardiPropertyId>")
    missing = client.post(PATH, content=body, headers={"Content-Type": "text/xml"})
    wrong = client.post(
        PATH,
        content=body,
        headers={"Content-Type": "text/xml", "SOAPAction": f'"{WS}{VI}/ImportVendors_Login"'},
    )
    for response in (missing, wrong):
        assert response.status_code == 500
        code, text = fault(response)
        assert code == "soap:Client"
        assert "SOAPAction" in text


def test_operation_of_another_interface_is_not_dispatched(client: httpx.Client) -> None:
    body = envelope("ItfCommonData", "GetRateLimits", credential_xml())
    response = client.post(
        PATH,
        content=body,
        headers={"Content-Type": "text/xml", "SOAPAction": f'"{WS}ItfCommonData/GetRateLimits"'},
    )
    assert response.status_code == 500
    assert fault(response)[0] == "soap:Client"


def test_unsupported_media_type_and_unknown_paths(client: httpx.Client) -> None:
    assert client.post(PATH, content=b"{}", headers={"Content-Type": "application/json"}).status_code == 415
    assert client.post("/other/webservices/ItfVendorInvoicing.asmx", content=b"").status_code == 404
    assert client.post("/coisync/webservices/ItfNothing.asmx", content=b"").status_code == 404


def test_paths_match_without_regard_to_case(soap: Soap, client: httpx.Client) -> None:
    body = envelope(VI, "GetVendors_Login", credential_xml() + "<YardiPropertyId>hp01</YardiPropertyId>")
    response = client.post(
        "/coisync/webservices/itfvendorinvoicing.ASMX",
        content=body,
        headers={"Content-Type": "text/xml", "SOAPAction": f"{WS}{VI}/GetVendors_Login"},
    )
    assert response.status_code == 200
    assert "v000123" in response.text


def test_a_request_declaring_a_dtd_is_refused_as_a_client_fault(client: httpx.Client) -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + envelope(VI, "GetVendors_Login", credential_xml() + "<YardiPropertyId>&e;</YardiPropertyId>").split(
            "?>", 1
        )[1]
    )
    response = client.post(
        PATH, content=body, headers={"Content-Type": "text/xml", "SOAPAction": f"{WS}{VI}/GetVendors_Login"}
    )
    assert response.status_code == 500
    code, text = fault(response)
    assert code == "soap:Client"
    assert "refused" in text
    assert "root:" not in response.text


def test_wsdl_lists_every_operation_with_credentials_and_both_bindings(client: httpx.Client) -> None:
    for interface in INTERFACES.values():
        response = client.get(f"/coisync/webservices/{interface.asmx}.asmx?WSDL")
        assert response.status_code == 200
        wsdl = ElementTree.fromstring(response.content)
        assert wsdl.get("targetNamespace") == WS + interface.asmx
        port_ops = [op.get("name") for op in wsdl.findall("{*}portType/{*}operation")]
        assert port_ops == list(interface.operations)
        bindings = {b.get("name") for b in wsdl.findall("{*}binding")}
        assert bindings == {f"{interface.asmx}Soap", f"{interface.asmx}Soap12"}
        for op, params in interface.operations.items():
            element = wsdl.find(f".//{{*}}schema/{{*}}element[@name='{op}']")
            assert element is not None
            names = [e.get("name") for e in element.iter() if e.get("name") and e is not element]
            expected_db = "DataBase" if op == "ImportTenantLeaseDocumentExt" else "Database"
            assert expected_db in names
            assert names[: len(CREDENTIALS)][0] == "UserName"
            assert names[len(CREDENTIALS) :] == list(params)
    lower = client.get(f"/coisync/webservices/{VI}.asmx?wsdl")
    assert lower.status_code == 200
    assert "wsdl:definitions" in lower.text


def test_http_basic_is_accepted_and_ignored(client: httpx.Client) -> None:
    body = envelope(VI, "GetVendors_Login", credential_xml() + "<YardiPropertyId>hp01</YardiPropertyId>")
    response = client.post(
        PATH,
        content=body,
        headers={"Content-Type": "text/xml", "SOAPAction": f"{WS}{VI}/GetVendors_Login"},
        auth=("someone", "anything"),
    )
    assert response.status_code == 200
    assert "v000123" in response.text


def test_request_log_never_holds_the_soap_password(soap: Soap, client: httpx.Client) -> None:
    soap(VI, "GetVendors_Login", "<YardiPropertyId>hp01</YardiPropertyId>")
    log = client.get("/__emulator/requests").text
    assert CREDENTIALS["Password"] not in log
    assert CREDENTIALS["InterfaceLicense"] not in log
