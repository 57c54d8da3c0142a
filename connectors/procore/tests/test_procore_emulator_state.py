"""Procore emulator: persistence across restarts, lost responses, request log, loopback server, plugin hook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from coisync_procore.emulator import DEMO_COMPANY_ID, DEMO_CREDENTIALS, DEMO_SEED, ProcoreEmulator

from coisync.plugins.manager import build_plugin_manager
from coisync.sandbox.emulator import EmulatorTransport, FixedClock, serve

CLIENT_ID, CLIENT_SECRET = next(iter(DEMO_CREDENTIALS.items()))
GRANT = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
INSURANCES = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/insurances"
ACME = 2_627_684


def wsgi_client(emulator: ProcoreEmulator) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app), base_url="http://procore.test")


def test_writes_and_tokens_survive_a_restart(tmp_path: Path, clock: FixedClock) -> None:
    first = ProcoreEmulator(tmp_path, clock, seed=3)
    first.seed_demo()
    with wsgi_client(first) as client:
        token = client.post("/oauth/token", data=GRANT).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(DEMO_COMPANY_ID)}
        created = client.post(
            INSURANCES, headers=headers, json={"insurance": {"vendor_id": ACME, "name": "Kept"}}
        ).json()
        client.delete(f"{INSURANCES}/311823", headers=headers)
    second = ProcoreEmulator(tmp_path, clock, seed=3)
    with wsgi_client(second) as client:
        assert client.get(f"{INSURANCES}/{created['id']}", headers=headers).json() == created
        assert client.get(f"{INSURANCES}/311823", headers=headers).status_code == 404
        later = client.post(INSURANCES, headers=headers, json={"insurance": {"vendor_id": ACME}}).json()
    assert later["id"] > created["id"]


def test_seeding_twice_does_not_duplicate(tmp_path: Path, clock: FixedClock) -> None:
    emulator = ProcoreEmulator(tmp_path, clock)
    first = emulator.seed({"company": {"id": 1, "name": "C"}, "vendors": [{"id": 10, "name": "V"}]})
    emulator.seed({"company": {"id": 1, "name": "C"}, "vendors": [{"id": 10, "name": "V"}]})
    assert first == {"companies": [1], "projects": [], "vendors": [10], "insurances": []}
    assert len(emulator.store.snapshot()["vendors"]) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"insurances": [{"vendor_id": 999}]},
        {"insurances": [{"vendor_id": ACME, "status": "fine"}]},
        {"insurances": [{"vendor_origin_id": "nobody"}]},
        {"company": {"id": 2, "name": "Second"}, "vendors": [{"name": "Which company?"}]},
    ],
)
def test_invalid_seed_data_is_refused_and_nothing_is_stored(
    emulator: ProcoreEmulator, data: dict[str, Any]
) -> None:
    before = emulator.store.snapshot()
    with pytest.raises(ValueError, match=r"\w"):
        emulator.seed(data)
    assert emulator.store.snapshot() == before


def test_seed_resolves_vendor_by_origin_id(
    emulator: ProcoreEmulator, client: httpx.Client, headers: dict[str, str]
) -> None:
    [record_id] = emulator.seed({"insurances": [{"vendor_origin_id": "demo-party-1", "name": "By Origin"}]})[
        "insurances"
    ]
    assert client.get(f"{INSURANCES}/{record_id}", headers=headers).json()["vendor_id"] == ACME


def test_same_seed_gives_the_same_ids_and_tokens(tmp_path: Path, clock: FixedClock) -> None:
    def run(directory: str) -> tuple[str, list[int]]:
        emulator = ProcoreEmulator(tmp_path / directory, clock, seed=42)
        emulator.seed(DEMO_SEED)
        with wsgi_client(emulator) as client:
            token = client.post("/oauth/token", data=GRANT).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(DEMO_COMPANY_ID)}
            ids = [
                client.post(INSURANCES, headers=headers, json={"insurance": {"vendor_id": ACME}}).json()["id"]
                for _ in range(3)
            ]
        return token, ids

    assert run("a") == run("b")


def test_lost_response_commits_the_create(emulator: ProcoreEmulator, headers: dict[str, str]) -> None:
    with httpx.Client(transport=EmulatorTransport(emulator), base_url="http://procore.test") as client:
        client.post("/__emulator/faults", json={"kind": "lost_response", "count": 1, "paths": INSURANCES})
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(
                INSURANCES, headers=headers, json={"insurance": {"vendor_id": ACME, "origin_id": "coi-lost"}}
            )
        listed = client.get(INSURANCES, headers=headers).json()
        assert [r["origin_id"] for r in listed].count("coi-lost") == 1
        retry = client.post(
            INSURANCES, headers=headers, json={"insurance": {"vendor_id": ACME, "origin_id": "coi-lost"}}
        )
        assert retry.status_code == 409
        log = client.get("/__emulator/requests").json()["requests"]
    lost = [e for e in log if e["fault"] == "lost_response"]
    assert [(e["method"], e["status"]) for e in lost] == [("POST", 0)]


def test_lost_refresh_response_still_uses_up_the_refresh_token(emulator: ProcoreEmulator) -> None:
    with httpx.Client(transport=EmulatorTransport(emulator), base_url="http://procore.test") as client:
        refresh_token = client.post("/oauth/token", data=GRANT).json()["refresh_token"]
        client.post("/__emulator/faults", json={"kind": "lost_response", "count": 1, "paths": "/oauth/token"})
        refresh = {**GRANT, "grant_type": "refresh_token", "refresh_token": refresh_token}
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/oauth/token", data=refresh)
        assert client.post("/oauth/token", data=refresh).json()["error"] == "invalid_grant"


def test_drop_does_not_commit(emulator: ProcoreEmulator, headers: dict[str, str]) -> None:
    with httpx.Client(transport=EmulatorTransport(emulator), base_url="http://procore.test") as client:
        client.post("/__emulator/faults", json={"kind": "drop", "count": 1})
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(
                INSURANCES,
                headers=headers,
                json={"insurance": {"vendor_id": ACME, "origin_id": "coi-dropped"}},
            )
        listed = client.get(INSURANCES, headers=headers).json()
    assert "coi-dropped" not in [r["origin_id"] for r in listed]


def test_malformed_fault_corrupts_one_listed_insurance(client: httpx.Client, headers: dict[str, str]) -> None:
    client.post("/__emulator/faults", json={"kind": "malformed", "count": 1, "paths": INSURANCES})
    body = client.get(INSURANCES, headers=headers).json()
    corrupt = [r for r in body if r["id"] == "#corrupt#"]
    assert len(corrupt) == 1
    assert len(body) == 4


def test_request_log_and_state_dump_hold_no_secrets(
    client: httpx.Client, token_body: dict[str, Any], headers: dict[str, str]
) -> None:
    client.post("/oauth/token", json=GRANT)
    refresh = {**GRANT, "grant_type": "refresh_token", "refresh_token": token_body["refresh_token"]}
    client.post("/oauth/token", data=refresh)
    client.post(
        INSURANCES,
        headers=headers,
        json={"insurance": {"vendor_id": ACME, "notes": "password is not a secret here"}},
    )
    client.get(f"{INSURANCES}?access_token={token_body['access_token']}", headers=headers)
    log = client.get("/__emulator/requests").json()["requests"]
    state = client.get("/__emulator/state").json()
    for text in (json.dumps(log), json.dumps(state)):
        assert CLIENT_SECRET not in text
        assert str(token_body["access_token"]) not in text
        assert str(token_body["refresh_token"]) not in text
        assert "Bearer" not in text
    assert {"method", "path", "query", "status", "time"} <= set(log[0])
    assert log[0]["body"]["client_secret"] == "[REDACTED]"
    assert log[0]["status"] == 200
    assert [e["status"] for e in log][-1] == 200
    assert state["companies"][str(DEMO_COMPANY_ID)]["name"].startswith("Harbor Point")
    assert "secrets" not in state


def test_state_file_holds_token_fingerprints_only(
    emulator: ProcoreEmulator, token_body: dict[str, Any]
) -> None:
    text = emulator.store.path.read_text()
    assert str(token_body["access_token"]) not in text
    assert str(token_body["refresh_token"]) not in text


def test_served_on_a_real_loopback_port(emulator: ProcoreEmulator) -> None:
    with serve(emulator) as running, httpx.Client(base_url=running.url, timeout=5) as client:
        token = client.post("/oauth/token", data=GRANT).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(DEMO_COMPANY_ID)}
        page = client.get(INSURANCES, headers=headers, params={"per_page": 2})
        assert page.status_code == 200
        assert page.headers["Link"].startswith(f'<{running.url}{INSURANCES}?page=1&per_page=2>; rel="first"')
        assert "X-Rate-Limit-Remaining" in page.headers
        client.post("/__emulator/faults", json={"kind": "lost_response", "count": 1})
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(
                INSURANCES, headers=headers, json={"insurance": {"vendor_id": ACME, "origin_id": "coi-tcp"}}
            )
        listed = client.get(INSURANCES, headers=headers, params={"per_page": 100}).json()
        assert "coi-tcp" in [r["origin_id"] for r in listed]


def test_registered_through_the_plugin_hook(tmp_path: Path) -> None:
    pm, report = build_plugin_manager()
    assert "procore" in report.loaded
    registered: dict[str, Any] = {}
    pm.hook.register_emulators(register=lambda name, factory: registered.__setitem__(name, factory))
    emulator = registered["procore"](tmp_path, FixedClock(), 5, demo=True)
    assert isinstance(emulator, ProcoreEmulator)
    assert emulator.name == "procore"
    assert str(DEMO_COMPANY_ID) in emulator.store.snapshot()["companies"]
