"""The emulator base: routing, persisted state, ids, request log redaction, control surface, serve()."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.wrappers import Request, Response

from coisync.http.clock import FakeClock
from coisync.sandbox.emulator import (
    REDACTED,
    Clock,
    Emulator,
    EmulatorTransport,
    FixedClock,
    HttpError,
    IdSequences,
    Router,
    StateStore,
    SystemClock,
    derived_secret,
    empty_response,
    iso_utc,
    json_response,
    parse_rule,
    read_json,
    serve,
    xml_response,
)


class ToyEmulator(Emulator):
    """A minimal platform: a list of items and a login endpoint that hands out a token."""

    name = "toy"
    login_paths = frozenset({"/login"})

    def __init__(self, state_dir: Path, clock: Clock, seed: int = 7) -> None:
        self.ids = IdSequences(seed, {"item": 2**32 + 1})
        super().__init__(state_dir, clock, seed)

    def routes(self, router: Router) -> None:
        router.add("/items", ["GET"], self.list_items)
        router.add("/items", ["POST"], self.create_item)
        router.add("/items/<int:item_id>", ["GET"], self.get_item)
        router.add("/login", ["POST"], self.login)

    def list_items(self, request: Request) -> Response:
        with self.store.reading() as state:
            return json_response(list(state.get("items", {}).values()))

    def create_item(self, request: Request) -> Response:
        body = read_json(request)
        with self.store.transaction() as state:
            item_id = self.ids.next(state, "item")
            item = {"id": item_id, "name": body.get("name"), "created_at": self.now_iso()}
            state.setdefault("items", {})[str(item_id)] = item
        return json_response(item, 201)

    def get_item(self, request: Request, item_id: int) -> Response:
        with self.store.reading() as state:
            item = state.get("items", {}).get(str(item_id))
        if item is None:
            raise HttpError(404, message=f"no item {item_id}")
        return json_response(item)

    def login(self, request: Request) -> Response:
        with self.store.transaction() as state:
            state["secrets"] = {"token": derived_secret(self.seed_value, "token", 1)}
            state["session_count"] = state.get("session_count", 0) + 1
        return json_response({"access_token": derived_secret(self.seed_value, "token", 1)})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def toy(tmp_path: Path, clock: FixedClock) -> ToyEmulator:
    return ToyEmulator(tmp_path, clock)


def client_for(emulator: Emulator) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app), base_url="http://emu")


def test_router_answers_404_and_405_with_allow(toy: ToyEmulator) -> None:
    with client_for(toy) as client:
        missing = client.get("/nowhere")
        wrong_method = client.delete("/items")
    assert missing.status_code == 404
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "GET, HEAD, POST"


def test_handler_errors_and_bad_json_use_the_error_hook(toy: ToyEmulator) -> None:
    with client_for(toy) as client:
        unknown = client.get("/items/5")
        bad = client.post("/items", content=b"{not json", headers={"Content-Type": "application/json"})
    assert unknown.status_code == 404
    assert unknown.json() == {"error": {"code": 404, "message": "no item 5"}}
    assert bad.status_code == 400


def test_writes_survive_a_restart_over_the_same_directory(tmp_path: Path, clock: FixedClock) -> None:
    first = ToyEmulator(tmp_path, clock)
    with client_for(first) as client:
        created = client.post("/items", json={"name": "alpha"}).json()
    second = ToyEmulator(tmp_path, clock)
    with client_for(second) as client:
        assert client.get(f"/items/{created['id']}").json() == created
        later = client.post("/items", json={"name": "beta"}).json()
    assert later["id"] > created["id"]
    assert list(tmp_path.iterdir()) == [tmp_path / "toy.json"]


def test_ids_are_deterministic_for_a_seed_and_exceed_32_bits(tmp_path: Path, clock: FixedClock) -> None:
    def ids(directory: Path, seed: int) -> list[int]:
        emulator = ToyEmulator(directory, clock, seed)
        with client_for(emulator) as client:
            return [client.post("/items", json={"name": str(n)}).json()["id"] for n in range(4)]

    a, b, c = ids(tmp_path / "a", 7), ids(tmp_path / "b", 7), ids(tmp_path / "c", 8)
    assert a == b
    assert a != c
    assert a == sorted(set(a))
    assert all(i > 2**32 for i in a)


def test_timestamps_come_from_the_injected_clock(toy: ToyEmulator, clock: FixedClock) -> None:
    clock.advance(3600)
    with client_for(toy) as client:
        response = client.post("/items", json={"name": "x"})
    assert response.json()["created_at"] == "2026-01-01T01:00:00Z"
    assert response.headers["Date"] == "Thu, 01 Jan 2026 01:00:00 GMT"


def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    store = StateStore(tmp_path, "roll")
    with store.transaction() as state:
        state["kept"] = 1
    with pytest.raises(RuntimeError), store.transaction() as state:
        state["lost"] = 2
        raise RuntimeError("boom")
    assert store.snapshot() == {"kept": 1}
    assert json.loads((tmp_path / "roll.json").read_text()) == {"kept": 1}


def test_derived_values_last_until_the_next_transaction(tmp_path: Path) -> None:
    store = StateStore(tmp_path, "derived")
    with store.transaction() as state:
        state["items"] = [3, 1, 2]
    calls: list[int] = []

    def ordered(document: dict[str, Any]) -> list[int]:
        calls.append(1)
        return sorted(document["items"])

    assert store.derived("ordered", ordered) == [1, 2, 3]
    assert store.derived("ordered", ordered) == [1, 2, 3]
    assert len(calls) == 1
    with store.transaction() as state:
        state["items"].append(0)
        assert store.derived("ordered", ordered) == [0, 1, 2, 3]  # inside: computed, not kept
        state["items"].append(-1)
    assert store.derived("ordered", ordered) == [-1, 0, 1, 2, 3]
    assert len(calls) == 3
    with pytest.raises(RuntimeError), store.transaction() as state:
        state["items"].append(9)
        raise RuntimeError("rolled back")
    assert store.derived("ordered", ordered) == [-1, 0, 1, 2, 3]
    assert len(calls) == 4


def test_request_log_redacts_secrets(toy: ToyEmulator) -> None:
    with client_for(toy) as client:
        client.post(
            "/items?access_token=tok-123&page=2",
            json={"name": "n", "password": "hunter2", "nested": {"client_secret": "s3"}},
            headers={"Authorization": "Bearer very-secret"},
        )
        client.post("/login", data={"username": "u", "password": "hunter2"})
        log = client.get("/__emulator/requests").json()["requests"]
    text = json.dumps(log)
    for secret in ("tok-123", "hunter2", "s3", "very-secret"):
        assert secret not in text
    first, second = log
    assert first["method"] == "POST"
    assert first["path"] == "/items"
    assert first["query"] == f"access_token={REDACTED}&page=2"
    assert first["status"] == 201
    assert first["time"] == "2026-01-01T00:00:00Z"
    assert first["unix"] == FixedClock().now()
    assert first["body"] == {"name": "n", "password": REDACTED, "nested": {"client_secret": REDACTED}}
    assert second["body"] == {"username": "u", "password": REDACTED}


def test_control_requests_are_not_logged(toy: ToyEmulator) -> None:
    with client_for(toy) as client:
        client.get("/__emulator/state")
        client.get("/items")
        entries = client.get("/__emulator/requests").json()["requests"]
        cleared = client.delete("/__emulator/requests").json()
    assert [e["path"] for e in entries] == ["/items"]
    assert cleared == {"requests": []}
    assert toy.request_log.entries() == []


def test_state_dump_excludes_secrets(toy: ToyEmulator) -> None:
    with client_for(toy) as client:
        token = client.post("/login", json={}).json()["access_token"]
        state = client.get("/__emulator/state").json()
    assert state["session_count"] == 1
    assert "secrets" not in state
    assert token not in json.dumps(state)


def test_unknown_control_endpoint_is_404(toy: ToyEmulator) -> None:
    with client_for(toy) as client:
        assert client.get("/__emulator/nothing").status_code == 404


def test_serve_on_a_real_loopback_port(toy: ToyEmulator) -> None:
    with serve(toy) as running:
        assert running.url.startswith("http://127.0.0.1:")
        assert running.port > 0
        with httpx.Client(base_url=running.url, timeout=5) as client:
            created = client.post("/items", json={"name": "over tcp"})
            listed = client.get("/items")
            client.post("/__emulator/faults", json={"kind": "drop", "count": 1})
            with pytest.raises(httpx.RemoteProtocolError):
                client.get("/items")
            after = client.get("/items")
    assert created.status_code == 201
    assert listed.json() == [created.json()]
    assert after.status_code == 200
    with pytest.raises(httpx.ConnectError), httpx.Client(timeout=2) as client:
        client.get(running.url + "/items")


def test_emulator_transport_turns_a_drop_into_a_protocol_error(toy: ToyEmulator) -> None:
    toy.faults.add([parse_rule({"kind": "drop"})])
    with (
        httpx.Client(transport=EmulatorTransport(toy), base_url="http://emu") as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get("/items")
    entries: list[dict[str, Any]] = toy.request_log.entries()
    assert entries[-1]["status"] == 0
    assert entries[-1]["fault"] == "drop"


def test_response_helpers_set_type_status_and_headers() -> None:
    xml = xml_response("<ok/>", 201, {"X-Extra": "1"})
    empty = empty_response(headers={"X-Extra": "2"})
    assert (xml.status_code, xml.mimetype, xml.get_data(), xml.headers["X-Extra"]) == (
        201,
        "text/xml",
        b"<ok/>",
        "1",
    )
    assert (empty.status_code, empty.get_data(), empty.headers["X-Extra"]) == (204, b"", "2")


def test_the_http_seams_fake_clock_drives_an_emulator(tmp_path: Path) -> None:
    fake = FakeClock()
    toy = ToyEmulator(tmp_path, fake)
    toy.faults.add([parse_rule({"kind": "slow", "delay": 12, "count": 1})])
    with client_for(toy) as client:
        created = client.post("/items", json={"name": "late"})
    assert fake.sleeps == [12.0]
    assert created.json()["created_at"] == iso_utc(fake.now())


def test_slow_fault_on_a_real_server_times_the_client_out(tmp_path: Path) -> None:
    real = ToyEmulator(tmp_path, SystemClock())
    real.faults.add([parse_rule({"kind": "slow", "delay": 0.6, "count": 1})])
    with serve(real) as running, httpx.Client(base_url=running.url, timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get("/items")
        assert client.get("/items").status_code == 200


def test_concurrent_writes_over_tcp_get_distinct_ids(toy: ToyEmulator) -> None:
    with serve(toy) as running, httpx.Client(base_url=running.url, timeout=5) as client:
        with ThreadPoolExecutor(max_workers=8) as pool:
            created = list(pool.map(lambda n: client.post("/items", json={"name": str(n)}).json(), range(24)))
        listed = client.get("/items").json()
    assert len({item["id"] for item in created}) == 24
    assert sorted(item["id"] for item in listed) == sorted(item["id"] for item in created)
