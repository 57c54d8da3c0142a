"""Paginators on hand-built responses, the registry, and HttpSession.paginate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from coisync.errors import ConfigError
from coisync.http import (
    PAGINATORS,
    HttpSession,
    InvalidResponseError,
    JsonApiCursorPaginator,
    ODataNextLinkPaginator,
    OffsetTotalPaginator,
    PageNumberLinkPaginator,
    PageRequest,
    PaginationLimitError,
    PaginationLoopError,
    Paginator,
    SinglePage,
    create_paginator,
    register_paginator,
)

URL = "https://api.example.com/rest/v1.0/insurances"


def response(body: Any = None, headers: dict[str, str] | None = None, url: str = URL) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers or {}, request=httpx.Request("GET", url))


# -- page_link (Procore) ------------------------------------------------------------------


def test_page_link_follows_rel_next() -> None:
    paginator = PageNumberLinkPaginator(page_size=2)
    first = paginator.first_request({"filters[updated_at]": "x"})
    assert first == PageRequest(params={"filters[updated_at]": "x", "page": 1, "per_page": 2})
    link = f'<{URL}?page=2&per_page=2>; rel="next", <{URL}?page=5&per_page=2>; rel="last"'
    following = paginator.next_request(response([1, 2], {"Link": link}), [1, 2])
    assert following == PageRequest(url=f"{URL}?page=2&per_page=2")
    last_link = f'<{URL}?page=1&per_page=2>; rel="first"'
    assert paginator.next_request(response([3], {"Link": last_link}), [3]) is None


def test_page_link_falls_back_on_total_and_per_page() -> None:
    paginator = PageNumberLinkPaginator(page_size=2)
    paginator.first_request({})
    headers = {"Total": "5", "Per-Page": "2"}
    assert paginator.next_request(response([1, 2], headers), [1, 2]) == PageRequest(
        params={"page": 2, "per_page": 2}
    )
    assert paginator.next_request(response([3, 4], headers), [3, 4]) == PageRequest(
        params={"page": 3, "per_page": 2}
    )
    assert paginator.next_request(response([5], headers), [5]) is None


def test_page_link_without_headers_stops_on_a_short_page() -> None:
    paginator = PageNumberLinkPaginator(page_size=2)
    paginator.first_request({})
    assert paginator.next_request(response([1, 2]), [1, 2]) is not None
    assert paginator.next_request(response([3]), [3]) is None


def test_page_link_repeating_next_link_is_a_loop() -> None:
    paginator = PageNumberLinkPaginator()
    paginator.first_request({})
    link = {"Link": f'<{URL}?page=2>; rel="next"'}
    paginator.next_request(response([1], link), [1])
    with pytest.raises(PaginationLoopError, match="already returned"):
        paginator.next_request(response([1], link), [1])


# -- offset_total (Buildium) -------------------------------------------------------------


def test_offset_total_advances_until_the_total() -> None:
    paginator = OffsetTotalPaginator(page_size=2)
    assert paginator.first_request({"orderby": "Id"}) == PageRequest(
        params={"orderby": "Id", "offset": 0, "limit": 2}
    )
    headers = {"X-Total-Count": "3"}
    assert paginator.next_request(response([1, 2], headers), [1, 2]) == PageRequest(
        params={"orderby": "Id", "offset": 2, "limit": 2}
    )
    assert paginator.next_request(response([3], headers), [3]) is None


def test_offset_total_with_a_custom_header_and_records_key() -> None:
    paginator = OffsetTotalPaginator(page_size=1, total_header="Total-Records", records_key="items")
    paginator.first_request({})
    body = {"items": [{"id": 1}]}
    assert paginator.records(body) == [{"id": 1}]
    assert paginator.next_request(response(body, {"Total-Records": "2"}), body) is not None
    with pytest.raises(InvalidResponseError, match="'items'"):
        paginator.records({"data": []})


def test_offset_total_stops_on_an_empty_page_even_if_the_total_lies() -> None:
    paginator = OffsetTotalPaginator(page_size=2)
    paginator.first_request({})
    assert paginator.next_request(response([], {"X-Total-Count": "100"}), []) is None


# -- cursor (VTS, JSON:API) --------------------------------------------------------------


def vts_page(after: str | None, ids: list[str]) -> dict[str, Any]:
    links: dict[str, Any] = {"self": URL}
    if after:
        links["next"] = f"https://api.example.com/api/v1/leases?page%5Bafter%5D={after}&page%5Bsize%5D=2"
    return {"data": [{"id": i, "type": "leases"} for i in ids], "links": links}


def test_cursor_reads_page_after_from_links_next() -> None:
    paginator = JsonApiCursorPaginator(page_size=2)
    assert paginator.first_request({"filter[updated_since]": "2025-01-01"}).params == {
        "filter[updated_since]": "2025-01-01",
        "page[size]": 2,
    }
    body = vts_page("MzE2NjQ=", ["1", "2"])
    assert paginator.records(body) == body["data"]
    following = paginator.next_request(response(body), body)
    assert following is not None
    assert following.params == {
        "filter[updated_since]": "2025-01-01",
        "page[size]": 2,
        "page[after]": "MzE2NjQ=",
    }
    last = vts_page(None, ["3"])
    assert paginator.next_request(response(last), last) is None


def test_cursor_repeating_is_detected() -> None:
    paginator = JsonApiCursorPaginator()
    paginator.first_request({})
    body = vts_page("QUFB", ["1"])
    paginator.next_request(response(body), body)
    with pytest.raises(PaginationLoopError):
        paginator.next_request(response(body), body)


# -- odata (MRI) -------------------------------------------------------------------------


def test_odata_follows_next_link_until_absent() -> None:
    paginator = ODataNextLinkPaginator(page_size=300)
    assert paginator.first_request({"$api": "MRI_S-PMCM_X", "BLDGID": "B1"}).params == {
        "$api": "MRI_S-PMCM_X",
        "BLDGID": "B1",
        "$top": 300,
        "$skip": 0,
    }
    next_link = "https://api.example.com/mriapiservices/api.asp?%24api=X&%24top=300&%24skip=300"
    body = {"odata.metadata": "m", "nextLink": next_link, "value": [{"LeaseID": "1"}]}
    assert paginator.records(body) == [{"LeaseID": "1"}]
    assert paginator.next_request(response(body), body) == PageRequest(url=next_link)
    last = {"odata.metadata": "m", "value": []}
    assert paginator.next_request(response(last), last) is None


def test_odata_v4_next_link_name_and_loop() -> None:
    paginator = ODataNextLinkPaginator()
    paginator.first_request({})
    body = {"@odata.nextLink": "/next?skip=1", "value": [1]}
    assert paginator.next_request(response(body), body) == PageRequest(
        url="https://api.example.com/next?skip=1"
    )
    with pytest.raises(PaginationLoopError):
        paginator.next_request(response(body), body)


# -- none, page cap, registry ------------------------------------------------------------


def test_single_page() -> None:
    paginator = SinglePage()
    assert paginator.first_request({"a": 1}) == PageRequest(params={"a": 1})
    assert paginator.next_request(response({}), {}) is None
    assert paginator.records({"id": 1}) == [{"id": 1}]
    assert paginator.records([1, 2]) == [1, 2]
    assert paginator.records(None) == []


def test_page_cap_raises() -> None:
    paginator = OffsetTotalPaginator(page_size=1, max_pages=3)
    paginator.first_request({})
    headers = {"X-Total-Count": "100"}
    paginator.next_request(response([1], headers), [1])
    paginator.next_request(response([1], headers), [1])
    with pytest.raises(PaginationLimitError, match="3 pages"):
        paginator.next_request(response([1], headers), [1])


def test_first_request_resets_loop_state() -> None:
    paginator = JsonApiCursorPaginator()
    body = vts_page("QUFB", ["1"])
    for _ in range(2):
        paginator.first_request({})
        assert paginator.next_request(response(body), body) is not None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("none", SinglePage),
        ("page_link", PageNumberLinkPaginator),
        ("offset_total", OffsetTotalPaginator),
        ("cursor", JsonApiCursorPaginator),
        ("odata", ODataNextLinkPaginator),
        ({"type": "offset_total", "page_size": 50}, OffsetTotalPaginator),
    ],
)
def test_create_paginator_by_name_or_mapping(spec: Any, expected: type[Paginator]) -> None:
    assert type(create_paginator(spec)) is expected


def test_create_paginator_passes_options_and_instances_through() -> None:
    paginator = create_paginator({"type": "offset_total", "total_header": "Total"})
    assert isinstance(paginator, OffsetTotalPaginator)
    assert paginator.total_header == "Total"
    assert create_paginator(paginator) is paginator


def test_unknown_paginator_lists_the_valid_names() -> None:
    with pytest.raises(ConfigError) as raised:
        create_paginator("links")
    message = str(raised.value)
    for name in ("cursor", "none", "odata", "offset_total", "page_link"):
        assert name in message


def test_bad_paginator_options_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="bad options"):
        create_paginator({"type": "cursor", "page_sise": 10})


def test_register_paginator_checks_type_and_clashes() -> None:
    class Custom(SinglePage):
        name = "custom_test"

    register_paginator("custom_test", Custom)
    try:
        register_paginator("custom_test", Custom)  # idempotent
        assert isinstance(create_paginator("custom_test"), Custom)
        with pytest.raises(ValueError, match="already registered"):
            register_paginator("custom_test", SinglePage)
        with pytest.raises(TypeError):
            register_paginator("bad", dict)  # type: ignore[arg-type]
    finally:
        PAGINATORS.pop("custom_test")


# -- through the session -----------------------------------------------------------------


def procore_handler(total: int, per_page: int) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        start = (page - 1) * per_page
        rows = [{"id": i} for i in range(start, min(total, start + per_page))]
        headers = {"Total": str(total), "Per-Page": str(per_page)}
        if start + per_page < total:
            headers["Link"] = f'<{URL}?page={page + 1}&per_page={per_page}>; rel="next"'
        return httpx.Response(200, json=rows, headers=headers)

    return handler


def test_session_paginate_yields_every_record_once(make_session: Callable[..., HttpSession]) -> None:
    session = make_session(procore_handler(total=7, per_page=3))
    pages = list(session.paginate("/rest/v1.0/insurances", {"type": "page_link", "page_size": 3}))
    assert [page.number for page in pages] == [1, 2, 3]
    assert [row["id"] for page in pages for row in page.records] == list(range(7))
    assert pages[-1].next_request is None
    assert session.requests_made == 3


def test_session_paginate_detects_a_cursor_that_repeats_forever(
    make_session: Callable[..., HttpSession],
) -> None:
    body = vts_page("U0FNRQ==", ["1"])
    session = make_session(lambda request: httpx.Response(200, json=body))
    with pytest.raises(PaginationLoopError):
        for _ in session.paginate("/api/v1/leases", "cursor"):
            pass
    assert session.requests_made <= 3


def test_session_paginate_rejects_an_html_page_with_status_200(
    make_session: Callable[..., HttpSession],
) -> None:
    session = make_session(lambda request: httpx.Response(200, text="<html><body>Maintenance</body></html>"))
    with pytest.raises(InvalidResponseError, match="not valid JSON") as raised:
        list(session.paginate("/v1/vendors", "offset_total"))
    assert "Maintenance" in str(raised.value)
