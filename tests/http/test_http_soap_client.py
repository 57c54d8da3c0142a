"""SOAP through the HTTP seam: Client faults are not retried, Server faults are, unsafe XML is refused."""

from __future__ import annotations

import httpx
import pytest

from coisync.http import Action, FakeClock, HttpConfig, HttpSession, ServerError
from coisync.http.soap import (
    SOAP_1_1,
    SOAP_1_2,
    XmlFragment,
    build_envelope,
    build_fault,
    local_name,
    parse_envelope,
)
from coisync.http.soap_client import (
    SoapFaultError,
    SoapResponseClassifier,
    UnsafeXmlResponseError,
    call_operation,
)

NS = "http://tempuri.org/YSI.Interfaces.WebServices/ItfCommonData"
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


def xml(status: int, body: bytes, content_type: str = "text/xml; charset=utf-8") -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": content_type})


def session(handler: httpx.MockTransport, classifier: SoapResponseClassifier | None = None) -> HttpSession:
    return HttpSession(
        HttpConfig(base_url="https://yardi.example.test/client"),
        clock=FakeClock(),
        transport=handler,
        classifier=classifier or SoapResponseClassifier(),
        resolver=lambda host, port: ["93.184.216.34"],
    )


def answer(operation: str, result: str) -> bytes:
    return build_envelope(f"{operation}Response", NS, [(f"{operation}Result", XmlFragment(result))])


def test_call_operation_sends_the_envelope_and_returns_the_result_document() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return xml(
            200, answer("GetRateLimits", "<RateLimits><RateLimit Interface='Common Data'/></RateLimits>")
        )

    with session(httpx.MockTransport(handler)) as http:
        document = call_operation(
            http,
            "/webservices/ItfCommonData.asmx",
            operation="GetRateLimits",
            namespace=NS,
            params=[("UserName", "u")],
        )
    assert document is not None and local_name(document.tag) == "RateLimits"
    request = seen[0]
    assert request.url.path == "/client/webservices/ItfCommonData.asmx"
    assert request.headers["SOAPAction"] == f'"{NS}/GetRateLimits"'
    sent = parse_envelope(request.content)
    assert sent.name == "GetRateLimits" and sent.params()["UserName"].text == "u"


def test_soap12_requests_put_the_action_in_the_content_type() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return xml(200, build_envelope("PingResponse", NS, [("PingResult", "Pong")], version=SOAP_1_2))

    with session(httpx.MockTransport(handler)) as http:
        result = call_operation(http, "/s.asmx", operation="Ping", namespace=NS, params=[], version=SOAP_1_2)
    assert result is not None and result.text == "Pong"
    assert seen[0].headers["Content-Type"].startswith("application/soap+xml")
    assert f'action="{NS}/Ping"' in seen[0].headers["Content-Type"]


def test_client_fault_is_not_retried() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return xml(500, build_fault("Client", "Server was unable to read request."))

    with session(httpx.MockTransport(handler)) as http, pytest.raises(SoapFaultError, match="unable to read"):
        call_operation(http, "/s.asmx", operation="Ping", namespace=NS, params=[])
    assert len(calls) == 1


def test_server_fault_on_a_read_is_retried_then_a_server_error() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return xml(500, build_fault("Server", "database busy", version=SOAP_1_1))

    with session(httpx.MockTransport(handler)) as http, pytest.raises(ServerError):
        call_operation(http, "/s.asmx", operation="Ping", namespace=NS, params=[])
    assert len(calls) == 5


@pytest.mark.parametrize("where", ["document", "embedded"])
def test_unsafe_xml_is_refused_and_not_retried(where: str) -> None:
    calls: list[int] = []
    body = (
        XXE.encode()
        if where == "document"
        else answer("Ping", XXE.replace("&", "&amp;").replace("<", "&lt;"))
    )

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return xml(200, body)

    with session(httpx.MockTransport(handler)) as http, pytest.raises(UnsafeXmlResponseError) as raised:
        call_operation(http, "/s.asmx", operation="Ping", namespace=NS, params=[])
    assert len(calls) == 1
    assert "passwd" not in str(raised.value)


def test_inspect_hook_sees_successful_envelopes_only() -> None:
    class Throttled(SoapResponseClassifier):
        def inspect(self, response: httpx.Response, message: object) -> Action:
            return Action.RATE_LIMITED

    request = httpx.Request("POST", "https://x.test/s.asmx")
    ok = xml(200, answer("Ping", "Pong"))
    ok.request = request
    assert Throttled().classify(ok) is Action.RATE_LIMITED
    assert SoapResponseClassifier().classify(ok) is Action.OK
    html = xml(200, b"<html>maintenance</html>", "text/html")
    html.request = request
    assert SoapResponseClassifier().classify(html) is Action.OK
