"""The Procore connector against its emulator: config, requests, streams, quarantine, check, plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from coisync_procore import register_connectors
from coisync_procore.config import ProcoreConfig, token_url_for
from coisync_procore.connector import COMPANY_HEADER, ProcoreConnector
from coisync_procore.emulator import ProcoreEmulator
from procore_adapter import (
    CLIENT_ID,
    CLIENT_SECRET,
    COMPANY_ID,
    ID_ENV,
    SECRET_ENV,
    VENDOR_ID,
    procore_emulator,
    seed_insurances,
)

from coisync.connector import ConnectorRegistry, ownership_problems, parse_connection
from coisync.errors import ConfigError
from coisync.http import FakeClock
from coisync.sandbox.emulator import iso_utc
from coisync.testing import EmulatorEndpoint, open_endpoint, read_stream

Make = Callable[..., ProcoreConnector]


def table(base_url: str = "https://api.procore.com", **extra: Any) -> dict[str, Any]:
    return {
        "connector": "procore",
        "base_url": base_url,
        "company_id": COMPANY_ID,
        "credentials": {"client_id": {"$env": ID_ENV}, "client_secret": {"$env": SECRET_ENV}},
        **extra,
    }


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ID_ENV, CLIENT_ID)
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(tmp_path: Path, clock: FakeClock) -> ProcoreEmulator:
    return procore_emulator(tmp_path / "procore", clock)


@pytest.fixture
def endpoint(emulator: ProcoreEmulator, clock: FakeClock) -> Iterator[EmulatorEndpoint]:
    with open_endpoint("in_process", emulator, clock) as reached:
        yield reached


@pytest.fixture
def make(endpoint: EmulatorEndpoint, clock: FakeClock) -> Iterator[Make]:
    made: list[ProcoreConnector] = []

    def build(**extra: Any) -> ProcoreConnector:
        config = parse_connection("procore", table(endpoint.base_url, page_size=3, **extra), ProcoreConfig)
        connector = ProcoreConnector(config, endpoint.session_factory(), clock=clock)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        connector.close()


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.procore.com", "https://login.procore.com/oauth/token"),
        ("https://sandbox.procore.com/", "https://login-sandbox.procore.com/oauth/token"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/oauth/token"),
        ("https://procore.emulator.test/rest", "https://procore.emulator.test/oauth/token"),
    ],
)
def test_token_url_follows_the_base_url(base_url: str, expected: str) -> None:
    assert token_url_for(base_url) == expected
    config = parse_connection("procore", table(base_url), ProcoreConfig)
    assert config.token_url == expected


def test_credentials_token_url_wins() -> None:
    data = table()
    data["credentials"]["token_url"] = "https://login.example.test/oauth/token"
    assert parse_connection("p", data, ProcoreConfig).token_url == "https://login.example.test/oauth/token"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"company_id": None}, "connections.procore.company_id"),
        ({"page_size": 2001}, "connections.procore.page_size"),
        ({"credentials": {"client_id": "x", "client_secret": "plain-text-secret"}}, "client_secret"),
    ],
)
def test_bad_config_names_the_key(change: dict[str, Any], key: str) -> None:
    data = {k: v for k, v in {**table(), **change}.items() if v is not None}
    with pytest.raises(ConfigError) as raised:
        parse_connection("procore", data, ProcoreConfig)
    assert key in str(raised.value)
    assert "plain-text-secret" not in str(raised.value)


def test_every_api_request_names_the_company(
    make: Make, emulator: ProcoreEmulator, endpoint: EmulatorEndpoint
) -> None:
    seed_insurances(emulator, 4)
    read_stream(make(), "insurances")
    api = [r for r in endpoint.transport.requests if r.url.path.startswith("/rest/")]
    assert len(api) == 2
    assert {r.headers.get(COMPANY_HEADER) for r in api} == {str(COMPANY_ID)}


def test_reads_ask_for_an_updated_at_window_ending_now(
    make: Make, emulator: ProcoreEmulator, endpoint: EmulatorEndpoint, clock: FakeClock
) -> None:
    seed_insurances(emulator, 2)
    connector = make()
    _, _, cursor = read_stream(connector, "insurances")
    first = endpoint.transport.requests[-1].url.params["filters[updated_at]"]
    assert first == f"1970-01-01T00:00:00Z...{iso_utc(clock.now())}"
    clock.advance(30)
    read_stream(connector, "insurances", cursor.to_json())
    second = endpoint.transport.requests[-1].url.params["filters[updated_at]"]
    assert second == f"{cursor.value}...{iso_utc(clock.now())}"
    assert cursor.value == iso_utc(clock.now() - 30 - 3600 + 1)


def test_vendors_become_parties_of_kind_vendor(make: Make) -> None:
    connector = make()
    (vendor,), quarantined, _ = read_stream(connector, "vendors")
    assert not quarantined and vendor.platform_id == str(VENDOR_ID)
    mapped = connector.mapping.forward(vendor.platform_type, vendor.raw)
    assert mapped.values == {
        "legal_name": "Acme HVAC LLC",
        "kind": "vendor",
        "active": True,
        "email": None,
        "phone": None,
    }
    assert connector.stream("vendors").entity == "party"
    assert connector.stream("insurances").entity == "policy"
    assert not connector.stream("insurances").sorted


def test_unmappable_insurance_reaches_the_pull_with_the_reason_it_fails(
    make: Make, emulator: ProcoreEmulator
) -> None:
    # The stream only identifies records; the pull maps changed ones and quarantines this one
    # with the mapping's reason (tests/sync/test_sync_pull_mapping.py).
    good = seed_insurances(emulator, 3)
    (bad,) = seed_insurances(emulator, 1, insurance_type=None, policy_number="NO-TYPE")
    connector = make()
    records, quarantined, _ = read_stream(connector, "insurances")
    assert [r.platform_id for r in records] == [*good, bad] and quarantined == []
    mapping = connector.mapping.record("insurance")
    reasons = {r.platform_id: mapping.forward(r.raw).reason for r in records}
    assert reasons == {
        **dict.fromkeys(good, ""),
        bad: "coverage_type (from insurance_type): required value is empty",
    }


def test_listing_that_changes_mid_read_keeps_the_cursor(
    make: Make, emulator: ProcoreEmulator, endpoint: EmulatorEndpoint, clock: FakeClock
) -> None:
    ids = seed_insurances(emulator, 7)
    inner = endpoint.transport.inner

    class EditsAfterFirstPage(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = inner.handle_request(request)
            if request.url.params.get("page") == "1":  # a user edits a record already read
                with emulator.store.transaction() as state:
                    state["insurances"][ids[0]]["updated_at"] = clock.now() + 5
            return response

    endpoint.transport.inner = EditsAfterFirstPage()
    records, _, cursor = read_stream(make(), "insurances")
    assert cursor.value is None, "the cursor moved past a window whose pages shifted"
    assert len(records) == 6  # one record slid onto the page already read


def test_check_reports_auth_reach_and_writes(make: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    check = make().check()
    assert (check.auth.ok, check.reachable.ok, check.writable.ok) == (True, True, False)
    assert check.auth.message == "service account accepted (client id from a secret reference)"
    assert make(writes=True).check().writable.ok is True
    other = make(company_id=99).check()
    assert (other.auth.ok, other.reachable.ok) == (True, False)
    assert "company 99 is not readable" in other.reachable.message
    monkeypatch.setenv(SECRET_ENV, "not-the-secret")
    refused = make().check()
    assert refused.auth.ok is False and "not-the-secret" not in refused.auth.message
    assert refused.reachable.ok is None


def test_plugin_registers_the_connector_and_its_writers_own_coisync_fields() -> None:
    registry = ConnectorRegistry()
    register_connectors(register=registry.register)
    cls = registry.get("procore")
    assert cls is ProcoreConnector
    config = parse_connection("procore", table(), ProcoreConfig)
    connector = ProcoreConnector(config)
    assert [w.name for w in connector.writers()] == ["insurance_status", "policy_lines", "certificate_pdf"]
    for writer in connector.writers():
        assert ownership_problems(writer, connector.mapping) == []


def test_records_sharing_the_cursor_across_a_page_break_are_handed_over_once(
    make: Make, emulator: ProcoreEmulator, endpoint: EmulatorEndpoint, clock: FakeClock
) -> None:
    earlier = seed_insurances(emulator, 2)
    tie = iso_utc(clock.now() - 60)
    tied = seed_insurances(emulator, 5, updated_at=tie)
    connector = make()
    records, _, cursor = read_stream(connector, "insurances")
    assert [r.platform_id for r in records] == earlier + tied  # three pages of three
    assert (cursor.value, len(cursor.seen)) == (tie, 5)
    again, _, same = read_stream(connector, "insurances", cursor.to_json())
    assert again == [] and same == cursor
    assert endpoint.transport.requests[-1].url.params["filters[updated_at]"].startswith(f"{tie}...")
    clock.advance(10)
    with emulator.store.transaction() as state:
        state["insurances"][tied[3]]["notes"] = "edited"
        state["insurances"][tied[3]]["updated_at"] = clock.now()
    changed, _, _ = read_stream(connector, "insurances", cursor.to_json())
    assert [r.platform_id for r in changed] == [tied[3]]


@pytest.mark.parametrize("kind", ["429", "503"])
def test_a_throttled_token_endpoint_is_waited_out(
    make: Make, emulator: ProcoreEmulator, endpoint: EmulatorEndpoint, clock: FakeClock, kind: str
) -> None:
    seed_insurances(emulator, 2)
    endpoint.control.add_faults({"kind": kind, "count": 1, "retry_after": 9, "paths": "/oauth/token"})
    records, _, _ = read_stream(make(), "insurances")
    assert len(records) == 2
    tokens = [(e["path"], e["status"]) for e in endpoint.control.requests() if e["path"] == "/oauth/token"]
    assert tokens == [("/oauth/token", int(kind)), ("/oauth/token", 200)]
    assert clock.sleeps and clock.sleeps[0] >= 9
