"""Procore emulator: page/per_page, Link/Total/Per-Page headers and filters[...] on lists."""

from __future__ import annotations

import re

import httpx
import pytest
from coisync_procore.emulator import DEMO_COMPANY_ID, ProcoreEmulator, ProcoreSettings

INSURANCES = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/insurances"
ACME, BLUEWATER = 2_627_684, 2_627_691
LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def links(response: httpx.Response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.headers["Link"])}


@pytest.fixture
def many(emulator: ProcoreEmulator) -> int:
    """Add 25 company-level records (demo has 4 live ones and 1 tombstone at company level)."""
    emulator.seed(
        {
            "insurances": [
                {"vendor_id": ACME, "policy_number": f"P-{n:02d}", "updated_at": f"2026-01-01T00:{n:02d}:00Z"}
                for n in range(25)
            ]
        }
    )
    return 29


def test_first_page_headers_and_links(client: httpx.Client, headers: dict[str, str], many: int) -> None:
    response = client.get(INSURANCES, headers=headers, params={"per_page": 10})
    assert response.status_code == 200
    assert len(response.json()) == 10
    assert response.headers["Total"] == str(many)
    assert response.headers["Per-Page"] == "10"
    rels = links(response)
    assert set(rels) == {"first", "next", "last"}
    assert rels["next"] == f"http://procore.test{INSURANCES}?page=2&per_page=10"
    assert rels["first"].endswith("page=1&per_page=10")
    assert rels["last"].endswith("page=3&per_page=10")


def test_following_next_visits_every_record_once_in_id_order(
    client: httpx.Client, headers: dict[str, str], many: int
) -> None:
    seen: list[int] = []
    url: str | None = f"{INSURANCES}?per_page=7"
    pages = 0
    while url:
        response = client.get(url, headers=headers)
        seen += [r["id"] for r in response.json()]
        url = links(response).get("next")
        pages += 1
    assert pages == 5
    assert len(seen) == many
    assert seen == sorted(set(seen))


def test_middle_and_last_pages_have_prev(client: httpx.Client, headers: dict[str, str], many: int) -> None:
    middle = client.get(INSURANCES, headers=headers, params={"per_page": 10, "page": 2})
    assert set(links(middle)) == {"first", "prev", "next", "last"}
    assert links(middle)["prev"].endswith("page=1&per_page=10")
    last = client.get(INSURANCES, headers=headers, params={"per_page": 10, "page": 3})
    assert set(links(last)) == {"first", "prev", "last"}
    assert len(last.json()) == many - 20
    beyond = client.get(INSURANCES, headers=headers, params={"per_page": 10, "page": 9})
    assert beyond.json() == []
    assert "next" not in links(beyond)


def test_links_keep_the_filters(client: httpx.Client, headers: dict[str, str], many: int) -> None:
    response = client.get(INSURANCES, headers=headers, params={"per_page": 2, "filters[vendor_id]": ACME})
    assert "filters%5Bvendor_id%5D=2627684" in links(response)["next"]
    assert response.headers["Total"] == str(many - 2)


def test_default_per_page_is_100(
    client: httpx.Client, headers: dict[str, str], emulator: ProcoreEmulator
) -> None:
    emulator.seed({"insurances": [{"vendor_id": BLUEWATER} for _ in range(110)]})
    response = client.get(INSURANCES, headers=headers)
    assert response.headers["Per-Page"] == "100"
    assert len(response.json()) == 100
    assert response.headers["Total"] == "114"


@pytest.mark.parametrize("settings", [ProcoreSettings(max_per_page=5)])
def test_per_page_above_the_maximum_is_clamped(
    client: httpx.Client, headers: dict[str, str], many: int
) -> None:
    response = client.get(INSURANCES, headers=headers, params={"per_page": 5000})
    assert response.headers["Per-Page"] == "5"
    assert len(response.json()) == 5


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "x"}, {"per_page": "-1"}])
def test_bad_paging_parameters_are_400(
    client: httpx.Client, headers: dict[str, str], params: dict[str, str]
) -> None:
    assert client.get(INSURANCES, headers=headers, params=params).status_code == 400


def test_updated_at_window_is_inclusive_at_both_ends(
    client: httpx.Client, headers: dict[str, str], many: int
) -> None:
    window = "2026-01-01T00:05:00Z...2026-01-01T00:09:00Z"
    body = client.get(INSURANCES, headers=headers, params={"filters[updated_at]": window}).json()
    assert [r["policy_number"] for r in body] == [f"P-{n:02d}" for n in range(5, 10)]
    assert all("2026-01-01T00:05:00Z" <= r["updated_at"] <= "2026-01-01T00:09:00Z" for r in body)


@pytest.mark.parametrize("settings", [ProcoreSettings(updated_at_end_inclusive=False)])
def test_updated_at_end_can_be_made_exclusive(
    client: httpx.Client, headers: dict[str, str], many: int
) -> None:
    window = "2026-01-01T00:05:00Z...2026-01-01T00:09:00Z"
    body = client.get(INSURANCES, headers=headers, params={"filters[updated_at]": window}).json()
    assert [r["policy_number"] for r in body] == [f"P-{n:02d}" for n in range(5, 9)]


def test_updated_at_window_sees_later_writes(
    client: httpx.Client, headers: dict[str, str], clock: object, many: int
) -> None:
    client.patch(f"{INSURANCES}/311823", headers=headers, json={"insurance": {"notes": "touched"}})
    body = client.get(
        INSURANCES,
        headers=headers,
        params={"filters[updated_at]": "2026-01-01T00:00:00Z...2026-01-01T00:00:00Z"},
    ).json()
    assert sorted(r["id"] for r in body)[0] == 311823
    assert {r["policy_number"] for r in body} == {"12345GL", "P-00"}


@pytest.mark.parametrize("window", ["yesterday...today", "2026-01-01T00:00:00Z...soon"])
def test_malformed_updated_at_window_is_400(
    client: httpx.Client, headers: dict[str, str], window: str
) -> None:
    assert client.get(INSURANCES, headers=headers, params={"filters[updated_at]": window}).status_code == 400


def test_include_deleted_with_and_only(client: httpx.Client, headers: dict[str, str]) -> None:
    live = client.get(INSURANCES, headers=headers).json()
    with_deleted = client.get(INSURANCES, headers=headers, params={"filters[include_deleted]": "with"}).json()
    only = client.get(INSURANCES, headers=headers, params={"filters[include_deleted]": "only"}).json()
    assert [r["policy_number"] for r in only] == ["PL-0001"]
    assert only[0]["deleted_at"] == "2025-11-30T00:00:00Z"
    assert len(with_deleted) == len(live) + 1
    assert all(r["deleted_at"] is None for r in live)
    assert (
        client.get(INSURANCES, headers=headers, params={"filters[include_deleted]": "yes"}).status_code == 400
    )


def test_vendor_id_filter_accepts_single_and_array_forms(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    single = client.get(INSURANCES, headers=headers, params={"filters[vendor_id]": BLUEWATER}).json()
    array = client.get(
        INSURANCES,
        headers=headers,
        params=[("filters[vendor_id][]", ACME), ("filters[vendor_id][]", BLUEWATER)],
    ).json()
    assert {r["vendor_id"] for r in single} == {BLUEWATER}
    assert {r["vendor_id"] for r in array} == {ACME, BLUEWATER}


def test_vendors_list_is_paged_and_filtered(
    client: httpx.Client, headers: dict[str, str], emulator: ProcoreEmulator
) -> None:
    emulator.seed({"vendors": [{"name": "Late Vendor", "updated_at": "2026-02-01T00:00:00Z"}]})
    path = "/rest/v1.0/vendors"
    company = {"company_id": DEMO_COMPANY_ID}
    page = client.get(path, headers=headers, params={**company, "per_page": 2})
    assert [v["name"] for v in page.json()] == ["Acme HVAC LLC", "Bluewater Plumbing Inc."]
    assert page.headers["Total"] == "4"
    assert "company_id=4264917" in links(page)["next"]
    window = "2026-01-15T00:00:00Z...2026-03-01T00:00:00Z"
    recent = client.get(path, headers=headers, params={**company, "filters[updated_at]": window})
    assert [v["name"] for v in recent.json()] == ["Late Vendor"]
    assert set(recent.json()[0]) >= {"id", "name", "is_active", "origin_id", "updated_at"}
    assert client.get("/rest/v1.0/vendors", headers=headers).status_code == 400
    assert client.get("/rest/v1.0/vendors?company_id=5", headers=headers).status_code == 404


def test_a_write_between_pages_shows_on_the_next_page(
    client: httpx.Client, headers: dict[str, str], many: int
) -> None:
    """Listings are paged from a remembered selection; a write must make the next page fresh."""
    first = client.get(INSURANCES, headers=headers, params={"per_page": 10})
    assert first.headers["Total"] == str(many)
    created = client.post(
        INSURANCES, headers=headers, json={"insurance": {"vendor_id": ACME, "policy_number": "P-NEW"}}
    )
    assert created.status_code == 201
    last = client.get(INSURANCES, headers=headers, params={"per_page": 10, "page": 3})
    assert last.headers["Total"] == str(many + 1)
    assert "P-NEW" in [r["policy_number"] for r in last.json()]
    other_filter = client.get(
        INSURANCES, headers=headers, params={"per_page": 10, "filters[vendor_id]": ACME}
    )
    assert other_filter.headers["Total"] == str(many - 2 + 1)
