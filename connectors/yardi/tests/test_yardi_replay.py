"""Yardi cassettes: recorded against the served emulator, replayed with the network blocked.

Every SOAP call is a POST whose body names the operation, so replay matches method, URL and the
normalised body (``coisync.testing.soap``): the ``<Password>`` and ``<InterfaceLicense>``
values are placeholders in the cassette and in the comparison, timestamps are replaced.
Re-record with::

    COISYNC_RECORD=1 uv run pytest connectors/yardi/tests/test_yardi_replay.py
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from coisync_yardi.config import YardiConfig
from coisync_yardi.connector import YardiConnector
from coisync_yardi.emulator import YardiEmulator
from coisync_yardi.errors import YardiLoginError
from vcr.errors import CannotOverwriteExistingCassetteException
from yardi_adapter import LICENCE_ENV, PASSWORD_ENV, connection_table, seed_vendors, yardi_emulator

from coisync.connector import WriteOp, WriteOutcome, WriteTarget, parse_connection
from coisync.http import FakeClock, HttpConfig, HttpSession
from coisync.sandbox.emulator import serve
from coisync.testing import read_stream
from coisync.testing.cassettes import CANARY_CLIENT_ID, CANARY_SECRET
from coisync.testing.soap import SoapCassetteScrubber, soap_cassette_vcr

RECORDING = os.environ.get("COISYNC_RECORD") == "1"
CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "yardi"
ORIGIN = "http://yardi.emulator.test"
CANARY_LICENCE = f"{CANARY_CLIENT_ID}-licence"


@dataclass
class World:
    """A connector wired to the cassette, and the emulator behind it while recording."""

    make: Callable[..., YardiConnector]
    emulator: YardiEmulator | None

    def on_platform(self, change: Callable[[YardiEmulator], Any]) -> None:
        """Change the platform (recording only: in replay the cassette holds the effect)."""
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
    emulator = server = None
    if RECORDING:
        emulator = yardi_emulator(tmp_path / "yardi", clock, password=CANARY_SECRET, licence=CANARY_LICENCE)
        server = serve(emulator)
        base_url, secrets = server.url, (CANARY_SECRET, CANARY_LICENCE)
        scrubber = SoapCassetteScrubber([CANARY_SECRET, CANARY_LICENCE], {server.url: ORIGIN})
        (CASSETTES / name).unlink(missing_ok=True)
    else:
        base_url, secrets = ORIGIN, ("replay-password", "replay-licence")
        scrubber = SoapCassetteScrubber()
    monkeypatch.setenv(PASSWORD_ENV, secrets[0])
    monkeypatch.setenv(LICENCE_ENV, secrets[1])
    made: list[YardiConnector] = []

    def make(**extra: Any) -> YardiConnector:
        table = {
            **connection_table(base_url),
            "connector": "yardi",
            "allow_private_network": True,
            "allow_insecure_http": True,
            **extra,
        }
        config = parse_connection("yardi", table, YardiConfig)

        def session(http: HttpConfig, **options: Any) -> HttpSession:
            return HttpSession(http, clock=clock, resolver=lambda host, port: ["127.0.0.1"], **options)

        connector = YardiConnector(config, session, clock=clock)
        made.append(connector)
        return connector

    try:
        with soap_cassette_vcr(CASSETTES, scrubber, record=RECORDING).use_cassette(name):
            yield World(make, emulator)
    finally:
        for connector in made:
            connector.close()
        if server is not None:
            server.shutdown()


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


@pytest.mark.skipif(RECORDING, reason="replay-only: checks that the cassette refuses what it does not hold")
def test_unrecorded_calls_and_changed_imports_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "replay-password")
    monkeypatch.setenv(LICENCE_ENV, "replay-licence")
    table = {
        **connection_table(ORIGIN),
        "connector": "yardi",
        "writes": True,
        "allow_private_network": True,
        "allow_insecure_http": True,
    }
    clock = FakeClock()

    def session(http: HttpConfig, **options: Any) -> HttpSession:
        return HttpSession(http, clock=clock, resolver=lambda host, port: ["127.0.0.1"], **options)

    recorder = soap_cassette_vcr(CASSETTES, SoapCassetteScrubber())
    with recorder.use_cassette("test_replay_status_write_then_unchanged.yaml"):
        connector = YardiConnector(parse_connection("yardi", table, YardiConfig), session, clock=clock)
        with pytest.raises(CannotOverwriteExistingCassetteException):
            connector.apply(status_op("v700000", "Expired"))  # a different import than recorded
        with pytest.raises(CannotOverwriteExistingCassetteException):
            read_stream(connector, "tenants")


def test_network_is_blocked_while_replaying() -> None:
    if RECORDING:
        pytest.skip("recording talks to the served emulator")
    with pytest.raises(RuntimeError, match="network access is blocked"), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))


def test_yardi_cassettes_hold_no_credential() -> None:
    files = sorted(CASSETTES.glob("*.yaml"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert CANARY_SECRET not in text and CANARY_LICENCE not in text, path.name
        assert "<PASSWORD>" in text and "<INTERFACELICENSE>" in text, path.name
