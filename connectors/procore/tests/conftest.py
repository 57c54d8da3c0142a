"""Fixtures for driving the Procore emulator with raw HTTP requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from coisync_procore.emulator import DEMO_COMPANY_ID, DEMO_CREDENTIALS, ProcoreEmulator, ProcoreSettings

from coisync.sandbox.emulator import FixedClock

CLIENT_ID, CLIENT_SECRET = next(iter(DEMO_CREDENTIALS.items()))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings() -> ProcoreSettings:
    return ProcoreSettings()


@pytest.fixture
def emulator(tmp_path: Path, clock: FixedClock, settings: ProcoreSettings) -> ProcoreEmulator:
    emu = ProcoreEmulator(tmp_path / "state", clock, seed=3, settings=settings)
    emu.seed_demo()
    return emu


@pytest.fixture
def client(emulator: ProcoreEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=httpx.WSGITransport(app=emulator.wsgi_app), base_url="http://procore.test"
    ) as c:
        yield c


@pytest.fixture
def token_body(client: httpx.Client) -> dict[str, object]:
    """A client-credentials grant answered by the emulator."""
    response = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.fixture
def token(token_body: dict[str, object]) -> str:
    return str(token_body["access_token"])


@pytest.fixture
def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(DEMO_COMPANY_ID)}
