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
from collections.abc import Iterator
from pathlib import Path

import pytest
from coisync_vts.config import VtsConfig
from coisync_vts.connector import VtsConnector
from coisync_vts.emulator import CERTIFICATES, VtsEmulator, VtsSettings
from vcr.errors import CannotOverwriteExistingCassetteException
from vts_adapter import KEY_ENV, SECRET_ENV, connection_table, seed_certificates, seed_leases, vts_emulator

from coisync.connector import Connector, WriteOp, WriteOutcome
from coisync.http import FakeClock
from coisync.testing import read_stream
from coisync.testing.adapter import mapped_status_op
from coisync.testing.cassettes import CANARY_CLIENT_ID, CANARY_SECRET
from coisync.testing.replay import (
    ReplaySetup,
    ReplayWorld,
    assert_network_blocked,
    guard_network,
    recording,
    scrubbed_cassettes,
)

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "vts"
ORIGIN = "http://vts.emulator.test"
World = ReplayWorld[VtsConnector, VtsEmulator]
REPLAY = ReplaySetup(
    connector="vts",
    cassettes=CASSETTES,
    origin=ORIGIN,
    connector_type=VtsConnector,
    config_type=VtsConfig,
    table=lambda base_url: connection_table(base_url, page_size=4),
    recorded_env={KEY_ENV: CANARY_CLIENT_ID, SECRET_ENV: CANARY_SECRET},
    replayed_env={KEY_ENV: "replay-key", SECRET_ENV: "replay-secret"},
)


@pytest.fixture(autouse=True)
def blocked_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket may connect while replaying."""
    guard_network(monkeypatch)


@pytest.fixture
def served_certificates() -> bool:
    """Whether the emulator serves the assumed certificate resource (tests parametrize it off)."""
    return True


@pytest.fixture
def world(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_certificates: bool
) -> Iterator[World]:
    def recorded(clock: FakeClock) -> VtsEmulator:
        settings = VtsSettings(insurance_certificates=served_certificates)
        emulator = vts_emulator(tmp_path / "vts", clock, settings)
        emulator.credentials = {CANARY_CLIENT_ID: CANARY_SECRET}
        return emulator

    with REPLAY.world(request.node.name, monkeypatch, recorded) as world:
        yield world


def status_op(connector: Connector, platform_id: str, status: str, summary: str) -> WriteOp:
    desired = {"compliance_status": status, "deficiency_summary": summary}
    return mapped_status_op(
        connector, "insurance_certificate", platform_id, desired, op_id=f"op-{platform_id}-{status}"
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
    with REPLAY.replaying(
        "test_replay_status_write_then_unchanged", monkeypatch, writes=True, insurance_certificates="on"
    ) as connector:
        (record,), _, _ = read_stream(connector, "insurance_certificates")
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(status_op(connector, record.platform_id, "expired", "a different summary"))
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.session.request("GET", "/api/v1/assets")


def test_network_is_blocked_while_replaying() -> None:
    assert_network_blocked()


def test_vts_cassettes_hold_no_credential() -> None:
    basic = base64.b64encode(f"{CANARY_CLIENT_ID}:{CANARY_SECRET}".encode()).decode()
    forms = [CANARY_CLIENT_ID, CANARY_SECRET, basic, "127.0.0.1"]
    scrubbed_cassettes(CASSETTES, at_least=4, absent=forms, present=["<AUTHORIZATION>"])
