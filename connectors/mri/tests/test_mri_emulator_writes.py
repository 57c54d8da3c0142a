"""MRI emulator POSTs: the read envelope in, per-row Error.Message inside a 200 out (raw requests)."""

from __future__ import annotations

from typing import Any

import httpx
from coisync_mri.emulator import INSURANCE_API, NOTES_API, MriEmulator
from mri_raw import API_PATH, params

from coisync.sandbox.emulator import FixedClock


def post(client: httpx.Client, api: str, rows: list[Any]) -> httpx.Response:
    lowered = api.lower()
    metadata = f"https://mri.emulator.test/mriapiservices/api.asp?$api={api}&$metadata#MRI.{lowered}-container/{lowered}"
    return client.post(API_PATH, params=params(api), json={"odata.metadata": metadata, "value": rows})


def insurance(client: httpx.Client) -> dict[str, dict[str, Any]]:
    rows = client.get(API_PATH, params=params(INSURANCE_API, BLDGID="TSTBLG")).json()["value"]
    return {row["PolicyID"]: row for row in rows}


def test_good_rows_are_saved_and_bad_rows_carry_messages(authed: httpx.Client, clock: FixedClock) -> None:
    clock.advance(5)
    response = post(
        authed,
        INSURANCE_API,
        [
            {"BuildingID": "TSTBLG", "LeaseID": "TST000", "PolicyID": "0000000042", "Compliant": "N",
             "ComplianceStatus": "Expired", "ComplianceNote": "GL expired 2026-01-01"},
            {"BuildingID": "TSTBLG", "LeaseID": "TST001", "PolicyID": "0000000043", "Compliant": "maybe"},
            {"BuildingID": "TSTBLG", "LeaseID": "TST001", "PolicyID": "0000009999", "Compliant": "Y"},
        ],
    )  # fmt: skip
    assert response.status_code == 200
    answers = response.json()["value"]
    assert "Error" not in answers[0]
    assert (
        answers[0]["ComplianceStatus"] == "Expired" and answers[0]["LastUpdate"] == "2026-01-01T00:00:05.000"
    )
    assert answers[0]["UserID"] == "APIUSER"
    assert answers[1]["Error"]["Message"] == "Compliant must be Y or N"
    assert answers[1]["PolicyID"] == "0000000043"
    assert answers[2]["Error"]["Message"] == "Policy 0000009999 does not exist for lease TST001"
    saved = insurance(authed)
    assert (
        saved["0000000042"]["Compliant"] == "N"
        and saved["0000000042"]["ComplianceNote"] == "GL expired 2026-01-01"
    )
    assert saved["0000000043"]["Compliant"] == "N" and saved["0000000043"]["LastUpdate"].startswith(
        "2026-01-01T00:00:00"
    )


def test_locked_lease_fails_only_its_rows(emulator: MriEmulator, authed: httpx.Client) -> None:
    emulator.lock_lease("TSTBLG", "TST001", user="JSMITH")
    answers = post(
        authed,
        INSURANCE_API,
        [
            {"BuildingID": "TSTBLG", "LeaseID": "TST001", "PolicyID": "0000000043", "Compliant": "Y"},
            {"BuildingID": "TSTBLG", "LeaseID": "TST000", "PolicyID": "0000000042", "Compliant": "Y"},
        ],
    ).json()["value"]
    assert answers[0]["Error"]["Message"] == "Lease TST001 in building TSTBLG is locked by user JSMITH"
    assert "Error" not in answers[1]
    emulator.unlock_lease("TSTBLG", "TST001")
    retried = post(
        authed,
        INSURANCE_API,
        [{"BuildingID": "TSTBLG", "LeaseID": "TST001", "PolicyID": "0000000043", "Compliant": "Y"}],
    )
    assert "Error" not in retried.json()["value"][0]
    assert insurance(authed)["0000000043"]["Compliant"] == "Y"


def test_field_rules(authed: httpx.Client) -> None:
    base = {"BuildingID": "TSTBLG", "LeaseID": "TST000", "PolicyID": "0000000042"}
    cases = [
        ({**base, "CoverageAmount": "lots"}, "CoverageAmount must be an amount such as 1000.00"),
        ({**base, "ExpirationDate": "2026-02-30"}, "ExpirationDate is not a valid date"),
        ({**base, "Colour": "red"}, "Colour is not a field of this API"),
        ({**base, "ComplianceStatus": "x" * 31}, "ComplianceStatus is longer than 30 characters"),
        ({"LeaseID": "TST000", "Compliant": "Y"}, "BuildingID is required"),
        (
            {"BuildingID": "TSTBLG", "LeaseID": "NOPE", "Compliant": "Y"},
            "Lease NOPE does not exist in building TSTBLG",
        ),
        ({"BuildingID": "TSTBLG", "LeaseID": "TST000"}, "InsuranceType is required"),
        ("not a row", "Row is not an object"),
    ]
    answers = post(authed, INSURANCE_API, [row for row, _ in cases]).json()["value"]
    assert [a["Error"]["Message"] for a in answers] == [message for _, message in cases]


def test_read_only_fields_are_ignored_and_amounts_normalised(authed: httpx.Client) -> None:
    answer = post(
        authed,
        INSURANCE_API,
        [{"BuildingID": "TSTBLG", "LeaseID": "TST000", "PolicyID": "0000000042", "OccupantName": "Someone Else",
          "UserID": "ME", "CoverageAmount": "2500000", "ExpirationDate": "2027-01-01"}],
    ).json()["value"][0]  # fmt: skip
    assert answer["OccupantName"] == "Blue Bottle Coffee" and answer["UserID"] == "APIUSER"
    assert answer["CoverageAmount"] == "2500000.00" and answer["ExpirationDate"] == "2027-01-01T00:00:00"


def test_a_row_without_policy_id_creates_a_policy(authed: httpx.Client) -> None:
    answer = post(
        authed,
        INSURANCE_API,
        [{"BuildingID": "TSTBLG", "LeaseID": "TST001", "InsuranceType": "UMB", "Carrier": "Chubb",
          "CoverageAmount": "5000000.00"}],
    ).json()["value"][0]  # fmt: skip
    assert len(answer["PolicyID"]) == 10 and answer["PolicyID"].isdigit()
    assert answer["MasterOccupantID"] == "0000000002"
    assert insurance(authed)[answer["PolicyID"]]["Carrier"] == "Chubb"


def test_notes_post_and_get(authed: httpx.Client, clock: FixedClock) -> None:
    clock.advance(60)
    answers = post(
        authed,
        NOTES_API,
        [
            {"BuildingID": "TSTBLG", "LeaseID": "TST000", "NoteDate": "2026-01-01T00:00:00.0000000",
             "NoteText": "COI: GL expired", "NoteReference1": "INS", "NoteReference2": "coisync:abc"},
            {"BuildingID": "TSTBLG", "LeaseID": "TST000", "NoteText": "x", "NoteReference1": "ZZZ"},
            {"BuildingID": "TSTBLG", "LeaseID": "TST000", "NoteText": ""},
        ],
    ).json()["value"]  # fmt: skip
    assert answers[0]["LastUpdate"] == "2026-01-01T00:01:00.000" and answers[0]["UserID"] == "APIUSER"
    assert answers[0]["NoteDate"] == "2026-01-01T00:00:00"
    assert answers[1]["Error"]["Message"] == "NoteReference1 ZZZ is not a valid reference type"
    assert answers[2]["Error"]["Message"] == "NoteText is required"
    notes = authed.get(API_PATH, params=params(NOTES_API, BLDGID="TSTBLG", LEASEID="TST000")).json()["value"]
    assert [n["NoteReference2"] for n in notes] == ["coisync:abc"]
    none_yet = authed.get(
        API_PATH, params=params(NOTES_API, BLDGID="TSTBLG", OLDESTNOTEDATE="2026-01-02")
    ).json()
    assert none_yet["value"] == []


def test_a_note_post_appends_every_time(authed: httpx.Client) -> None:
    row = {"BuildingID": "TSTBLG", "LeaseID": "TST001", "NoteText": "same text"}
    post(authed, NOTES_API, [row])
    post(authed, NOTES_API, [row])
    notes = authed.get(API_PATH, params=params(NOTES_API, BLDGID="TSTBLG", LEASEID="TST001")).json()["value"]
    assert len(notes) == 2


def test_body_errors(authed: httpx.Client) -> None:
    not_json = authed.post(API_PATH, params=params(INSURANCE_API), content=b"<xml/>")
    no_value = authed.post(API_PATH, params=params(INSURANCE_API), json={"rows": []})
    assert not_json.status_code == no_value.status_code == 400
    assert no_value.headers["content-type"].startswith("text/plain")


def test_every_save_stamps_last_update(authed: httpx.Client, clock: FixedClock) -> None:
    row = {"BuildingID": "TSTBLG", "LeaseID": "TST000", "PolicyID": "0000000042", "Compliant": "Y"}
    first = post(authed, INSURANCE_API, [row]).json()["value"][0]["LastUpdate"]
    clock.advance(1)
    second = post(authed, INSURANCE_API, [row]).json()["value"][0]["LastUpdate"]
    assert second > first
