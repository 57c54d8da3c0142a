"""The assumed insurance_certificates resource of the VTS emulator, and its off switch, by raw requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from coisync_vts.emulator import DUPLICATE, VtsEmulator, VtsSettings
from vts_raw import API_KEY, API_SECRET, portfolio

from coisync.sandbox.emulator import EmulatorTransport, FixedClock

PATH = "/api/v1/leases/1/insurance_certificates"


def document(attributes: dict[str, Any], record_id: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "insurance_certificates", "attributes": attributes}
    if record_id:
        data["id"] = record_id
    return {"data": data}


def test_the_list_has_the_certificate_shape(authed: httpx.Client) -> None:
    item = authed.get("/api/v1/insurance_certificates").json()["data"][0]
    assert item["type"] == "insurance_certificates" and item["id"] == "9001"
    assert item["attributes"]["limit"] == {"magnitude": 1000000, "unit": "USD"}
    assert item["attributes"]["compliance_status"] is None
    assert item["relationships"]["lease"]["data"] == {"id": "1", "type": "leases"}
    assert item["relationships"]["tenant"]["data"] == {"id": "7", "type": "tenants"}


def test_create_under_a_lease_takes_the_lease_s_tenant(authed: httpx.Client, emulator: VtsEmulator) -> None:
    created = authed.post(
        PATH, json=document({"coverage_type": "umbrella", "sourceid": "COI-9", "waived": True})
    )
    assert created.status_code == 201
    data = created.json()["data"]
    assert data["relationships"]["tenant"]["data"]["id"] == "7"
    assert data["attributes"]["waived"] is True and data["attributes"]["certificate_received"] is False
    assert authed.get(f"/api/v1/insurance_certificates/{data['id']}").json()["data"] == data
    by_lease = authed.get("/api/v1/insurance_certificates", params={"filter[lease_id]": "1"}).json()
    assert {i["id"] for i in by_lease["data"]} == {"9001", data["id"]}


def test_a_sourceid_taken_on_the_lease_is_a_409(authed: httpx.Client) -> None:
    response = authed.post(PATH, json=document({"coverage_type": "auto", "sourceid": "COI-000123"}))
    assert response.status_code == 409
    assert response.json() == {"errors": [{"detail": DUPLICATE}]}
    other_lease = authed.post(
        "/api/v1/leases/2/insurance_certificates",
        json=document({"coverage_type": "auto", "sourceid": "COI-000123"}),
    )
    assert other_lease.status_code == 201


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [({"coverage_type": ""}, "coverage_type"), ({"sourceid": "X"}, "coverage_type"),
     ({"coverage_type": "gl", "limit": {"magnitude": -1, "unit": "USD"}}, "limit"),
     ({"coverage_type": "gl", "limit": 1000000}, "limit"),
     ({"coverage_type": "gl", "expiration_date": "01/01/2026"}, "expiration_date"),
     ({"coverage_type": "gl", "compliance_status": "great"}, "compliance_status"),
     ({"coverage_type": "gl", "waived": "yes"}, "waived"), ({"coverage_type": "gl", "colour": "red"}, "colour")],
)  # fmt: skip
def test_invalid_attributes_are_422_with_a_pointer(
    authed: httpx.Client, attributes: dict[str, Any], pointer: str
) -> None:
    response = authed.post(PATH, json=document(attributes))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["source"]["pointer"] for e in errors] == [f"/data/attributes/{pointer}"]
    assert errors[0]["detail"].startswith(pointer)


@pytest.mark.parametrize(
    "body", [{"coverage_type": "gl"}, {"data": {"type": "leases", "attributes": {}}}, {"data": []}]
)
def test_a_body_that_is_not_a_certificate_document_is_400(authed: httpx.Client, body: Any) -> None:
    assert authed.post(PATH, json=body).status_code == 400


def test_patch_changes_values_and_moves_updated_at_only_on_change(
    authed: httpx.Client, emulator: VtsEmulator, clock: FixedClock
) -> None:
    url = "/api/v1/leases/1/insurance_certificates/9001"
    before = authed.get("/api/v1/insurance_certificates/9001").json()["data"]["attributes"]["updated_at"]
    clock.advance(60)
    wanted = {"compliance_status": "non_compliant", "compliance_notes": "GL below $2M"}
    changed = authed.patch(url, json=document(wanted, "9001")).json()["data"]["attributes"]
    assert {k: changed[k] for k in wanted} == wanted and changed["updated_at"] > before
    clock.advance(60)
    again = authed.patch(url, json=document(wanted, "9001")).json()["data"]["attributes"]
    assert again["updated_at"] == changed["updated_at"]


def test_patch_answers_404_outside_its_lease_and_400_for_another_id(authed: httpx.Client) -> None:
    body = document({"compliance_status": "compliant"})
    assert authed.patch("/api/v1/leases/2/insurance_certificates/9001", json=body).status_code == 404
    assert authed.patch("/api/v1/leases/1/insurance_certificates/4", json=body).status_code == 404
    assert (
        authed.patch("/api/v1/leases/1/insurance_certificates/9001", json=document({}, "9002")).status_code
        == 400
    )
    assert (
        authed.post(
            "/api/v1/leases/999/insurance_certificates", json=document({"coverage_type": "gl"})
        ).status_code
        == 404
    )


def test_switched_off_the_resource_is_an_unknown_path(tmp_path: Path) -> None:
    emulator = VtsEmulator(
        tmp_path,
        FixedClock(),
        credentials={API_KEY: API_SECRET},
        settings=VtsSettings(insurance_certificates=False),
    )
    emulator.seed(portfolio(2, certificates=False))
    with httpx.Client(
        transport=EmulatorTransport(emulator), base_url="https://vts.test", auth=(API_KEY, API_SECRET)
    ) as c:
        assert c.get("/api/v1/leases").status_code == 200
        for method, path in [("GET", "/api/v1/insurance_certificates"), ("GET", "/api/v1/insurance_certificates/9001"),
                             ("POST", "/api/v1/leases/200/insurance_certificates"),
                             ("PATCH", "/api/v1/leases/200/insurance_certificates/9001")]:  # fmt: skip
            response = c.request(method, path, json=document({"coverage_type": "gl"}))
            assert response.status_code == 404, (method, path)
            assert response.json()["errors"][0]["detail"]


def test_writes_survive_a_restart_over_the_same_state(
    authed: httpx.Client, emulator: VtsEmulator, tmp_path: Path
) -> None:
    created = authed.post(PATH, json=document({"coverage_type": "liquor liability"})).json()["data"]["id"]
    reopened = VtsEmulator(tmp_path / "state", FixedClock(), credentials={API_KEY: API_SECRET})
    with httpx.Client(
        transport=EmulatorTransport(reopened), base_url="https://vts.test", auth=(API_KEY, API_SECRET)
    ) as c:
        assert c.get(f"/api/v1/insurance_certificates/{created}").status_code == 200
        again = c.post(PATH, json=document({"coverage_type": "auto"})).json()["data"]["id"]
    assert int(again) > int(created)
