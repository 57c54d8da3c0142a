"""VTS cassettes: recorded against the served emulator, replayed with the network blocked.

Replay is the default: ``record_mode="none"`` and every socket refused, so a request that is not
in the cassette fails the test; writes match on their normalised body. Re-record with::

    COISYNC_RECORD=1 uv run pytest connectors/vts/tests/test_vts_replay.py

Recording uses the canary client id as API key and the canary secret as API secret; the
scrubber turns the Basic header and the server's origin (also inside ``links``) into
placeholders before anything is written.
"""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from coisync_vts.config import VtsConfig
from coisync_vts.connector import VtsConnector
from coisync_vts.emulator import CERTIFICATES, VtsEmulator, VtsSettings
from vcr.errors import CannotOverwriteExistingCassetteException
from vts_adapter import KEY_ENV, SECRET_ENV, connection_table, seed_certificates, seed_leases, vts_emulator

from coisync.connector import WriteOp, WriteOutcome, WriteTarget, parse_connection
from coisync.http import FakeClock
from coisync.sandbox.emulator import serve
from coisync.testing import read_stream
from coisync.testing.cassettes import CANARY_CLIENT_ID, CANARY_SECRET, CassetteScrubber, cassette_vcr
from coisync.testing.replay import ReplayWorld, block_network, recording, replay_session_factory

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "vts"
ORIGIN = "http://vts.emulator.test"
World = ReplayWorld[VtsConnector, VtsEmulator]


@pytest.fixture(autouse=True)
def blocked_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket may connect while replaying."""
    if not recording():
        block_network(monkeypatch)


@pytest.fixture
def served_certificates() -> bool:
    """Whether the emulator serves the assumed certificate resource (tests parametrize it off)."""
    return True


@pytest.fixture
def world(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_certificates: bool
) -> Iterator[World]:
    clock = FakeClock()
    name = f"{request.node.name}.yaml"
    emulator = server = None
    if recording():
        settings = VtsSettings(insurance_certificates=served_certificates)
        emulator = vts_emulator(tmp_path / "vts", clock, settings)
        emulator.credentials = {CANARY_CLIENT_ID: CANARY_SECRET}
        server = serve(emulator)
        base_url, credentials = server.url, (CANARY_CLIENT_ID, CANARY_SECRET)
        scrubber = CassetteScrubber([CANARY_CLIENT_ID, CANARY_SECRET], {server.url: ORIGIN})
        (CASSETTES / name).unlink(missing_ok=True)
    else:
        base_url, credentials = ORIGIN, ("replay-key", "replay-secret")
        scrubber = CassetteScrubber()
    monkeypatch.setenv(KEY_ENV, credentials[0])
    monkeypatch.setenv(SECRET_ENV, credentials[1])
    made: list[VtsConnector] = []

    def make(**extra: Any) -> VtsConnector:
        table = {
            **connection_table(base_url, page_size=4),
            "connector": "vts",
            "allow_private_network": True,
            "allow_insecure_http": True,
            **extra,
        }
        connector = VtsConnector(
            parse_connection("vts", table, VtsConfig), replay_session_factory(clock), clock=clock
        )
        made.append(connector)
        return connector

    try:
        with cassette_vcr(CASSETTES, scrubber, record=recording()).use_cassette(name):
            yield World(make, emulator)
    finally:
        for connector in made:
            connector.close()
        if server is not None:
            server.shutdown()


def status_op(connector: VtsConnector, platform_id: str, status: str, summary: str) -> WriteOp:
    desired = {"compliance_status": status, "deficiency_summary": summary}
    return WriteOp(
        op_id=f"op-{platform_id}-{status}",
        connection="vts",
        target=WriteTarget.COMPLIANCE_STATUS,
        platform_type="insurance_certificate",
        platform_id=platform_id,
        payload=connector.mapping.reverse("insurance_certificate", desired, job="sync").values,
        desired=desired,
    )


def test_replay_reads_every_page(world: World) -> None:
    world.on_platform(lambda emulator: seed_certificates(emulator, 10))
    connector = world.make()
    assert connector.read_only is False  # auto: the probe found the resource
    records, quarantined, cursor = read_stream(connector, "insurance_certificates")
    assert len(records) == 10 and not quarantined
    assert len({r.platform_id for r in records}) == 10
    assert cursor.value == "2025-12-31T23:00:09Z"


def test_replay_incremental_read(world: World) -> None:
    world.on_platform(lambda emulator: seed_certificates(emulator, 6))
    connector = world.make(insurance_certificates="on")
    records, _, cursor = read_stream(connector, "insurance_certificates")
    changed = records[2].platform_id
    world.on_platform(lambda emulator: emulator.touch(CERTIFICATES, changed, carrier="Chubb Group"))
    again, _, _ = read_stream(connector, "insurance_certificates", cursor.to_json())
    assert [(r.platform_id, r.raw["attributes"]["carrier"]) for r in again] == [(changed, "Chubb Group")]


def test_replay_status_write_then_unchanged(world: World) -> None:
    world.on_platform(lambda emulator: seed_certificates(emulator, 1))
    connector = world.make(writes=True, insurance_certificates="on")
    (record,), _, _ = read_stream(connector, "insurance_certificates")
    op = status_op(connector, record.platform_id, "expired", "GL expired on 2025-12-01")
    first = connector.apply(op)
    assert first.outcome is WriteOutcome.APPLIED
    assert first.platform_value is not None
    assert first.platform_value["attributes"]["compliance_status"] == "expired"
    assert first.platform_value["attributes"]["compliance_notes"] == "GL expired on 2025-12-01"
    assert connector.apply(op).outcome is WriteOutcome.UNCHANGED


@pytest.mark.parametrize("served_certificates", [False], ids=["without_certificates"])
def test_replay_read_only_account(world: World) -> None:
    world.on_platform(lambda emulator: seed_leases(emulator, 5))
    connector = world.make(writes=True)
    assert connector.read_only is True
    assert "HTTP 404" in (connector.read_only_reason or "")
    assert [s.name for s in connector.streams()] == ["assets", "tenants", "leases"]
    records, _, _ = read_stream(connector, "leases")
    assert len(records) == 6
    tenants, _, _ = read_stream(connector, "tenants")
    assert [t.platform_id for t in tenants] == ["7"]


@pytest.mark.skipif(recording(), reason="replay-only: checks that the cassette refuses what it does not hold")
def test_unrecorded_requests_and_changed_writes_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "replay-key")
    monkeypatch.setenv(SECRET_ENV, "replay-secret")
    table = {**connection_table(ORIGIN, page_size=4, certificates="on"), "connector": "vts", "writes": True,
             "allow_private_network": True, "allow_insecure_http": True}  # fmt: skip
    clock = FakeClock()
    with cassette_vcr(CASSETTES, CassetteScrubber()).use_cassette(
        "test_replay_status_write_then_unchanged.yaml"
    ):
        connector = VtsConnector(
            parse_connection("vts", table, VtsConfig), replay_session_factory(clock), clock=clock
        )
        (record,), _, _ = read_stream(connector, "insurance_certificates")
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(status_op(connector, record.platform_id, "expired", "a different summary"))
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.session.request("GET", "/api/v1/assets")
        connector.close()


def test_network_is_blocked_while_replaying() -> None:
    if recording():
        pytest.skip("recording talks to the served emulator")
    with pytest.raises(RuntimeError, match="network access is blocked"), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))


def test_vts_cassettes_hold_no_credential() -> None:
    files = sorted(CASSETTES.glob("*.yaml"))
    assert len(files) >= 4
    basic = base64.b64encode(f"{CANARY_CLIENT_ID}:{CANARY_SECRET}".encode()).decode()
    forms = [CANARY_CLIENT_ID, CANARY_SECRET, basic, "127.0.0.1"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "<AUTHORIZATION>" in text, f"{path.name} has no scrubbed Authorization header"
        assert not [form for form in forms if form in text], (
            f"{path.name} holds a credential or the live origin"
        )
