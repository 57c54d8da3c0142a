"""Procore emulator: OAuth token endpoint, bearer tokens and the Procore-Company-Id header."""

from __future__ import annotations

import httpx
import pytest
from coisync_procore.emulator import DEMO_COMPANY_ID, DEMO_CREDENTIALS, ProcoreSettings

from coisync.sandbox.emulator import FixedClock

CLIENT_ID, CLIENT_SECRET = next(iter(DEMO_CREDENTIALS.items()))
GRANT = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
INSURANCES = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/insurances"


def test_client_credentials_grant_returns_the_documented_fields(
    client: httpx.Client, clock: FixedClock
) -> None:
    response = client.post("/oauth/token", data=GRANT)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "created_at", "refresh_token"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 5400
    assert body["created_at"] == int(clock.now())
    assert body["access_token"] != body["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"


def test_token_endpoint_accepts_a_json_body_and_http_basic(client: httpx.Client) -> None:
    as_json = client.post("/oauth/token", json=GRANT)
    as_basic = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert as_json.status_code == 200
    assert as_basic.status_code == 200
    assert as_json.json()["access_token"] != as_basic.json()["access_token"]


@pytest.mark.parametrize(
    "params",
    [
        {**GRANT, "client_secret": "wrong"},
        {**GRANT, "client_id": "someone-else"},
        {"grant_type": "client_credentials"},
    ],
)
def test_wrong_client_credentials_are_401_invalid_client(
    client: httpx.Client, params: dict[str, str]
) -> None:
    response = client.post("/oauth/token", data=params)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_description"]


def test_missing_and_unsupported_grant_types_are_400(client: httpx.Client) -> None:
    missing = client.post("/oauth/token", data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    unsupported = client.post("/oauth/token", data={**GRANT, "grant_type": "password"})
    code = client.post("/oauth/token", data={**GRANT, "grant_type": "authorization_code"})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (unsupported.status_code, unsupported.json()["error"]) == (400, "unsupported_grant_type")
    assert code.json()["error"] == "unsupported_grant_type"


def test_refresh_tokens_are_single_use(client: httpx.Client, token_body: dict[str, object]) -> None:
    refresh = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    first = client.post("/oauth/token", data={**refresh, "refresh_token": str(token_body["refresh_token"])})
    assert first.status_code == 200
    assert first.json()["refresh_token"] != token_body["refresh_token"]
    again = client.post("/oauth/token", data={**refresh, "refresh_token": str(token_body["refresh_token"])})
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    chained = client.post("/oauth/token", data={**refresh, "refresh_token": first.json()["refresh_token"]})
    assert chained.status_code == 200
    bogus = client.post("/oauth/token", data={**refresh, "refresh_token": "not-a-token"})
    assert bogus.json()["error"] == "invalid_grant"


def test_refresh_with_a_wrong_secret_is_refused(client: httpx.Client, token_body: dict[str, object]) -> None:
    other = client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "client_secret": "nope",
            "refresh_token": str(token_body["refresh_token"]),
        },
    )
    assert other.status_code == 401


def test_rest_calls_need_a_bearer_token(client: httpx.Client) -> None:
    company = {"Procore-Company-Id": str(DEMO_COMPANY_ID)}
    for path in (
        INSURANCES,
        "/rest/v1.0/me",
        "/rest/v1.0/companies",
        f"/rest/v1.0/vendors?company_id={DEMO_COMPANY_ID}",
    ):
        response = client.get(path, headers=company)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.json()["error"]["message"] == "The access token is missing."
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    wrong = client.get(INSURANCES, headers={**company, "Authorization": "Bearer made-up"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == "The access token is invalid."


def test_access_tokens_expire_after_expires_in(
    client: httpx.Client, clock: FixedClock, headers: dict[str, str]
) -> None:
    clock.advance(5399)
    assert client.get(INSURANCES, headers=headers).status_code == 200
    clock.advance(1)
    expired = client.get(INSURANCES, headers=headers)
    assert expired.status_code == 401
    assert expired.json()["error"]["message"] == "The access token expired."


def test_missing_company_header_is_400_with_procores_message(client: httpx.Client, token: str) -> None:
    bearer = {"Authorization": f"Bearer {token}"}
    for path in (INSURANCES, f"/rest/v1.0/vendors?company_id={DEMO_COMPANY_ID}"):
        response = client.get(path, headers=bearer)
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "Missing Procore-Company-Id header!"
        assert response.json()["error"]["code"] == "bad_request"
        assert "details" in response.json()["error"]


def test_me_and_companies_do_not_need_the_company_header(client: httpx.Client, token: str) -> None:
    bearer = {"Authorization": f"Bearer {token}"}
    me = client.get("/rest/v1.0/me", headers=bearer)
    companies = client.get("/rest/v1.0/companies", headers=bearer)
    assert me.status_code == 200
    assert me.json()["login"].startswith(CLIENT_ID)
    assert companies.status_code == 200
    assert companies.json() == [
        {"id": DEMO_COMPANY_ID, "name": "Harbor Point Properties (sandbox)", "is_active": True}
    ]
    assert companies.headers["Total"] == "1"


def test_company_header_must_name_a_known_company(client: httpx.Client, token: str) -> None:
    bearer = {"Authorization": f"Bearer {token}"}
    unknown = client.get(INSURANCES, headers={**bearer, "Procore-Company-Id": "999"})
    garbage = client.get(INSURANCES, headers={**bearer, "Procore-Company-Id": "abc"})
    assert unknown.status_code == 403
    assert garbage.status_code == 400


def test_login_failure_fault_refuses_good_credentials(client: httpx.Client) -> None:
    client.post("/__emulator/faults", json={"kind": "login_failure", "count": 1})
    refused = client.post("/oauth/token", data=GRANT)
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"
    assert client.post("/oauth/token", data=GRANT).status_code == 200


@pytest.mark.parametrize("settings", [ProcoreSettings(unknown_company_status=404)])
def test_unknown_company_status_is_configurable(client: httpx.Client, token: str) -> None:
    bearer = {"Authorization": f"Bearer {token}", "Procore-Company-Id": "999"}
    assert client.get(INSURANCES, headers=bearer).status_code == 404
