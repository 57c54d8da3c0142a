"""Cursor pages, links and filters of the VTS emulator, by raw requests."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from coisync_vts.emulator import VtsEmulator
from vts_raw import portfolio


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["data"]]


@pytest.fixture
def seeded(emulator: VtsEmulator) -> VtsEmulator:
    emulator.seed(portfolio(11))
    return emulator


def test_next_links_walk_every_record_once_in_id_order(authed: httpx.Client, seeded: VtsEmulator) -> None:
    seen: list[str] = []
    url: str | None = "/api/v1/leases?page%5Bsize%5D=4"
    requests = 0
    while url:
        body = authed.get(url).json()
        seen += ids(body)
        url = body["links"].get("next")
        requests += 1
    assert requests == 4  # 2 demo leases + 11 = 13 records, 4 per page
    assert seen == sorted(seen, key=int) and len(seen) == len(set(seen)) == 13


def test_cursors_are_base64_ids_and_links_encode_them_twice(
    authed: httpx.Client, seeded: VtsEmulator
) -> None:
    body = authed.get("/api/v1/leases", params={"page[size]": 2}).json()
    last = body["data"][-1]["id"]
    cursor = base64.b64encode(last.encode()).decode()
    assert body["links"]["next"].endswith("page%5Bafter%5D=" + cursor.replace("=", "%253D"))
    assert "prev" not in body["links"]
    once = authed.get("/api/v1/leases", params={"page[size]": 2, "page[after]": cursor}).json()
    twice = authed.get(body["links"]["next"]).json()
    assert ids(once) == ids(twice) and int(ids(once)[0]) > int(last)


def test_before_pages_back_and_prev_appears_past_the_first_page(
    authed: httpx.Client, seeded: VtsEmulator
) -> None:
    first = authed.get("/api/v1/tenants", params={"page[size]": 3}).json()
    second = authed.get(first["links"]["next"]).json()
    assert "prev" in second["links"]
    back = authed.get(second["links"]["prev"]).json()
    assert ids(back) == ids(first)
    assert "prev" not in back["links"] and "next" in back["links"]


def test_the_last_page_has_no_next_link(authed: httpx.Client, seeded: VtsEmulator) -> None:
    body = authed.get("/api/v1/assets").json()
    assert ids(body) == ["1"] and "next" not in body["links"]
    assert body["links"]["self"].startswith("https://vts.emulator.test/api/v1/assets")


def test_page_size_defaults_to_25_and_is_clamped_at_100(authed: httpx.Client, emulator: VtsEmulator) -> None:
    emulator.seed({"tenants": [{"id": str(1000 + n), "name": f"T{n}"} for n in range(120)]})
    assert len(authed.get("/api/v1/tenants").json()["data"]) == 25
    assert len(authed.get("/api/v1/tenants", params={"page[size]": 500}).json()["data"]) == 100


@pytest.mark.parametrize(
    "params",
    [{"page[size]": "0"}, {"page[size]": "ten"}, {"page[after]": "%%%"}, {"page[after]": "MQ==", "page[before]": "MQ=="},
     {"filter[updated_since]": "15/03/2021"}, {"filter[nonsense]": "1"}, {"page[number]": "2"}],
)  # fmt: skip
def test_malformed_paging_or_filters_are_400(authed: httpx.Client, params: dict[str, str]) -> None:
    response = authed.get("/api/v1/leases", params=params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"]


@pytest.mark.parametrize("spelling", ["2026-01-01 00:10:00", "2026-01-01T00:10:00Z", "2026-01-01 00:10"])
def test_updated_since_keeps_records_changed_at_or_after_it(
    authed: httpx.Client, seeded: VtsEmulator, spelling: str
) -> None:
    seeded.clock.advance(600)  # type: ignore[attr-defined]
    seeded.touch("leases", "203", structure="modified gross")
    body = authed.get("/api/v1/leases", params={"filter[updated_since]": spelling}).json()
    assert ids(body) == ["203"]
    assert ids(authed.get("/api/v1/leases", params={"filter[updated_since]": "2026-01-02"}).json()) == []
    assert len(ids(authed.get("/api/v1/leases", params={"filter[updated_since]": "2026-01-01"}).json())) == 13


def test_contact_filters_by_lease_and_by_tenant(authed: httpx.Client, seeded: VtsEmulator) -> None:
    assert ids(authed.get("/api/v1/tenant_contacts", params={"filter[lease_id]": "204"}).json()) == ["304"]
    assert ids(authed.get("/api/v1/tenants/105/contacts").json()) == ["305"]
    lease = authed.get("/api/v1/leases/204").json()["data"]
    assert lease["relationships"]["contacts"]["data"] == [{"id": "304", "type": "tenant_contacts"}]
    assert lease["relationships"]["tenant"]["data"] == {"id": "104", "type": "tenants"}
    assert lease["relationships"]["asset"]["data"] == {"id": "1", "type": "assets"}


def test_lease_filters_by_sourceid_and_delinquency(authed: httpx.Client, seeded: VtsEmulator) -> None:
    assert ids(authed.get("/api/v1/leases", params={"filter[sourceid]": "L00001"}).json()) == ["1"]
    assert ids(authed.get("/api/v1/leases", params={"filter[delinquent]": "true"}).json()) == []


def test_malformed_fault_corrupts_one_record_of_a_list(authed: httpx.Client, seeded: VtsEmulator) -> None:
    authed.post("/__emulator/faults", json={"kind": "malformed", "count": 1})
    body = authed.get("/api/v1/leases", params={"page[size]": 5}).json()
    assert [item["id"] for item in body["data"]].count("#corrupt#") == 1
    assert "#corrupt#" not in ids(authed.get("/api/v1/leases", params={"page[size]": 5}).json())
