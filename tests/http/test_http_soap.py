"""SOAP envelopes: building and parsing both versions, faults, embedded documents, hostile XML."""

from __future__ import annotations

import pytest

from coisync.http.soap import (
    SOAP_1_1,
    SOAP_1_2,
    SoapFormatError,
    UnsafeXmlError,
    XmlFragment,
    build_envelope,
    build_fault,
    embedded_document,
    local_name,
    parse_envelope,
    parse_xml,
    result_element,
)

NS = "http://tempuri.org/YSI.Interfaces.WebServices/ItfCommonData"
BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


@pytest.mark.parametrize("version", [SOAP_1_1, SOAP_1_2])
def test_envelope_round_trip_escapes_text_and_keeps_fragments(version: object) -> None:
    assert version in (SOAP_1_1, SOAP_1_2)
    body = build_envelope(
        "UpdateResidentData",
        NS,
        [("UserName", "a<b&c"), ("Empty", None), ("XmlDoc", XmlFragment("<Tenants><Tenant/></Tenants>"))],
        version=version,  # type: ignore[arg-type]
    )
    message = parse_envelope(body)
    assert message.version is version
    assert message.name == "UpdateResidentData"
    assert message.namespace == NS
    params = message.params()
    assert params["UserName"].text == "a<b&c"
    assert params["Empty"].text is None
    document = embedded_document(params["XmlDoc"])
    assert document is not None
    assert local_name(document.tag) == "Tenants"


def test_request_headers_per_version() -> None:
    assert SOAP_1_1.request_headers(f"{NS}/Ping") == {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{NS}/Ping"',
    }
    assert SOAP_1_2.request_headers(f"{NS}/Ping") == {
        "Content-Type": f'application/soap+xml; charset=utf-8; action="{NS}/Ping"'
    }


@pytest.mark.parametrize(
    ("version", "code"), [(SOAP_1_1, "Client"), (SOAP_1_2, "Client"), (SOAP_1_2, "Server")]
)
def test_faults_parse_back_to_client_or_server(version: object, code: str) -> None:
    message = parse_envelope(build_fault(code, "Server was unable to read request.", version=version))  # type: ignore[arg-type]
    fault = message.fault()
    assert fault is not None
    assert fault.code == code
    assert fault.message == "Server was unable to read request."
    assert fault.is_client_error is (code == "Client")


def test_result_element_and_escaped_text_documents() -> None:
    inner = (
        '&lt;Messages&gt;&lt;Message messageType="Error"&gt;Login failed.&lt;/Message&gt;&lt;/Messages&gt;'
    )
    body = build_envelope("PingResponse", NS, [("PingResult", XmlFragment(inner))])
    message = parse_envelope(body)
    result = result_element(message, "Ping")
    assert result is not None
    document = embedded_document(result)
    assert document is not None
    assert document[0].text == "Login failed."
    assert result_element(message, "Other") is None
    assert message.fault() is None


@pytest.mark.parametrize("payload", [BOMB, XXE])
def test_dtds_and_entities_are_refused_unread(payload: str) -> None:
    with pytest.raises(UnsafeXmlError, match="refused"):
        parse_xml(payload)
    with pytest.raises(UnsafeXmlError):
        parse_envelope(payload.encode())
    wrapped = build_envelope("XResponse", NS, [("XResult", payload)])  # escaped as text
    result = result_element(parse_envelope(wrapped), "X")
    assert result is not None
    with pytest.raises(UnsafeXmlError):
        embedded_document(result)


@pytest.mark.parametrize(
    "text",
    [b"", b"<a>", b"<a/>", b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>'],
)
def test_malformed_or_non_envelopes(text: bytes) -> None:
    with pytest.raises(SoapFormatError):
        parse_envelope(text)
