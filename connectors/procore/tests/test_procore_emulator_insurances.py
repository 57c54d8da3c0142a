"""Procore emulator: insurance records through the company, vendor and project path families."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from coisync_procore.emulator import DEMO_COMPANY_ID, INSURANCE_FIELDS, INSURANCE_STATUSES, ProcoreSettings

INSURANCES = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/insurances"
ACME, BLUEWATER, SUMMIT = 2_627_684, 2_627_691, 2_627_702
PROJECT = 298_104
DOCUMENTED_FIELDS = {
    "id", "vendor_id", "insurance_type", "insurance_provider", "policy_number", "effective_date",
    "expiration_date", "limit", "status", "exempt", "info_received",
    "enable_expired_insurance_notifications", "additional_insured", "notes", "division_template",
    "insurance_sets", "origin_id", "origin_data",
}  # fmt: skip


def create(
    client: httpx.Client, headers: dict[str, str], path: str = INSURANCES, **fields: Any
) -> httpx.Response:
    return client.post(path, headers=headers, json={"insurance": fields})


def test_record_has_every_documented_field_with_documented_types(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    record = client.get(f"{INSURANCES}/311823", headers=headers).json()
    assert set(INSURANCE_FIELDS) == DOCUMENTED_FIELDS
    assert set(record) >= DOCUMENTED_FIELDS
    assert set(record) - DOCUMENTED_FIELDS == {"updated_at", "deleted_at", "attachments"}  # assumed extras
    assert record == {
        "id": 311823,
        "vendor_id": ACME,
        "insurance_type": "General Liability",
        "insurance_provider": "GL Insurance Inc.",
        "policy_number": "12345GL",
        "effective_date": "2025-03-03",
        "expiration_date": "2026-03-02",
        "limit": "1000000.0",
        "status": "compliant",
        "exempt": False,
        "info_received": True,
        "enable_expired_insurance_notifications": True,
        "additional_insured": "Owner LLC",
        "notes": "Meets minimum requirements",
        "division_template": None,
        "insurance_sets": None,
        "origin_id": "coi-abc123",
        "origin_data": '{"canonical_version":3}',
        "updated_at": "2025-12-01T09:00:00Z",
        "deleted_at": None,
        "attachments": [],
    }


@pytest.mark.parametrize("settings", [ProcoreSettings(extra_fields=False)])
def test_extra_fields_can_be_switched_off(client: httpx.Client, headers: dict[str, str]) -> None:
    record = client.get(f"{INSURANCES}/311823", headers=headers).json()
    assert list(record) == list(INSURANCE_FIELDS)


def test_ids_exceed_32_bits(client: httpx.Client, headers: dict[str, str]) -> None:
    ids = [r["id"] for r in client.get(INSURANCES, headers=headers).json()]
    created = create(client, headers, vendor_id=ACME, name="Big Id Mutual").json()["id"]
    assert any(i < 2**32 for i in ids)
    assert any(i > 2**32 for i in ids)
    assert created > 2**32


def test_provider_is_written_as_name_and_read_as_insurance_provider(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    response = create(client, headers, vendor_id=BLUEWATER, name="Keystone Casualty", insurance_type="Auto")
    assert response.status_code == 201
    body = response.json()
    assert body["insurance_provider"] == "Keystone Casualty"
    assert "name" not in body
    ignored = client.patch(
        f"{INSURANCES}/{body['id']}", headers=headers, json={"insurance": {"insurance_provider": "Other"}}
    )
    assert ignored.status_code == 200
    assert ignored.json()["insurance_provider"] == "Keystone Casualty"
    renamed = client.patch(
        f"{INSURANCES}/{body['id']}", headers=headers, json={"insurance": {"name": "Other"}}
    )
    assert renamed.json()["insurance_provider"] == "Other"


def test_create_stores_every_writable_field(client: httpx.Client, headers: dict[str, str]) -> None:
    fields = {
        "vendor_id": SUMMIT,
        "name": "Granite Assurance",
        "insurance_type": "General Liability",
        "policy_number": "GL-1",
        "effective_date": "2026-01-01",
        "expiration_date": "2027-01-01",
        "limit": 2000000,
        "status": "compliant",
        "exempt": True,
        "info_received": True,
        "enable_expired_insurance_notifications": True,
        "additional_insured": "Harbor Point LLC",
        "notes": "renewed",
        "division_template": {"id": 7},
        "insurance_sets": [{"id": 1}],
        "origin_id": "coi-new-1",
        "origin_data": '{"v":1}',
    }
    body = create(client, headers, **fields).json()
    expected = {("insurance_provider" if k == "name" else k): v for k, v in fields.items()}
    expected["limit"] = "2000000.0"
    assert {k: body[k] for k in expected} == expected
    assert client.get(f"{INSURANCES}/{body['id']}", headers=headers).json() == body


@pytest.mark.parametrize(
    ("sent", "stored"), [("1000000", "1000000.0"), (1500000.5, "1500000.5"), ("250000.00", "250000.0")]
)
def test_limit_is_returned_as_a_decimal_string(
    client: httpx.Client, headers: dict[str, str], sent: Any, stored: str
) -> None:
    assert create(client, headers, vendor_id=ACME, limit=sent).json()["limit"] == stored


def test_vendor_id_is_required_on_company_level_create(client: httpx.Client, headers: dict[str, str]) -> None:
    response = create(client, headers, name="No Vendor Mutual")
    assert response.status_code == 422
    assert response.json() == {"errors": {"vendor_id": ["can't be blank"]}}
    unknown = create(client, headers, vendor_id=1, name="Nobody")
    assert unknown.status_code == 422
    assert "vendor_id" in unknown.json()["errors"]


@pytest.mark.parametrize("status", INSURANCE_STATUSES)
def test_every_documented_status_is_accepted(
    client: httpx.Client, headers: dict[str, str], status: str
) -> None:
    response = create(client, headers, vendor_id=ACME, status=status)
    assert response.status_code == 201
    assert response.json()["status"] == status


def test_status_enum_is_exactly_the_documented_one() -> None:
    assert set(INSURANCE_STATUSES) == {
        "compliant", "compliant_in_progress", "expired", "non_compliant",
        "non_compliant_in_progress", "undecided", "unregistered",
    }  # fmt: skip


@pytest.mark.parametrize("bad", ["active", "Compliant", "", None, 3])
def test_other_status_values_are_422(client: httpx.Client, headers: dict[str, str], bad: Any) -> None:
    created = create(client, headers, vendor_id=ACME, status=bad)
    patched = client.patch(f"{INSURANCES}/311823", headers=headers, json={"insurance": {"status": bad}})
    for response in (created, patched):
        assert response.status_code == 422
        assert response.json() == {"errors": {"status": ["is not included in the list"]}}
    assert client.get(f"{INSURANCES}/311823", headers=headers).json()["status"] == "compliant"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("effective_date", "2025-02-30"),
        ("expiration_date", "03/02/2026"),
        ("limit", "lots"),
        ("exempt", "yes"),
        ("notes", 5),
    ],
)
def test_field_type_errors_are_422_per_field(
    client: httpx.Client, headers: dict[str, str], field: str, value: Any
) -> None:
    response = create(client, headers, vendor_id=ACME, **{field: value})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_writes_must_be_wrapped_in_insurance(client: httpx.Client, headers: dict[str, str]) -> None:
    bare = client.post(INSURANCES, headers=headers, json={"vendor_id": ACME, "name": "Bare"})
    assert bare.status_code == 400
    assert "insurance" in bare.json()["error"]["message"]


def test_patch_is_partial_and_bumps_updated_at(
    client: httpx.Client, headers: dict[str, str], clock: Any
) -> None:
    clock.advance(60)
    response = client.patch(f"{INSURANCES}/311823", headers=headers, json={"insurance": {"notes": "checked"}})
    assert response.status_code == 200
    body = response.json()
    assert body["notes"] == "checked"
    assert body["policy_number"] == "12345GL"
    assert body["updated_at"] == "2026-01-01T00:01:00Z"


def test_delete_leaves_a_tombstone_and_404s_afterwards(client: httpx.Client, headers: dict[str, str]) -> None:
    deleted = client.delete(f"{INSURANCES}/311823", headers=headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert client.get(f"{INSURANCES}/311823", headers=headers).status_code == 404
    assert (
        client.patch(f"{INSURANCES}/311823", headers=headers, json={"insurance": {"notes": "x"}}).status_code
        == 404
    )
    assert client.delete(f"{INSURANCES}/311823", headers=headers).status_code == 404
    only = client.get(f"{INSURANCES}?filters[include_deleted]=only", headers=headers).json()
    assert 311823 in [r["id"] for r in only]
    assert all(r["deleted_at"] for r in only)


def test_unknown_ids_are_404_in_the_error_shape(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.get(f"{INSURANCES}/42", headers=headers)
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert client.get("/rest/v1.0/companies/999/insurances", headers=headers).status_code == 404


def test_duplicate_origin_id_on_create_is_409(client: httpx.Client, headers: dict[str, str]) -> None:
    duplicate = create(client, headers, vendor_id=BLUEWATER, origin_id="coi-abc123")
    assert duplicate.status_code == 409
    assert duplicate.json() == {"errors": {"origin_id": ["has already been taken"]}}
    other = create(client, headers, vendor_id=BLUEWATER, origin_id="coi-other").json()
    clash = client.patch(
        f"{INSURANCES}/{other['id']}", headers=headers, json={"insurance": {"origin_id": "coi-abc123"}}
    )
    assert clash.status_code == 409
    client.delete(f"{INSURANCES}/311823", headers=headers)
    assert create(client, headers, vendor_id=BLUEWATER, origin_id="coi-abc123").status_code == 201


def test_vendor_level_family(client: httpx.Client, headers: dict[str, str]) -> None:
    path = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/vendors/{ACME}/insurances"
    listed = client.get(path, headers=headers).json()
    assert {r["vendor_id"] for r in listed} == {ACME}
    assert len(listed) == 2
    created = create(client, headers, path, name="Vendor Path Mutual")
    assert created.status_code == 201
    assert created.json()["vendor_id"] == ACME
    assert client.get(f"{path}/{created.json()['id']}", headers=headers).status_code == 200
    other_vendor = (
        f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/vendors/{BLUEWATER}/insurances/{created.json()['id']}"
    )
    assert client.get(other_vendor, headers=headers).status_code == 404
    assert (
        client.get(
            f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/vendors/1/insurances", headers=headers
        ).status_code
        == 404
    )


def test_project_level_family_is_separate_from_company_records(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    path = f"/rest/v1.0/projects/{PROJECT}/vendors/{SUMMIT}/insurances"
    listed = client.get(path, headers=headers).json()
    assert [r["policy_number"] for r in listed] == ["UMB-31"]
    company_level = client.get(f"{INSURANCES}?filters[vendor_id]={SUMMIT}", headers=headers).json()
    assert "UMB-31" not in [r["policy_number"] for r in company_level]
    created = create(client, headers, path, name="Project Mutual", status="compliant")
    assert created.status_code == 201
    assert client.get(f"{INSURANCES}/{created.json()['id']}", headers=headers).status_code == 404
    assert (
        client.get(f"/rest/v1.0/projects/1/vendors/{SUMMIT}/insurances", headers=headers).status_code == 404
    )


def test_attachments_upload_put_and_attach(client: httpx.Client, headers: dict[str, str]) -> None:
    upload = client.post(
        f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/uploads",
        headers=headers,
        json={"response_filename": "acme-coi.pdf", "response_content_type": "application/pdf"},
    )
    assert upload.status_code == 201
    info = upload.json()
    assert info["status"] == "pending"
    early = client.patch(
        f"{INSURANCES}/311823", headers=headers, json={"insurance": {"upload_ids": [info["uuid"]]}}
    )
    assert early.status_code == 422
    put = client.put(info["url"], content=b"%PDF-1.4 fake", headers=info["headers"])
    assert put.status_code == 200
    assert put.json() == {"uuid": info["uuid"], "size": 13, "status": "completed"}
    attached = client.patch(
        f"{INSURANCES}/311823", headers=headers, json={"insurance": {"upload_ids": [info["uuid"]]}}
    )
    assert attached.status_code == 200
    [attachment] = attached.json()["attachments"]
    assert set(attachment) == {"id", "name", "url"}
    assert attachment["name"] == "acme-coi.pdf"
    assert attachment["id"] > 2**32
    assert client.get(attachment["url"]).content == b"%PDF-1.4 fake"
    assert client.put("/storage/uploads/nope", content=b"x").status_code == 404


@pytest.mark.parametrize("settings", [ProcoreSettings(tombstones_keep_origin_id=True)])
def test_tombstones_can_be_made_to_keep_their_origin_id(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    client.delete(f"{INSURANCES}/311823", headers=headers)
    assert create(client, headers, vendor_id=BLUEWATER, origin_id="coi-abc123").status_code == 409
