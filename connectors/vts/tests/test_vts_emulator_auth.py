"""The VTS emulator's auth check, HTTP Basic refusals, 403 and error bodies, by raw requests."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from coisync_vts.emulator import ACCESS_DENIED, NOT_AUTHORIZED, VtsEmulator, VtsSettings
from vts_raw import API_KEY, API_SECRET

from coisync.sandbox.emulator import EmulatorTransport, FixedClock, parse_rule


def test_connect_answers_the_account_in_xml(authed: httpx.Client) -> None:
    response = authed.get("/api/connect/v1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == "<Connect><ID>166</ID><Authorized>true</Authorized></Connect>"


@pytest.mark.parametrize(
    "auth",
    [None, (API_KEY, "wrong-secret"), ("unknown-key", API_SECRET), (API_KEY, "")],
    ids=["none", "wrong-secret", "unknown-key", "empty-secret"],
)
@pytest.mark.parametrize("path", ["/api/connect/v1", "/api/v1/leases", "/api/v1/insurance_certificates/9001"])
def test_bad_credentials_get_the_plain_text_401(
    client: httpx.Client, auth: tuple[str, str] | None, path: str
) -> None:
    response = client.get(path, auth=httpx.BasicAuth(*auth) if auth else httpx.USE_CLIENT_DEFAULT)
    assert response.status_code == 401
    assert response.text == ACCESS_DENIED
    assert response.headers["www-authenticate"].startswith("Basic")


def test_a_garbled_basic_header_is_refused(client: httpx.Client) -> None:
    response = client.get("/api/v1/assets", headers={"Authorization": "Basic %%%not-base64"})
    assert response.status_code == 401


def test_a_resource_outside_the_key_s_authorization_is_403(tmp_path: Path) -> None:
    settings = VtsSettings(authorized_resources=frozenset({"assets"}))
    emulator = VtsEmulator(tmp_path, FixedClock(), credentials={API_KEY: API_SECRET}, settings=settings)
    emulator.seed_demo()
    with httpx.Client(
        transport=EmulatorTransport(emulator), base_url="https://vts.test", auth=(API_KEY, API_SECRET)
    ) as c:
        assert c.get("/api/v1/assets").status_code == 200
        refused = c.get("/api/v1/leases")
    assert refused.status_code == 403
    assert refused.json() == {"errors": [{"detail": NOT_AUTHORIZED}]}


def test_errors_use_the_errors_array(authed: httpx.Client) -> None:
    missing = authed.get("/api/v1/leases/99999")
    assert missing.status_code == 404
    assert missing.json() == {"errors": [{"detail": "Requested lease does not exist"}]}
    unknown_tenant = authed.get("/api/v1/tenants/99999/contacts")
    assert unknown_tenant.status_code == 404
    assert unknown_tenant.json()["errors"][0]["detail"] == "Referenced tenant not found"
    assert authed.get("/api/v1/deal_snapshots").json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("kind", "status", "detail"), [("429", 429, "Rate limit exceeded"), ("503", 503, "Service Unavailable")]
)
def test_throttling_and_outage_faults_carry_retry_after(
    authed: httpx.Client, emulator: VtsEmulator, kind: str, status: int, detail: str
) -> None:
    emulator.faults.add([parse_rule({"kind": kind, "retry_after": 9, "count": 1})])
    response = authed.get("/api/v1/leases")
    assert response.status_code == status
    assert response.headers["retry-after"] == "9"
    assert response.json() == {"errors": [{"detail": detail}]}
    assert authed.get("/api/v1/leases").status_code == 200


def test_a_500_fault_has_no_retry_after(authed: httpx.Client, emulator: VtsEmulator) -> None:
    authed.post("/__emulator/faults", json={"kind": "500", "count": 1})
    response = authed.get("/api/v1/assets")
    assert response.status_code == 500
    assert "retry-after" not in response.headers
    assert response.json()["errors"][0]["detail"]


def test_the_request_log_holds_no_secret(authed: httpx.Client) -> None:
    authed.get("/api/v1/leases")
    authed.get("/api/v1/leases", auth=httpx.BasicAuth(API_KEY, "refused-secret-77"))
    log = authed.get("/__emulator/requests").text
    assert API_SECRET not in log and "refused-secret-77" not in log
