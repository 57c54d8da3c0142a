"""Yardi cassettes: recorded against the served emulator, replayed with the network blocked.

Every SOAP call is a POST whose body names the operation, so replay matches method, URL and the
normalised body (``coisync.testing.soap``): the ``<Password>`` and ``<InterfaceLicense>``
values are placeholders in the cassette and in the comparison, timestamps are replaced.
Re-record with::

    COISYNC_RECORD=1 uv run pytest connectors/yardi/tests/test_yardi_replay.py
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from coisync_yardi.config import YardiConfig
from coisync_yardi.connector import YardiConnector
from coisync_yardi.emulator import YardiEmulator
from coisync_yardi.errors import YardiLoginError
from vcr.errors import CannotOverwriteExistingCassetteException
from yardi_adapter import LICENCE_ENV, PASSWORD_ENV, connection_table, seed_vendors, yardi_emulator

from coisync.connector import WriteOp, WriteOutcome, WriteTarget
from coisync.http import FakeClock
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
from coisync.testing.soap import SoapCassetteScrubber, soap_cassette_vcr

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "yardi"
ORIGIN = "http://yardi.emulator.test"
CANARY_LICENCE = f"{CANARY_CLIENT_ID}-licence"


REPLAY = ReplaySetup(
    connector="yardi",
    cassettes=CASSETTES,
    origin=ORIGIN,
    connector_type=YardiConnector,
    config_type=YardiConfig,
    table=connection_table,
    recorded_env={PASSWORD_ENV: CANARY_SECRET, LICENCE_ENV: CANARY_LICENCE},
    replayed_env={PASSWORD_ENV: "replay-password", LICENCE_ENV: "replay-licence"},
    scrubber=SoapCassetteScrubber,
    recorder=soap_cassette_vcr,
)
World = ReplayWorld[YardiConnector, YardiEmulator]


@pytest.fixture(autouse=True)
def blocked_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket may connect while replaying."""
    guard_network(monkeypatch)


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def recorded(clock: FakeClock) -> YardiEmulator:
        return yardi_emulator(tmp_path / "yardi", clock, password=CANARY_SECRET, licence=CANARY_LICENCE)

    with REPLAY.world(request.node.name, monkeypatch, recorded) as world:
        yield world


def test_replay_reads_vendors_and_their_policies(world: World) -> None:
    world.on_platform(lambda emulator: seed_vendors(emulator, 4))
    connector = world.make()
    vendors, quarantined, cursor = read_stream(connector, "vendors")
    assert [r.platform_id for r in vendors] == ["v700000", "v700001", "v700002", "v700003"]
    assert not quarantined
    assert cursor.value == "2025-12-31T23:00:03"
    policies, _, _ = read_stream(connector, "vendor_policies")
    assert len(policies) == 4
    assert {r.raw["VendorId"] for r in policies} == {r.platform_id for r in vendors}


def test_replay_incremental_tenant_read(world: World) -> None:
    world.on_platform(
        lambda emulator: emulator.seed(
            {"tenants": [{"code": "t0000001", "property": "hp01", "name": "Cafe One"}]}
        )
    )
    connector = world.make()
    first, _, cursor = read_stream(connector, "tenants")
    assert [r.platform_id for r in first] == ["t0000001"]

    def add(emulator: YardiEmulator) -> None:
        emulator.clock.advance(30)  # type: ignore[attr-defined]
        emulator.seed({"tenants": [{"code": "t0000002", "property": "hp01", "name": "Cafe Two"}]})

    world.on_platform(add)
    again, _, _ = read_stream(connector, "tenants", cursor.to_json())
    assert [r.platform_id for r in again] == ["t0000002"]


def status_op(platform_id: str, status: str) -> WriteOp:
    return WriteOp(
        op_id=f"op-{platform_id}",
        connection="yardi",
        target=WriteTarget.COMPLIANCE_STATUS,
        platform_type="vendor",
        platform_id=platform_id,
        payload={"UserDefinedFields": {"Field": [{"@Name": "COIStatus", "#text": status}]}},
    )


def test_replay_status_write_then_unchanged(world: World) -> None:
    world.on_platform(lambda emulator: seed_vendors(emulator, 1))
    connector = world.make(writes=True)
    assert connector.apply(status_op("v700000", "Non-Compliant")).outcome is WriteOutcome.APPLIED
    assert connector.apply(status_op("v700000", "Non-Compliant")).outcome is WriteOutcome.UNCHANGED


def test_replay_policy_line_and_certificate(world: World) -> None:
    world.on_platform(lambda emulator: seed_vendors(emulator, 1))
    connector = world.make(writes=True)
    desired = {
        "party_ref": {"vendor": "v700000"},
        "coverage_type": "workers_compensation",
        "policy_number": "WC-2001",
        "insurer": {"name": "Keystone Casualty"},
        "expiration_date": "2027-06-30",
        "limit": {"amount": "1000000", "currency": "USD"},
    }
    payload = connector.mapping.reverse("vendor_line", desired, job="sync").values
    line = WriteOp(
        op_id="op-line", connection="yardi", target=WriteTarget.POLICY_LINE, platform_type="vendor_line",
        platform_id=None, payload=payload,
    )  # fmt: skip
    created = connector.apply(line)
    assert created.outcome is WriteOutcome.APPLIED and created.platform_id
    pdf = WriteOp(
        op_id="op-pdf", connection="yardi", target=WriteTarget.ATTACHMENT, platform_type="vendor",
        platform_id="v700000", payload={"content": b"%PDF-1.4 recorded certificate"},
    )  # fmt: skip
    assert connector.apply(pdf).outcome is WriteOutcome.APPLIED


def test_replay_login_failure(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    with pytest.raises(YardiLoginError, match="Login failed"):
        read_stream(world.make(), "vendors")


@pytest.mark.skipif(recording(), reason="replay-only: checks that the cassette refuses what it does not hold")
def test_unrecorded_calls_and_changed_imports_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    with REPLAY.replaying("test_replay_status_write_then_unchanged", monkeypatch, writes=True) as connector:
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(status_op("v700000", "Expired"))  # a different import than recorded
        with pytest.raises(CannotOverwriteExistingCassetteException):
            read_stream(connector, "tenants")


def test_network_is_blocked_while_replaying() -> None:
    assert_network_blocked()


def test_yardi_cassettes_hold_no_credential() -> None:
    scrubbed_cassettes(
        CASSETTES,
        at_least=5,
        absent=[CANARY_SECRET, CANARY_LICENCE],
        present=["<PASSWORD>", "<INTERFACELICENSE>"],
    )
