"""MRI cassettes: recorded against the served emulator, replayed with the network blocked.

Replay is the default: ``record_mode="none"`` and every socket refused, so a request that is not
in the cassette fails the test; writes match on their normalised body. Re-record with::

    COISYNC_RECORD=1 uv run pytest connectors/mri/tests/test_mri_replay.py

Recording logs in with a composite user name built from the canary client id and the canary
secret as password; the scrubber turns the Basic header, the user name and the server's origin
into placeholders before anything is written.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from coisync_mri.config import MriConfig
from coisync_mri.connector import MriConnector
from coisync_mri.emulator import MriEmulator
from coisync_mri.emulator.envelope import row_time
from mri_adapter import BUILDING, PASSWORD_ENV, USER_ENV, connection_table, mri_emulator, seed_insurance
from vcr.errors import CannotOverwriteExistingCassetteException

from coisync.connector import Connector, WriteOp, WriteOutcome, WriteTarget
from coisync.http import FakeClock
from coisync.testing import read_stream
from coisync.testing.adapter import mapped_op, mapped_status_op
from coisync.testing.cassettes import CANARY_CLIENT_ID, CANARY_SECRET
from coisync.testing.replay import (
    ReplaySetup,
    ReplayWorld,
    assert_network_blocked,
    guard_network,
    recording,
    scrubbed_cassettes,
)

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "mri"
ORIGIN = "http://mri.emulator.test"
CANARY_PARTNER_KEY = "CANARYPARTNERKEY7Q2"
CANARY_USERNAME = f"{CANARY_CLIENT_ID}/CANARYDB/APIUSER/{CANARY_PARTNER_KEY}"
World = ReplayWorld[MriConnector, MriEmulator]
REPLAY = ReplaySetup(
    connector="mri",
    cassettes=CASSETTES,
    origin=ORIGIN,
    connector_type=MriConnector,
    config_type=MriConfig,
    table=lambda base_url: connection_table(base_url, page_size=4, buildings=()),
    recorded_env={USER_ENV: CANARY_USERNAME, PASSWORD_ENV: CANARY_SECRET},
    replayed_env={USER_ENV: "REPLAY/DB/APIUSER/KEY", PASSWORD_ENV: "replay-password"},
)


@pytest.fixture(autouse=True)
def blocked_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket may connect while replaying."""
    guard_network(monkeypatch)


def second_lease(emulator: MriEmulator) -> list[str]:
    """A second lease in the building with one insurance row; its key."""
    stamp = row_time(emulator.clock.now() - 3600)
    added = emulator.seed(
        {
            "leases": [{"BuildingID": BUILDING, "LeaseID": "L00002", "OccupantName": "Northwind Dental Group",
                        "MasterOccupantID": "0000000002", "LastUpdate": stamp}],
            "insurance": [{"BuildingID": BUILDING, "LeaseID": "L00002", "InsuranceType": "GL",
                           "Carrier": "Hartford", "PolicyNumber": "GL-9000", "LastUpdate": stamp}],
        }
    )  # fmt: skip
    return [f"{BUILDING}/L00002/{policy}" for policy in added["insurance"]]


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def recorded(clock: FakeClock) -> MriEmulator:
        emulator = mri_emulator(tmp_path / "mri", clock)
        emulator.credentials = {CANARY_USERNAME: CANARY_SECRET}
        return emulator

    with REPLAY.world(request.node.name, monkeypatch, recorded) as world:
        yield world


def status_op(connector: Connector, platform_id: str, status: str, summary: str) -> WriteOp:
    desired = {"compliance_status": status, "deficiency_summary": summary}
    return mapped_status_op(connector, "insurance", platform_id, desired, op_id=f"op-{platform_id}-{status}")


def test_replay_reads_every_page(world: World) -> None:
    world.on_platform(lambda emulator: seed_insurance(emulator, 10))
    records, quarantined, cursor = read_stream(world.make(), "insurance")
    assert len(records) == 10 and not quarantined
    assert len({r.platform_id for r in records}) == 10
    assert cursor.value == "2025-12-31T23:00:09.000"


def test_replay_incremental_read(world: World) -> None:
    world.on_platform(lambda emulator: seed_insurance(emulator, 6))
    connector = world.make()
    records, _, cursor = read_stream(connector, "insurance")
    changed = records[2].platform_id
    world.on_platform(
        lambda emulator: emulator.update_insurance(changed.rsplit("/", 1)[1], Notes="Renewal received")
    )
    again, _, _ = read_stream(connector, "insurance", cursor.to_json())
    assert [(r.platform_id, r.raw["Notes"]) for r in again] == [(changed, "Renewal received")]


def test_replay_status_write_then_unchanged(world: World) -> None:
    world.on_platform(lambda emulator: seed_insurance(emulator, 1))
    connector = world.make(writes=True)
    (record,), _, _ = read_stream(connector, "insurance")
    op = status_op(connector, record.platform_id, "expired", "GL expired on 2025-12-01")
    first = connector.apply(op)
    assert first.outcome is WriteOutcome.APPLIED
    assert first.platform_value is not None and first.platform_value["Compliant"] == "N"
    assert first.platform_value["ComplianceStatus"] == "Expired"
    assert connector.apply(op).outcome is WriteOutcome.UNCHANGED


def test_replay_row_error_is_rejected_with_mris_message(world: World) -> None:
    world.on_platform(lambda emulator: seed_insurance(emulator, 1))
    world.on_platform(second_lease)
    world.on_platform(lambda emulator: emulator.lock_lease(BUILDING, "L00002", user="JSMITH"))
    connector = world.make(writes=True)
    records, _, _ = read_stream(connector, "insurance")
    ops = [
        status_op(connector, r.platform_id, "compliant", "")
        for r in sorted(records, key=lambda r: r.platform_id)
    ]
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "insurance")
    good, bad = writer.apply_batch(ops)
    assert good.outcome is WriteOutcome.APPLIED
    assert bad.outcome is WriteOutcome.REJECTED
    assert bad.message.endswith("Lease L00002 in building BLD001 is locked by user JSMITH")


def test_replay_lease_note_then_unchanged(world: World) -> None:
    connector = world.make(writes=True)
    (lease,), _, _ = read_stream(connector, "leases")
    desired = {"compliance_status": "non_compliant", "deficiency_summary": "Umbrella missing"}
    op = mapped_op(connector, "lease", lease.platform_id, desired, op_id="op-note")
    first = connector.apply(op)
    assert first.outcome is WriteOutcome.APPLIED
    assert first.platform_value is not None
    assert first.platform_value["NoteText"] == "Insurance compliance: Non-Compliant. Umbrella missing"
    assert connector.apply(op).outcome is WriteOutcome.UNCHANGED
    read_back = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "lease").read_back(op)
    assert read_back is not None and read_back["coisync_note_status"] == "Non-Compliant"


@pytest.mark.skipif(recording(), reason="replay-only: checks that the cassette refuses what it does not hold")
def test_unrecorded_requests_and_changed_writes_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    with REPLAY.replaying("test_replay_status_write_then_unchanged", monkeypatch, writes=True) as connector:
        (record,), _, _ = read_stream(connector, "insurance")
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(status_op(connector, record.platform_id, "expired", "a different summary"))
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.session.request(
                "GET", "/mriapiservices/api.asp", params={"$api": "MRI_S-PMCM_Buildings"}
            )


def test_network_is_blocked_while_replaying() -> None:
    assert_network_blocked()


def test_mri_cassettes_hold_no_credential() -> None:
    basic = base64.b64encode(f"{CANARY_USERNAME}:{CANARY_SECRET}".encode()).decode()
    forms = [CANARY_USERNAME, CANARY_PARTNER_KEY, CANARY_CLIENT_ID, CANARY_SECRET, basic, "127.0.0.1"]
    scrubbed_cassettes(CASSETTES, at_least=5, absent=forms, present=["<AUTHORIZATION>"])
