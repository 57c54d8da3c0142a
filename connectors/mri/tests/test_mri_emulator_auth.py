"""The MRI emulator's composite Basic user name, opaque 401s and the partner manifest (raw requests)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from coisync_mri.emulator import INSURANCE_API, LEASES_API, MriEmulator, MriSettings
from mri_raw import API_PATH, CLIENT_ID, DATABASE, PARTNER_KEY, PASSWORD, USER_ID, USERNAME, params

from coisync.sandbox.emulator import EmulatorTransport, FixedClock


def get(client: httpx.Client, auth: tuple[str, str] | None, **extra: str) -> httpx.Response:
    return client.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG", **extra), auth=auth)


def test_valid_composite_user_reads(client: httpx.Client) -> None:
    response = get(client, (USERNAME, PASSWORD))
    assert response.status_code == 200
    assert [row["LeaseID"] for row in response.json()["value"]] == ["TST000", "TST001"]


@pytest.mark.parametrize(
    "username",
    [
        f"WRONG/{DATABASE}/{USER_ID}/{PARTNER_KEY}",
        f"{CLIENT_ID}/WRONGDB/{USER_ID}/{PARTNER_KEY}",
        f"{CLIENT_ID}/{DATABASE}/someoneelse/{PARTNER_KEY}",
        f"{CLIENT_ID}/{DATABASE}/{USER_ID}/PK-wrong",
        f"{CLIENT_ID}/{DATABASE}/{USER_ID}",
        f"{CLIENT_ID}/{DATABASE}/{USER_ID}/{PARTNER_KEY}/extra",
    ],
    ids=["client", "database", "user", "partner_key", "three_parts", "five_parts"],
)
def test_any_wrong_part_is_an_opaque_401(client: httpx.Client, username: str) -> None:
    response = get(client, (username, PASSWORD))
    assert response.status_code == 401
    assert response.content == b""


def test_wrong_password_and_missing_header_look_the_same(client: httpx.Client) -> None:
    wrong = get(client, (USERNAME, "not-the-password"))
    missing = get(client, None)
    assert wrong.status_code == missing.status_code == 401
    assert wrong.content == missing.content == b""
    assert wrong.headers.get("WWW-Authenticate") == missing.headers.get("WWW-Authenticate")


def test_bearer_is_not_basic(client: httpx.Client) -> None:
    response = client.get(
        API_PATH, params=params(LEASES_API, BLDGID="TSTBLG"), headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 401


def test_api_outside_the_manifest_is_403(tmp_path: Path) -> None:
    emulator = MriEmulator(
        tmp_path,
        FixedClock(),
        credentials={USERNAME: PASSWORD},
        settings=MriSettings(manifest=frozenset({LEASES_API})),
    )
    emulator.seed_demo()
    with httpx.Client(
        transport=EmulatorTransport(emulator), base_url="https://mri.test", auth=(USERNAME, PASSWORD)
    ) as c:
        assert c.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG")).status_code == 200
        refused = c.get(API_PATH, params=params(INSURANCE_API, BLDGID="TSTBLG"))
    assert refused.status_code == 403
    assert INSURANCE_API in refused.text


def test_manifest_is_checked_after_credentials(tmp_path: Path) -> None:
    emulator = MriEmulator(
        tmp_path, FixedClock(), credentials={USERNAME: PASSWORD}, settings=MriSettings(manifest=frozenset())
    )
    with httpx.Client(transport=EmulatorTransport(emulator), base_url="https://mri.test") as c:
        response = c.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG"), auth=("a/b/c/d", "x"))
    assert response.status_code == 401


def test_login_failure_fault_refuses_valid_credentials(authed: httpx.Client) -> None:
    authed.post("/__emulator/faults", json={"kind": "login_failure", "count": 1}).raise_for_status()
    refused = authed.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG"))
    again = authed.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG"))
    assert (refused.status_code, refused.content) == (401, b"")
    assert again.status_code == 200


def test_request_log_holds_no_credential(authed: httpx.Client) -> None:
    authed.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG"))
    log = authed.get("/__emulator/requests").text
    assert PASSWORD not in log and PARTNER_KEY not in log and USERNAME not in log
