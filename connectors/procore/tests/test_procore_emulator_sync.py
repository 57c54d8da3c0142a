"""Procore emulator: PATCH .../insurances/sync upserts, entities/errors, 409 on duplicate origin_id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from coisync_procore.emulator import DEMO_COMPANY_ID, ProcoreSettings

INSURANCES = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/insurances"
ACME, BLUEWATER, SUMMIT = 2_627_684, 2_627_691, 2_627_702
PROJECT = 298_104


def sync(
    client: httpx.Client, headers: dict[str, str], updates: list[Any], path: str = INSURANCES
) -> httpx.Response:
    return client.patch(f"{path}/sync", headers=headers, json={"updates": updates})


def test_sync_creates_updates_and_reports_errors(client: httpx.Client, headers: dict[str, str]) -> None:
    response = sync(
        client,
        headers,
        [
            {"id": 311823, "status": "expired"},
            {
                "vendor_id": BLUEWATER,
                "name": "Keystone Casualty",
                "origin_id": "coi-new-7",
                "limit": "1000000",
            },
            {"name": "No Vendor"},
            {"id": 12345, "notes": "nobody"},
            {"vendor_id": ACME, "status": "bogus"},
        ],
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"entities", "errors"}
    updated, created = body["entities"]
    assert (updated["id"], updated["status"]) == (311823, "expired")
    assert created["insurance_provider"] == "Keystone Casualty"
    assert created["limit"] == "1000000.0"
    assert [(e["index"], e["code"], list(e["errors"])) for e in body["errors"]] == [
        (2, 422, ["vendor_id"]),
        (3, 404, ["id"]),
        (4, 422, ["status"]),
    ]
    assert body["errors"][0]["errors"] == {"vendor_id": ["can't be blank"]}
    stored = client.get(f"{INSURANCES}/311823", headers=headers).json()
    assert stored["status"] == "expired"


def test_sync_upserts_by_origin_id(client: httpx.Client, headers: dict[str, str]) -> None:
    before = len(client.get(INSURANCES, headers=headers).json())
    body = sync(client, headers, [{"origin_id": "coi-abc123", "notes": "from sync"}]).json()
    assert body["errors"] == []
    assert body["entities"][0]["id"] == 311823
    assert body["entities"][0]["notes"] == "from sync"
    assert len(client.get(INSURANCES, headers=headers).json()) == before


def test_sync_is_idempotent_for_repeated_creates_by_origin_id(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    item = {"vendor_id": SUMMIT, "name": "Granite", "origin_id": "coi-once"}
    first = sync(client, headers, [item]).json()["entities"][0]
    second = sync(client, headers, [item]).json()["entities"][0]
    assert first["id"] == second["id"]
    matching = [r for r in client.get(INSURANCES, headers=headers).json() if r["origin_id"] == "coi-once"]
    assert len(matching) == 1


def test_sync_409_when_an_update_would_duplicate_an_origin_id(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    other = sync(client, headers, [{"vendor_id": ACME, "origin_id": "coi-two"}]).json()["entities"][0]
    body = sync(client, headers, [{"id": other["id"], "origin_id": "coi-abc123"}]).json()
    assert body["entities"] == []
    [error] = body["errors"]
    assert error["code"] == 409
    assert error["id"] == other["id"]
    assert error["origin_id"] == "coi-abc123"
    assert error["errors"] == {"origin_id": ["has already been taken"]}


@pytest.mark.parametrize("settings", [ProcoreSettings(sync_upsert_by_origin_id=False)])
def test_without_origin_upsert_a_second_create_is_409(client: httpx.Client, headers: dict[str, str]) -> None:
    body = sync(
        client,
        headers,
        [{"vendor_id": ACME, "origin_id": "coi-dup"}, {"vendor_id": ACME, "origin_id": "coi-dup"}],
    ).json()
    assert len(body["entities"]) == 1
    [error] = body["errors"]
    assert (error["index"], error["code"], error["origin_id"]) == (1, 409, "coi-dup")


def test_vendor_and_project_level_sync(client: httpx.Client, headers: dict[str, str]) -> None:
    vendor_path = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/vendors/{BLUEWATER}/insurances"
    project_path = f"/rest/v1.0/projects/{PROJECT}/vendors/{SUMMIT}/insurances"
    by_vendor = sync(
        client, headers, [{"name": "Vendor Sync Mutual", "origin_id": "v-1"}], vendor_path
    ).json()
    by_project = sync(
        client, headers, [{"name": "Project Sync Mutual", "origin_id": "p-1"}], project_path
    ).json()
    assert by_vendor["entities"][0]["vendor_id"] == BLUEWATER
    assert by_project["entities"][0]["vendor_id"] == SUMMIT
    project_records = client.get(project_path, headers=headers).json()
    assert "p-1" in [r["origin_id"] for r in project_records]


@pytest.mark.parametrize("settings", [ProcoreSettings(vendor_level_sync=False)])
def test_vendor_level_sync_can_be_switched_off(client: httpx.Client, headers: dict[str, str]) -> None:
    vendor_path = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/vendors/{BLUEWATER}/insurances"
    assert sync(client, headers, [], vendor_path).status_code in (404, 405)


def test_sync_body_must_carry_updates(client: httpx.Client, headers: dict[str, str]) -> None:
    missing = client.patch(f"{INSURANCES}/sync", headers=headers, json={"insurances": []})
    assert missing.status_code == 400
    non_object = sync(client, headers, ["not an object"]).json()
    assert non_object["errors"][0]["code"] == 422


@pytest.mark.parametrize("settings", [ProcoreSettings(sync_max_items=2)])
def test_sync_batch_size_is_capped(client: httpx.Client, headers: dict[str, str]) -> None:
    response = sync(client, headers, [{"vendor_id": ACME}] * 3)
    assert response.status_code == 422
    assert "updates" in response.json()["errors"]
