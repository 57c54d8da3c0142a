"""Fault injection through /__emulator/faults: kinds, counts, paths and determinism."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import (
    Emulator,
    EmulatorTransport,
    FixedClock,
    HttpError,
    Router,
    json_response,
    read_json,
)


class ListEmulator(Emulator):
    """Three fixed records and a counter that writes increment."""

    name = "faulty"
    login_paths = frozenset({"/login"})

    def routes(self, router: Router) -> None:
        router.add("/records", ["GET"], self.records)
        router.add("/counter", ["POST"], self.increment)
        router.add("/counter", ["GET"], self.counter)
        router.add("/login", ["POST"], self.login)

    def records(self, request: Request) -> Response:
        data = [{"id": n, "expires": f"2026-01-0{n}", "name": f"r{n}"} for n in (1, 2, 3)]
        return json_response({"data": data})

    def increment(self, request: Request) -> Response:
        with self.store.transaction() as state:
            state["counter"] = state.get("counter", 0) + 1
            return json_response({"counter": state["counter"]}, 201)

    def counter(self, request: Request) -> Response:
        with self.store.reading() as state:
            return json_response({"counter": state.get("counter", 0)})

    def login(self, request: Request) -> Response:
        body = read_json(request)
        if body.get("password") != "right":
            raise HttpError(401, message="bad password")
        return json_response({"ok": True})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def emulator(tmp_path: Path, clock: FixedClock) -> ListEmulator:
    return ListEmulator(tmp_path, clock, seed=11)


@pytest.fixture
def client(emulator: ListEmulator) -> httpx.Client:
    return httpx.Client(transport=EmulatorTransport(emulator), base_url="http://emu")


def add_fault(client: httpx.Client, **rule: Any) -> dict[str, Any]:
    response = client.post("/__emulator/faults", json=rule)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_faults_endpoint_lists_adds_and_clears(client: httpx.Client) -> None:
    assert client.get("/__emulator/faults").json() == {"rules": []}
    added = add_fault(client, kind="503", retry_after=7, count=2, paths="/records")
    assert added["rules"] == [
        {
            "kind": "503",
            "rate": 1.0,
            "retry_after": 7,
            "count": 2,
            "paths": ["/records"],
            "delay": 2.0,
            "fired": 0,
            "remaining": 2,
        }
    ]
    client.post("/__emulator/faults", json={"rules": [{"kind": "429"}, {"kind": "500", "rate": 0.5}]})
    assert [r["kind"] for r in client.get("/__emulator/faults").json()["rules"]] == ["503", "429", "500"]
    assert client.delete("/__emulator/faults").json() == {"rules": []}
    assert client.get("/records").status_code == 200


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "teapot"},
        {"kind": "429", "rate": 1.5},
        {"kind": "429", "count": 0},
        {"kind": "429", "retry_after": -1},
        {"kind": "429", "paths": 3},
        {"kind": "429", "colour": "red"},
        "503",
    ],
)
def test_invalid_rules_are_refused(client: httpx.Client, rule: Any) -> None:
    response = client.post("/__emulator/faults", json=rule)
    assert response.status_code == 400
    assert response.json()["error"]
    assert client.get("/__emulator/faults").json() == {"rules": []}


@pytest.mark.parametrize(("kind", "status"), [("429", 429), ("503", 503), ("500", 500)])
def test_status_faults_fire_count_times_with_retry_after(
    client: httpx.Client, kind: str, status: int
) -> None:
    add_fault(client, kind=kind, retry_after=9, count=2)
    responses = [client.get("/records") for _ in range(3)]
    assert [r.status_code for r in responses] == [status, status, 200]
    if status in (429, 503):
        assert responses[0].headers["Retry-After"] == "9"
    else:
        assert "Retry-After" not in responses[0].headers
    rule = client.get("/__emulator/faults").json()["rules"][0]
    assert (rule["fired"], rule["remaining"]) == (2, 0)
    log = client.get("/__emulator/requests").json()["requests"]
    assert [e["fault"] for e in log] == [kind, kind, None]


def test_paths_limit_where_a_fault_applies(client: httpx.Client) -> None:
    add_fault(client, kind="503", paths=["/counter"])
    assert client.get("/records").status_code == 200
    assert client.get("/counter").status_code == 503


def test_fault_decisions_are_deterministic_for_a_seed(tmp_path: Path, clock: FixedClock) -> None:
    def pattern(seed: int, directory: str) -> list[int]:
        emulator = ListEmulator(tmp_path / directory, clock, seed=seed)
        with httpx.Client(transport=EmulatorTransport(emulator), base_url="http://emu") as client:
            add_fault(client, kind="503", rate=0.3)
            return [client.get("/records").status_code for _ in range(60)]

    first, again, other = pattern(11, "a"), pattern(11, "b"), pattern(12, "c")
    assert first == again
    assert first != other
    assert 5 <= first.count(503) <= 35


def test_drop_closes_without_committing(client: httpx.Client) -> None:
    add_fault(client, kind="drop", count=1, paths="/counter")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/counter")
    assert client.get("/counter").json() == {"counter": 0}


def test_lost_response_commits_the_write_then_drops(client: httpx.Client) -> None:
    add_fault(client, kind="lost_response", count=1)
    assert client.get("/counter").status_code == 200  # reads are never lost
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/counter")
    assert client.get("/counter").json() == {"counter": 1}
    assert client.post("/counter").json() == {"counter": 2}
    statuses = [
        (e["method"], e["status"], e["fault"]) for e in client.get("/__emulator/requests").json()["requests"]
    ]
    assert statuses[1] == ("POST", 0, "lost_response")


def test_lost_response_surfaces_as_a_raw_exception_through_wsgi_transport(emulator: ListEmulator) -> None:
    with httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app), base_url="http://emu") as raw:
        add_fault(raw, kind="lost_response")
        with pytest.raises(ConnectionError):
            raw.post("/counter")
        assert raw.get("/counter").json() == {"counter": 1}


def test_malformed_corrupts_exactly_one_record(client: httpx.Client) -> None:
    clean = client.get("/records").json()["data"]
    add_fault(client, kind="malformed", count=1)
    dirty = client.get("/records").json()["data"]
    changed = [i for i, (a, b) in enumerate(zip(clean, dirty, strict=True)) if a != b]
    assert len(changed) == 1
    broken = dirty[changed[0]]
    assert broken["id"] == "#corrupt#"
    assert broken["expires"] == "2025-13-45"
    assert client.get("/records").json()["data"] == clean


def test_login_failure_refuses_good_credentials_on_login_paths_only(client: httpx.Client) -> None:
    assert client.post("/login", json={"password": "right"}).status_code == 200
    add_fault(client, kind="login_failure", count=1)
    assert client.get("/records").status_code == 200
    assert client.post("/login", json={"password": "right"}).status_code == 401
    assert client.post("/login", json={"password": "right"}).status_code == 200


def test_slow_waits_on_the_emulator_clock(client: httpx.Client, clock: FixedClock) -> None:
    add_fault(client, kind="slow", delay=30, count=1)
    before = clock.now()
    assert client.get("/records").status_code == 200
    assert clock.now() - before == 30
    assert client.get("/__emulator/requests").json()["requests"][0]["fault"] == "slow"
