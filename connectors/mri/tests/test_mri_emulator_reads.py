"""The MRI emulator's envelope, paging, incremental filter and parameter errors (raw requests)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from coisync_mri.emulator import (
    BUILDINGS_API,
    INSURANCE_API,
    LEASES_API,
    NOTES_API,
    REFERENCE_TYPES_API,
    MriEmulator,
    MriSettings,
)
from mri_raw import API_PATH, building_rows, params

from coisync.sandbox.emulator import FixedClock


def test_envelope_and_field_style(authed: httpx.Client) -> None:
    body = authed.get(API_PATH, params=params(INSURANCE_API, BLDGID="TSTBLG")).json()
    assert set(body) == {"odata.metadata", "value"}  # one page: no nextLink
    lowered = INSURANCE_API.lower()
    assert body["odata.metadata"] == (
        f"https://mri.emulator.test/mriapiservices/api.asp?$api={INSURANCE_API}"
        f"&$metadata#MRI.{lowered}-container/{lowered}"
    )
    row = body["value"][0]
    assert row["PolicyID"] == "0000000042" and row["BuildingID"] == "TSTBLG"
    assert row["CoverageAmount"] == "2000000.00" and row["Compliant"] in ("Y", "N")
    assert row["EffectiveDate"] == "2025-01-01T00:00:00"
    assert row["LastUpdate"] == "2026-01-01T00:00:00.000"
    assert all(isinstance(value, str) for value in row.values())


def test_every_read_api_answers(authed: httpx.Client) -> None:
    for api, extra in (
        (BUILDINGS_API, {}),
        (LEASES_API, {"BLDGID": "TSTBLG"}),
        (NOTES_API, {"BLDGID": "TSTBLG"}),
        (REFERENCE_TYPES_API, {}),
    ):
        response = authed.get(API_PATH, params=params(api, **extra))
        assert response.status_code == 200, (api, response.text)
        assert isinstance(response.json()["value"], list)
    buildings = authed.get(API_PATH, params=params(BUILDINGS_API)).json()["value"]
    assert buildings[0]["BuildingID"] == "TSTBLG" and buildings[0]["City"] == "Boston"


def test_paging_follows_next_link_until_the_last_page(emulator: MriEmulator, authed: httpx.Client) -> None:
    emulator.seed(building_rows(7))
    first = authed.get(API_PATH, params=params(LEASES_API, BLDGID="BLD001", **{"$top": "3"})).json()
    assert len(first["value"]) == 3
    query = parse_qs(urlsplit(first["nextLink"]).query)
    assert query["$top"] == ["3"] and query["$skip"] == ["3"] and query["BLDGID"] == ["BLD001"]
    assert "%24top=3" in first["nextLink"] and "%24skip=3" in first["nextLink"]
    seen = [row["LeaseID"] for row in first["value"]]
    link = first["nextLink"]
    while link:
        page = authed.get(link).json()
        seen += [row["LeaseID"] for row in page["value"]]
        link = page.get("nextLink")
    assert seen == [f"L{n:05d}" for n in range(7)]


def test_exact_fit_has_no_next_link(emulator: MriEmulator, authed: httpx.Client) -> None:
    emulator.seed(building_rows(4))
    body = authed.get(API_PATH, params=params(LEASES_API, BLDGID="BLD001", **{"$top": "4"})).json()
    assert len(body["value"]) == 4 and "nextLink" not in body


def test_top_defaults_to_and_is_clamped_at_the_maximum(
    tmp_path: object, authed: httpx.Client, emulator: MriEmulator
) -> None:
    emulator.seed(building_rows(305))
    default = authed.get(API_PATH, params=params(LEASES_API, BLDGID="BLD001")).json()
    clamped = authed.get(API_PATH, params=params(LEASES_API, BLDGID="BLD001", **{"$top": "1000"})).json()
    assert len(default["value"]) == len(clamped["value"]) == 300
    assert parse_qs(urlsplit(clamped["nextLink"]).query)["$skip"] == ["300"]


@pytest.mark.parametrize("settings", [MriSettings(max_top=2)])
def test_max_top_is_a_switch(emulator: MriEmulator, authed: httpx.Client) -> None:
    body = authed.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG", **{"$top": "50"})).json()
    assert len(body["value"]) == 2


def test_last_update_date_returns_rows_at_or_after(
    emulator: MriEmulator, authed: httpx.Client, clock: FixedClock
) -> None:
    clock.advance(90.25)
    emulator.update_insurance("0000000043", Notes="renewal asked")
    changed = authed.get(
        API_PATH, params=params(INSURANCE_API, BLDGID="TSTBLG", LASTUPDATEDATE="2026-01-01 00:01:30.250")
    ).json()["value"]
    assert [row["PolicyID"] for row in changed] == ["0000000043"]
    assert changed[0]["LastUpdate"] == "2026-01-01T00:01:30.250"
    later = authed.get(
        API_PATH, params=params(INSURANCE_API, BLDGID="TSTBLG", LASTUPDATEDATE="2026-01-01 00:01:30.251")
    ).json()["value"]
    assert later == []
    everything = authed.get(
        API_PATH, params=params(INSURANCE_API, BLDGID="TSTBLG", LASTUPDATEDATE="2025-12-31")
    ).json()
    assert len(everything["value"]) == 2


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        ({"BLDGID": "TSTBLG", "COLOR": "red"}, "Invalid parameter: COLOR"),
        ({"BLDGID": "TSTBLG", "$filter": "x eq 1"}, "Invalid parameter: $filter"),
        ({"BLDGID": "TSTBLG", "LASTUPDATEDATE": "01/02/2026"}, "LASTUPDATEDATE"),
        ({"BLDGID": "TSTBLG", "$top": "0"}, "$top"),
        ({"BLDGID": "TSTBLG", "$skip": "x"}, "$skip"),
        ({}, "BLDGID is required"),
    ],
    ids=["unknown", "filter", "bad_date", "top_zero", "bad_skip", "no_building"],
)
def test_parameter_errors_are_400_plain_text(authed: httpx.Client, extra: dict[str, str], text: str) -> None:
    response = authed.get(API_PATH, params=params(LEASES_API, **extra))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert text in response.text


def test_api_and_format_errors(authed: httpx.Client) -> None:
    assert authed.get(API_PATH, params={"$format": "json"}).status_code == 400
    unknown = authed.get(API_PATH, params=params("MRI_S-PMCM_NoSuchThing"))
    assert unknown.status_code == 404 and "MRI_S-PMCM_NoSuchThing" in unknown.text
    xml = authed.get(API_PATH, params={"$api": LEASES_API, "$format": "xml", "BLDGID": "TSTBLG"})
    assert xml.status_code == 400
    assert authed.post(API_PATH, params=params(LEASES_API), json={"value": []}).status_code == 405


def test_unknown_building_is_an_empty_list(authed: httpx.Client) -> None:
    body = authed.get(API_PATH, params=params(LEASES_API, BLDGID="NOPE")).json()
    assert body["value"] == [] and "nextLink" not in body


def test_state_survives_a_restart(emulator: MriEmulator, state_dir: object, clock: FixedClock) -> None:
    emulator.seed(building_rows(2))
    again = MriEmulator(emulator.store.directory, clock, seed=5, credentials=emulator.credentials)
    assert set(again.store.snapshot()["leases"]) == set(emulator.store.snapshot()["leases"])
    added = again.seed({"insurance": [{"BuildingID": "BLD001", "LeaseID": "L00000", "InsuranceType": "WC"}]})
    assert added["insurance"][0] not in emulator.store.snapshot()["insurance"]
