"""Fixtures for driving the Yardi emulator with raw SOAP envelopes (no connector code involved)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from coisync_yardi.emulator import YardiEmulator, YardiSettings
from yardi_soap import WS, Soap, credential_xml, envelope, local, result_of

from coisync.sandbox.emulator import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings() -> YardiSettings:
    return YardiSettings()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def emulator(state_dir: Path, clock: FixedClock, settings: YardiSettings) -> YardiEmulator:
    emu = YardiEmulator(state_dir, clock, seed=7, settings=settings)
    emu.seed_demo()
    return emu


@pytest.fixture
def client(emulator: YardiEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=httpx.WSGITransport(app=emulator.wsgi_app), base_url="http://yardi.test"
    ) as c:
        yield c


@pytest.fixture
def soap(client: httpx.Client) -> Soap:
    """``soap(itf, op, params_xml, version=..., credentials=..., database=...)`` posts a raw envelope."""

    def call(
        itf: str,
        op: str,
        params: str = "",
        *,
        version: str = "1.1",
        credentials: dict[str, str | None] | None = None,
        database: str = "Database",
    ) -> httpx.Response:
        body = envelope(itf, op, credential_xml(credentials, database) + params, version)
        if version == "1.1":
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{WS}{itf}/{op}"'}
        else:
            headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{WS}{itf}/{op}"'}
        return client.post(f"/coisync/webservices/{itf}.asmx", content=body, headers=headers)

    return call


@pytest.fixture
def result() -> Callable[[httpx.Response, str], Element]:
    return result_of


@pytest.fixture
def messages() -> Callable[[httpx.Response, str], list[tuple[str, str]]]:
    """``(messageType, text)`` of a ``<Messages>`` result."""

    def read(response: httpx.Response, op: str) -> list[tuple[str, str]]:
        assert response.status_code == 200, response.text
        root = result_of(response, op)
        assert local(root.tag) == "Messages", response.text
        return [(m.get("messageType", ""), m.text or "") for m in root]

    return read
