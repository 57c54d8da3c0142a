"""HttpSession end to end: an in-process WSGI emulator, default headers, logs and counters."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from coisync.http import ApiKeyHeaders, FakeClock, HttpConfig, HttpSession, InvalidResponseError


def vendors_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A tiny WSGI 'platform': checks the key header and pages with X-Total-Count."""
    if environ.get("HTTP_X_BUILDIUM_CLIENT_SECRET") != "emu-secret-1":
        start_response("401 Unauthorized", [("Content-Type", "application/json")])
        return [b'{"UserMessage": "bad key"}']
    query = dict(pair.split("=") for pair in environ["QUERY_STRING"].split("&") if pair)
    offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
    rows = [{"Id": i, "CompanyName": f"Vendor {i}"} for i in range(offset, min(offset + limit, 5))]
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Total-Count", "5")])
    return [json.dumps(rows).encode()]


def test_an_in_process_wsgi_emulator_is_reachable_through_the_seam() -> None:
    session = HttpSession(
        HttpConfig(
            base_url="http://buildium.emulator:8000", allow_private_network=True, allow_insecure_http=True
        ),
        auth=ApiKeyHeaders(
            {"x-buildium-client-id": "id-1", "x-buildium-client-secret": SecretStr("emu-secret-1")}
        ),
        clock=FakeClock(),
        transport=httpx.WSGITransport(app=vendors_app),
        resolver=lambda host, port: ["127.0.0.1"],
    )
    with session:
        pages = list(session.paginate("/v1/vendors", {"type": "offset_total", "page_size": 2}))
    assert [len(page.records) for page in pages] == [2, 2, 1]
    assert [row["Id"] for page in pages for row in page.records] == [0, 1, 2, 3, 4]


def test_default_headers_and_user_agent_are_sent(make_session: Callable[..., HttpSession]) -> None:
    seen: list[httpx.Request] = []
    session = make_session(
        lambda request: (seen.append(request), httpx.Response(200))[1],
        headers={"Procore-Company-Id": "42"},
    )
    session.get("/rest/v1.0/vendors")
    assert seen[0].headers["Procore-Company-Id"] == "42"
    assert seen[0].headers["User-Agent"].startswith("coisync/")


def test_one_debug_line_per_request(
    make_session: Callable[..., HttpSession], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="coisync.http")
    session = make_session(lambda request: httpx.Response(200, json={}))
    for page in range(3):
        session.get("/x", params={"page": page})
    lines = [r.getMessage() for r in caplog.records if r.name == "coisync.http.client"]
    assert len(lines) == 3
    assert lines[0].startswith("api.example.com: GET https://api.example.com/x?page=0 -> 200")


def test_counters_and_json_bodies(make_session: Callable[..., HttpSession]) -> None:
    statuses = iter([503, 201, 404])
    session = make_session(lambda request: httpx.Response(next(statuses), json={"id": 7}))
    response = session.request("PUT", "/vendors/7", json={"name": "Acme"})
    assert response.status_code == 201
    assert response.json() == {"id": 7}
    with pytest.raises(Exception, match="404"):
        session.get("/vendors/8")
    assert session.requests_made == 3
    assert session.retries == 1
    assert session.by_status == {503: 1, 201: 1, 404: 1}
    assert "requests_made=3" in repr(session.counters)


def test_json_and_content_bodies_are_sent(make_session: Callable[..., HttpSession]) -> None:
    seen: list[httpx.Request] = []
    session = make_session(lambda request: (seen.append(request), httpx.Response(200))[1])
    session.request("POST", "/a", json={"k": 1}, idempotency_key="op-1")
    session.request("POST", "/b", content="<soap/>", headers={"Content-Type": "text/xml"}, idempotent=True)
    assert json.loads(seen[0].content) == {"k": 1}
    assert seen[0].headers["Idempotency-Key"] == "op-1"
    assert seen[1].content == b"<soap/>"
    assert seen[1].headers["Content-Type"] == "text/xml"


def test_idempotency_header_can_be_switched_off(make_session: Callable[..., HttpSession]) -> None:
    seen: list[httpx.Request] = []
    session = make_session(
        lambda request: (seen.append(request), httpx.Response(200))[1], idempotency_header=None
    )
    session.request("POST", "/sync", json={}, idempotency_key="op-2")
    assert "Idempotency-Key" not in seen[0].headers


@pytest.mark.parametrize(
    "body",
    [
        {"updates": [{"id": 7, "status": "compliant", "notes": "Zoë's lines"}], "b": None, "a": True},
        {"limit": 1e16, "ratio": 0.5},  # floats: written the standard way
    ],
)
def test_a_json_body_is_sent_as_httpx_would_send_it(
    make_session: Callable[..., HttpSession], body: dict[str, Any]
) -> None:
    seen: list[httpx.Request] = []
    session = make_session(lambda request: (seen.append(request), httpx.Response(200, json={}))[1])
    session.request("PATCH", "/rest/v1.0/companies/1/insurances/sync", json=body)
    expected = httpx.Request("PATCH", "https://x.test/", json=body)
    assert seen[0].content == expected.content
    assert seen[0].headers["Content-Type"] == "application/json"
    assert seen[0].headers["Content-Length"] == str(len(expected.content))


def test_an_unreadable_body_names_the_request(make_session: Callable[..., HttpSession]) -> None:
    session = make_session(lambda request: httpx.Response(200, content=b"<html>busy</html>"))
    response = session.request("GET", "/rest/v1.0/vendors")
    with pytest.raises(InvalidResponseError, match="not valid JSON"):
        session.body(response)
