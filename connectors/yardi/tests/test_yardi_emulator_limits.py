"""Yardi emulator: GetRateLimits, over-limit messages inside 200 (or 429), faults, hostile XML, TCP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from coisync_yardi.emulator import YardiEmulator, YardiSettings
from yardi_soap import WS, Soap, credential_xml, envelope

from coisync.sandbox.emulator import FixedClock, RateWindow, serve

Messages = Callable[[httpx.Response, str], list[tuple[str, str]]]
Result = Callable[[httpx.Response, str], Element]
VI, CD = "ItfVendorInvoicing", "ItfCommonData"
HP01 = "<YardiPropertyId>hp01</YardiPropertyId>"
SMALL = YardiSettings(rate_window=RateWindow(3, 3600))


def limits(soap: Soap, result: Result) -> dict[str, tuple[str, str, str]]:
    root = result(soap(CD, "GetRateLimits"), "GetRateLimits")
    return {
        r.get("Interface") or "": (r.get("Period") or "", r.get("Limit") or "", r.get("Remaining") or "")
        for r in root
    }


@pytest.mark.parametrize("settings", [SMALL])
def test_get_rate_limits_counts_down_per_interface(soap: Soap, result: Result) -> None:
    soap(VI, "GetVendors_Login", HP01)
    report = limits(soap, result)
    assert report["Vendor Invoicing"] == ("Hour", "3", "2")
    assert report["Common Data"] == ("Hour", "3", "2")  # this GetRateLimits call counted
    assert report["Renters Insurance"] == ("Hour", "3", "3")


@pytest.mark.parametrize("settings", [SMALL])
def test_over_limit_is_an_error_message_inside_http_200_until_the_window_ends(
    soap: Soap, messages: Messages, clock: FixedClock
) -> None:
    for _ in range(3):
        assert "v000123" in soap(VI, "GetVendors_Login", HP01).text
    refused = soap(VI, "GetVendors_Login", HP01)
    [(kind, text)] = messages(refused, "GetVendors_Login")
    assert kind == "Error"
    assert text == "Rate limit exceeded for interface Vendor Invoicing; try again in 3600 seconds."
    clock.advance(3600)
    assert "v000123" in soap(VI, "GetVendors_Login", HP01).text


@pytest.mark.parametrize("settings", [YardiSettings(rate_window=RateWindow(1, 60), over_limit_status=429)])
def test_optional_http_429_mode(soap: Soap, clock: FixedClock) -> None:
    assert soap(VI, "GetVendors_Login", HP01).status_code == 200
    refused = soap(VI, "GetVendors_Login", HP01)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert "soap:Fault" in refused.text


def test_injected_503_comes_from_the_base_fault_surface(soap: Soap, client: httpx.Client) -> None:
    client.post("/__emulator/faults", json={"kind": "503", "count": 1, "retry_after": 7})
    failed = soap(VI, "GetVendors_Login", HP01)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "7"
    assert "soap:Server" in failed.text
    assert soap(VI, "GetVendors_Login", HP01).status_code == 200


@pytest.mark.parametrize("kind", ["xml_bomb", "external_entity"])
def test_hostile_payloads_are_served_on_reads_when_asked(tmp_path: Path, kind: str) -> None:
    emu = YardiEmulator(tmp_path / "h", FixedClock(), settings=YardiSettings(hostile=kind))  # type: ignore[arg-type]
    emu.seed_demo()
    with httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url="http://y") as client:
        body = envelope(VI, "GetVendors_Login", credential_xml() + HP01)
        response = client.post(
            f"/coisync/webservices/{VI}.asmx",
            content=body,
            headers={"Content-Type": "text/xml", "SOAPAction": f"{WS}{VI}/GetVendors_Login"},
        )
    assert response.status_code == 200
    assert response.text.index("<!DOCTYPE") < response.text.index("<soap:Envelope")
    marker = "&lol9;" if kind == "xml_bomb" else 'SYSTEM "file:///etc/passwd"'
    assert marker in response.text
    assert len(response.content) < 4096  # small on the wire; dangerous only when expanded


def test_served_over_tcp(emulator: YardiEmulator) -> None:
    with serve(emulator) as running, httpx.Client(base_url=running.url) as client:
        body = envelope(VI, "GetVendors_Login", credential_xml() + HP01, version="1.2")
        response = client.post(
            f"/coisync/webservices/{VI}.asmx",
            content=body,
            headers={"Content-Type": f'application/soap+xml; action="{WS}{VI}/GetVendors_Login"'},
        )
    assert response.status_code == 200
    assert "v000123" in response.text
