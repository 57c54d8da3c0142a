"""Procore cassettes: recorded against the served emulator, replayed with the network blocked.

Replay is the default: ``record_mode="none"`` and every socket connect refused, so a request
that is not in the cassette fails the test. Re-record with::

    COISYNC_RECORD=1 uv run pytest connectors/procore/tests/test_procore_replay.py

Recording serves the emulator on loopback with the canary credentials of
:mod:`coisync.testing.cassettes`; the scrubber turns them, the tokens and the server's origin
into placeholders before anything is written.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from coisync_procore.config import ProcoreConfig
from coisync_procore.connector import ProcoreConnector
from coisync_procore.emulator import ProcoreEmulator
from procore_adapter import COMPANY_ID, ID_ENV, SECRET_ENV, VENDOR_ID, procore_emulator, seed_insurances
from vcr.errors import CannotOverwriteExistingCassetteException

from coisync.connector import WriteOp, WriteOutcome, WriteTarget, parse_connection
from coisync.http import FakeClock, HttpConfig, HttpSession
from coisync.sandbox.emulator import derived_secret, serve
from coisync.testing import read_stream
from coisync.testing.cassettes import CANARY_CLIENT_ID, CANARY_SECRET, CassetteScrubber, cassette_vcr

RECORDING = os.environ.get("COISYNC_RECORD") == "1"
CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "procore"
ORIGIN = "http://procore.emulator.test"
EMULATOR_SEED = 7  # procore_emulator's seed: the tokens it issued while recording are derivable


@dataclass
class World:
    """A connector wired to the cassette, and the emulator behind it while recording."""

    make: Callable[..., ProcoreConnector]
    emulator: ProcoreEmulator | None

    def on_platform(self, change: Callable[[ProcoreEmulator], Any]) -> None:
        """Change the platform (recording only: in replay the cassette already holds the effect)."""
        if self.emulator is not None:
            change(self.emulator)


@pytest.fixture(autouse=True)
def blocked_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket may connect while replaying."""
    if RECORDING:
        return

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("network access is blocked in replay tests (COISYNC_RECORD=1 records)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    clock = FakeClock()
    name = f"{request.node.name}.yaml"
    emulator = None
    if RECORDING:
        emulator = procore_emulator(tmp_path / "procore", clock, **{CANARY_CLIENT_ID: CANARY_SECRET})
        server = serve(emulator)
        base_url, credentials = server.url, (CANARY_CLIENT_ID, CANARY_SECRET)
        scrubber = CassetteScrubber([CANARY_CLIENT_ID, CANARY_SECRET], {server.url: ORIGIN})
        (CASSETTES / name).unlink(missing_ok=True)
    else:
        base_url, credentials = ORIGIN, ("replay-client", "replay-secret")
        scrubber = CassetteScrubber()
    monkeypatch.setenv(ID_ENV, credentials[0])
    monkeypatch.setenv(SECRET_ENV, credentials[1])
    made: list[ProcoreConnector] = []

    def make(**extra: Any) -> ProcoreConnector:
        data = {
            "connector": "procore",
            "base_url": base_url,
            "company_id": COMPANY_ID,
            "page_size": 4,
            "allow_private_network": True,
            "allow_insecure_http": True,
            "credentials": {"client_id": {"$env": ID_ENV}, "client_secret": {"$env": SECRET_ENV}},
            **extra,
        }
        config = parse_connection("procore", data, ProcoreConfig)

        def session(http: HttpConfig, **options: Any) -> HttpSession:
            return HttpSession(http, clock=clock, resolver=lambda host, port: ["127.0.0.1"], **options)

        connector = ProcoreConnector(config, session, clock=clock)
        made.append(connector)
        return connector

    try:
        with cassette_vcr(CASSETTES, scrubber, record=RECORDING).use_cassette(name):
            yield World(make, emulator)
    finally:
        for connector in made:
            connector.close()
        if RECORDING:
            server.shutdown()


def status_op(platform_id: str, notes: str) -> WriteOp:
    return WriteOp(
        op_id=f"op-{platform_id}",
        connection="procore",
        target=WriteTarget.COMPLIANCE_STATUS,
        platform_type="insurance",
        platform_id=platform_id,
        payload={"status": "non_compliant", "notes": notes},
    )


def test_replay_reads_every_page(world: World) -> None:
    world.on_platform(lambda emulator: seed_insurances(emulator, 10))
    records, quarantined, cursor = read_stream(world.make(), "insurances")
    assert len(records) == 10 and not quarantined
    assert len({r.platform_id for r in records}) == 10
    assert cursor.value == "2025-12-31T23:00:09Z"


def test_replay_incremental_read(world: World) -> None:
    world.on_platform(lambda emulator: seed_insurances(emulator, 6))
    connector = world.make()
    records, _, cursor = read_stream(connector, "insurances")
    changed = records[2].platform_id

    def edit(emulator: ProcoreEmulator) -> None:
        with emulator.store.transaction() as state:
            state["insurances"][changed]["notes"] = "Renewal received"
            state["insurances"][changed]["updated_at"] = emulator.clock.now()

    world.on_platform(edit)
    again, _, _ = read_stream(connector, "insurances", cursor.to_json())
    assert [(r.platform_id, r.raw["notes"]) for r in again] == [(changed, "Renewal received")]


def test_replay_status_write_then_unchanged(world: World) -> None:
    world.on_platform(lambda emulator: seed_insurances(emulator, 1))
    connector = world.make(writes=True)
    (record,), _, _ = read_stream(connector, "insurances")
    op = status_op(record.platform_id, "GL each occurrence below $2M")
    assert connector.apply(op).outcome is WriteOutcome.APPLIED
    assert connector.apply(op).outcome is WriteOutcome.UNCHANGED


def test_replay_policy_line_created_through_sync(world: World) -> None:
    connector = world.make(writes=True)
    desired = {
        "party_ref": str(VENDOR_ID),
        "coverage_type": "workers_compensation",
        "policy_number": "WC-2001",
        "insurer": {"name": "Keystone Casualty"},
        "expiration_date": "2027-06-30",
        "limit": {"amount": "1000000", "currency": "USD"},
        "origin_id": "coisync-replay-line",
    }
    payload = connector.mapping.reverse("insurance_line", desired, job="sync").values
    op = WriteOp(
        op_id="op-line",
        connection="procore",
        target=WriteTarget.POLICY_LINE,
        platform_type="insurance_line",
        platform_id=None,
        payload=payload,
        origin_id="coisync-replay-line",
    )
    created = connector.apply(op)
    assert created.outcome is WriteOutcome.APPLIED
    assert (
        created.platform_value is not None
        and created.platform_value["insurance_type"] == "Workers Compensation"
    )


@pytest.mark.skipif(RECORDING, reason="replay-only: checks that the cassette refuses what it does not hold")
def test_unrecorded_requests_and_changed_writes_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ID_ENV, "replay-client")
    monkeypatch.setenv(SECRET_ENV, "replay-secret")
    data = {
        "connector": "procore",
        "base_url": ORIGIN,
        "company_id": COMPANY_ID,
        "page_size": 4,
        "writes": True,
        "allow_private_network": True,
        "allow_insecure_http": True,
        "credentials": {"client_id": {"$env": ID_ENV}, "client_secret": {"$env": SECRET_ENV}},
    }
    clock = FakeClock()

    def session(http: HttpConfig, **options: Any) -> HttpSession:
        return HttpSession(http, clock=clock, resolver=lambda host, port: ["127.0.0.1"], **options)

    recorder = cassette_vcr(CASSETTES, CassetteScrubber())
    with recorder.use_cassette("test_replay_status_write_then_unchanged.yaml"):
        connector = ProcoreConnector(parse_connection("procore", data, ProcoreConfig), session, clock=clock)
        (record,), _, _ = read_stream(connector, "insurances")
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(status_op(record.platform_id, "a different note than was recorded"))
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.session.request("GET", "/rest/v1.0/me")


def test_network_is_blocked_while_replaying() -> None:
    if RECORDING:
        pytest.skip("recording talks to the served emulator")
    with pytest.raises(RuntimeError, match="network access is blocked"), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))


def test_procore_cassettes_hold_no_issued_token() -> None:
    tokens = [derived_secret(EMULATOR_SEED, kind, n) for kind in ("access", "refresh") for n in range(1, 50)]
    files = sorted(CASSETTES.glob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "<AUTHORIZATION>" in text or "oauth" not in text
        assert not [t for t in tokens if t in text], f"{path.name} holds an access or refresh token"
