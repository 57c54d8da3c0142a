"""Kit helpers for SOAP: body secrets kept by the recording transport, scrubbed and normalised for cassettes."""

from __future__ import annotations

import httpx
from vcr.request import Request

from coisync.testing.soap import (
    SoapCassetteScrubber,
    SoapRecordingTransport,
    normalised_soap_body,
    scrub_secret_elements,
    secret_element_values,
    soap_body_matcher,
)

BODY = (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Ping xmlns="urn:x">'
    "<UserName>u</UserName><Password>pw-1</Password><InterfaceLicense>lic-2</InterfaceLicense>"
    "<ModifiedSinceDate>2026-01-01T00:00:00</ModifiedSinceDate></Ping></soap:Body></soap:Envelope>"
)


def test_secret_elements_are_found_and_replaced_by_placeholders() -> None:
    assert secret_element_values(BODY) == {"pw-1", "lic-2"}
    scrubbed = scrub_secret_elements(BODY)
    assert "<Password><PASSWORD></Password>" in scrubbed
    assert "<InterfaceLicense><INTERFACELICENSE></InterfaceLicense>" in scrubbed
    assert "<UserName>u</UserName>" in scrubbed


def test_bodies_differing_only_in_secrets_or_timestamps_match() -> None:
    other = BODY.replace("pw-1", "another").replace("2026-01-01T00:00:00", "2027-05-05T10:00:00")
    assert normalised_soap_body(BODY) == normalised_soap_body(other)
    recorded = Request("POST", "http://y.test/s.asmx", scrub_secret_elements(BODY), {})
    live = Request("POST", "http://y.test/s.asmx", other, {})
    soap_body_matcher(recorded, live)
    changed = Request("POST", "http://y.test/s.asmx", BODY.replace("<UserName>u", "<UserName>v"), {})
    try:
        soap_body_matcher(recorded, changed)
    except AssertionError:
        pass
    else:
        raise AssertionError("a changed body matched")


def test_scrubber_hides_secret_elements_and_literal_secrets() -> None:
    scrubber = SoapCassetteScrubber(["u-literal"])
    out = scrubber.body(BODY.replace("<UserName>u<", "<UserName>u-literal<").encode(), "text/xml")
    assert isinstance(out, bytes)
    text = out.decode()
    assert "pw-1" not in text and "lic-2" not in text and "u-literal" not in text


def test_recording_transport_keeps_body_credentials() -> None:
    transport = SoapRecordingTransport(httpx.MockTransport(lambda request: httpx.Response(200)))
    with httpx.Client(transport=transport) as client:
        client.post("https://y.test/s.asmx", content=BODY)
    assert {"pw-1", "lic-2"} <= transport.credentials
