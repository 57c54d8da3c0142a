"""Raw SOAP envelopes for the Yardi emulator tests: hand-written, no connector or core SOAP code."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

import httpx
from coisync_yardi.emulator import DEMO_CREDENTIAL
from defusedxml import ElementTree

WS = "http://tempuri.org/YSI.Interfaces.WebServices/"
ENV11 = "http://schemas.xmlsoap.org/soap/envelope/"
ENV12 = "http://www.w3.org/2003/05/soap-envelope"
CREDENTIALS: dict[str, str] = {
    "UserName": DEMO_CREDENTIAL.user_name,
    "Password": DEMO_CREDENTIAL.password,
    "ServerName": DEMO_CREDENTIAL.server_name,
    "Database": DEMO_CREDENTIAL.database,
    "Platform": "SQL Server",
    "InterfaceEntity": "coisync",
    "InterfaceLicense": DEMO_CREDENTIAL.licences["coisync"],
}

Soap = Callable[..., httpx.Response]


def envelope(itf: str, op: str, inner: str, version: str = "1.1") -> str:
    """A hand-written document/literal envelope."""
    env = ENV11 if version == "1.1" else ENV12
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{env}">'
        f'<soap:Body><{op} xmlns="{WS}{itf}">{inner}</{op}></soap:Body></soap:Envelope>'
    )


def credential_xml(overrides: dict[str, str | None] | None = None, database: str = "Database") -> str:
    values: dict[str, str | None] = dict(CREDENTIALS)
    values.update(overrides or {})
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        tag = database if name == "Database" else name
        parts.append(f"<{tag}>{value}</{tag}>")
    return "".join(parts)


def result_of(response: httpx.Response, op: str) -> Element:
    """The element inside ``<{op}Result>`` (tests parse with the standard library on trusted bytes)."""
    root = ElementTree.fromstring(response.content)
    found = root.find(f".//{{*}}{op}Result")
    assert found is not None, response.text
    assert len(found) == 1, response.text
    return found[0]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
