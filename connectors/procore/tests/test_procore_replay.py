"""Procore cassettes: recorded against the served emulator, replayed with the network blocked.

Replay is the default: ``record_mode="none"`` and every socket connect refused, so a request
that is not in the cassette fails the test. Re-record with::

    COISYNC_RECORD=1 uv run pytest connectors/procore/tests/test_procore_replay.py

Recording serves the emulator on loopback with the canary credentials of
:mod:`coisync.testing.cassettes`; the scrubber turns them, the tokens and the server's origin
into placeholders before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from coisync_procore.config import ProcoreConfig
from coisync_procore.connector import ProcoreConnector
from coisync_procore.emulator import ProcoreEmulator
from procore_adapter import COMPANY_ID, ID_ENV, SECRET_ENV, VENDOR_ID, procore_emulator, seed_insurances
from vcr.errors import CannotOverwriteExistingCassetteException

from coisync.connector import WriteOp, WriteOutcome, WriteTarget
from coisync.http import FakeClock
from coisync.sandbox.emulator import derived_secret
from coisync.testing import read_stream
from coisync.testing.cassettes import CANARY_CLIENT_ID, CANARY_SECRET
from coisync.testing.replay import (
    ReplaySetup,
    ReplayWorld,
    assert_network_blocked,
    guard_network,
    recording,
    scrubbed_cassettes,
)

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "procore"
ORIGIN = "http://procore.emulator.test"
EMULATOR_SEED = 7  # procore_emulator's seed: the tokens it issued while recording are derivable


def replay_table(base_url: str) -> dict[str, Any]:
    """The company, four records a page and secret references."""
    return {
        "base_url": base_url,
        "company_id": COMPANY_ID,
        "page_size": 4,
        "credentials": {"client_id": {"$env": ID_ENV}, "client_secret": {"$env": SECRET_ENV}},
    }


REPLAY = ReplaySetup(
    connector="procore",
    cassettes=CASSETTES,
    origin=ORIGIN,
    connector_type=ProcoreConnector,
    config_type=ProcoreConfig,
    table=replay_table,
    recorded_env={ID_ENV: CANARY_CLIENT_ID, SECRET_ENV: CANARY_SECRET},
    replayed_env={ID_ENV: "replay-client", SECRET_ENV: "replay-secret"},
)
World = ReplayWorld[ProcoreConnector, ProcoreEmulator]


@pytest.fixture(autouse=True)
def blocked_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket may connect while replaying."""
    guard_network(monkeypatch)


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def recorded(clock: FakeClock) -> ProcoreEmulator:
        return procore_emulator(tmp_path / "procore", clock, **{CANARY_CLIENT_ID: CANARY_SECRET})

    with REPLAY.world(request.node.name, monkeypatch, recorded) as world:
        yield world


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


@pytest.mark.skipif(recording(), reason="replay-only: checks that the cassette refuses what it does not hold")
def test_unrecorded_requests_and_changed_writes_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    with REPLAY.replaying("test_replay_status_write_then_unchanged", monkeypatch, writes=True) as connector:
        (record,), _, _ = read_stream(connector, "insurances")
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(status_op(record.platform_id, "a different note than was recorded"))
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.session.request("GET", "/rest/v1.0/me")


def test_network_is_blocked_while_replaying() -> None:
    assert_network_blocked()


def test_procore_cassettes_hold_no_issued_token() -> None:
    tokens = [derived_secret(EMULATOR_SEED, kind, n) for kind in ("access", "refresh") for n in range(1, 50)]
    for path, text in scrubbed_cassettes(CASSETTES, at_least=4, absent=tokens):
        assert "<AUTHORIZATION>" in text or "oauth" not in text, path.name
