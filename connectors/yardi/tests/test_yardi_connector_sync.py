"""Yardi connector: what each stream reads and what each writer writes, against the emulator."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from coisync_yardi.config import YardiConfig
from coisync_yardi.connector import YardiConnector
from coisync_yardi.emulator import DEMO_SEED, YardiEmulator
from yardi_adapter import LICENCE, LICENCE_ENV, PASSWORD, PASSWORD_ENV, connection_table, yardi_emulator

from coisync.connector import (
    WriteOp,
    WriteOutcome,
    WritesDisabledError,
    WriteTarget,
    ownership_problems,
    parse_connection,
)
from coisync.http import FakeClock, HttpSession
from coisync.sandbox.emulator import EmulatorTransport
from coisync.testing import read_stream
from coisync.testing.adapter import mapped_op


@pytest.fixture(autouse=True)
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(LICENCE_ENV, LICENCE)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(tmp_path: Path, clock: FakeClock) -> YardiEmulator:
    emu = yardi_emulator(tmp_path / "e", clock)
    demo = {k: v for k, v in DEMO_SEED.items() if k != "properties"}
    emu.seed(demo)
    return emu


def make(emulator: YardiEmulator, clock: FakeClock, **extra: Any) -> YardiConnector:
    table = {**connection_table("https://yardi.emulator.test"), "connector": "yardi", "writes": True, **extra}
    config = parse_connection("yardi", table, YardiConfig)
    factory = functools.partial(
        HttpSession,
        transport=EmulatorTransport(emulator),
        clock=clock,
        resolver=lambda h, p: ["93.184.216.34"],
    )
    return YardiConnector(config, factory, clock=clock)


@pytest.fixture
def connector(emulator: YardiEmulator, clock: FakeClock) -> YardiConnector:
    return make(emulator, clock)


def ids(connector: YardiConnector, stream: str) -> list[str]:
    records, quarantined, _ = read_stream(connector, stream)
    assert not quarantined
    return sorted(r.platform_id for r in records)


def test_every_stream_reads_and_maps(connector: YardiConnector) -> None:
    assert ids(connector, "properties") == ["hp01"]
    assert ids(connector, "vendors") == ["v000123", "v000131"]
    assert ids(connector, "vendor_policies") == ["44", "45", "51"]
    assert ids(connector, "tenants") == ["t0001234"]
    assert ids(connector, "tenant_leases") == ["t0001234"]
    assert ids(connector, "tenant_policies") == ["61"]
    (policy, *_), _, _ = read_stream(connector, "vendor_policies")
    mapped = connector.mapping.forward("vendor_policy", policy.raw)
    assert mapped.ok and mapped.values["party_ref"] == {"vendor": "v000123"}
    assert mapped.values["coverage_type"] == "general_liability"
    (vendor, *_), _, _ = read_stream(connector, "vendors")
    assert connector.mapping.forward("vendor", vendor.raw).values["compliance_status"] == "compliant"


def test_joined_property_list_and_soap12(emulator: YardiEmulator, clock: FakeClock) -> None:
    emulator.seed({"properties": [{"code": "bp01", "name": "Bay Plaza"}]})
    emulator.seed({"tenants": [{"code": "t0009999", "property": "bp01", "name": "Bay Cafe"}]})
    connector = make(emulator, clock, properties=["hp01", "bp01"], soap_version="1.2")
    assert ids(connector, "tenants") == ["t0001234", "t0009999"]
    assert ids(connector, "properties") == ["bp01", "hp01"]


def test_tenants_are_asked_for_changes_since_the_cursor(
    connector: YardiConnector, emulator: YardiEmulator, clock: FakeClock
) -> None:
    _, _, cursor = read_stream(connector, "tenants")
    assert cursor.value == "2025-02-10T12:00:00"
    clock.advance(60)
    emulator.seed({"tenants": [{"code": "t0005555", "property": "hp01", "name": "New Tenant Inc."}]})
    records, _, after = read_stream(connector, "tenants", cursor.to_json())
    assert [r.platform_id for r in records] == ["t0005555"]
    assert read_stream(connector, "tenants", after.to_json())[0] == []


def status_op(connector: YardiConnector, kind: str, platform_id: str, **desired: Any) -> WriteOp:
    return mapped_op(connector, kind, platform_id, desired, op_id=f"op-{kind}-{platform_id}")


def test_vendor_status_goes_into_the_user_defined_field_once(
    connector: YardiConnector, emulator: YardiEmulator
) -> None:
    op = status_op(
        connector, "vendor", "v000131", compliance_status="expired", deficiency_summary="GL expired"
    )
    assert connector.apply(op).outcome is WriteOutcome.APPLIED
    state = emulator.store.snapshot()["vendors"]["v000131"]
    assert state["udf"] == {"COIStatus": "Expired"}
    assert state["notes"] == "GL expired"
    second = connector.apply(op)
    assert second.outcome is WriteOutcome.UNCHANGED
    assert emulator.store.snapshot()["vendors"]["v000131"] == state


def test_tenant_status_through_update_resident_data(
    connector: YardiConnector, emulator: YardiEmulator
) -> None:
    op = status_op(connector, "tenant", "t0001234", compliance_status="pending_review")
    assert connector.apply(op).outcome is WriteOutcome.APPLIED
    assert emulator.store.snapshot()["tenants"]["t0001234"]["udf"] == {"COIStatus": "Pending Review"}
    assert connector.apply(op).outcome is WriteOutcome.UNCHANGED


def line_op(connector: YardiConnector, platform_id: str | None = None, **changes: Any) -> WriteOp:
    desired: dict[str, Any] = {
        "party_ref": {"vendor": "v000123"},
        "coverage_type": "umbrella",
        "policy_number": "UMB-77",
        "insurer": {"name": "Granite Assurance"},
        "expiration_date": "2027-01-01",
        "limit": {"amount": "5000000", "currency": "USD"},
        **changes,
    }
    return mapped_op(
        connector, "vendor_line", platform_id, desired, op_id="op-line", target=WriteTarget.POLICY_LINE
    )


def test_policy_line_is_added_once_then_its_expiration_updated(
    connector: YardiConnector, emulator: YardiEmulator
) -> None:
    created = connector.apply(line_op(connector))
    assert created.outcome is WriteOutcome.APPLIED
    assert created.platform_id is not None
    again = connector.apply(line_op(connector))
    assert again.outcome is WriteOutcome.UNCHANGED
    assert again.platform_id == created.platform_id
    policies = emulator.store.snapshot()["vendors"]["v000123"]["policies"]
    assert [p["number"] for p in policies].count("UMB-77") == 1
    renewed = connector.apply(line_op(connector, created.platform_id, expiration_date="2028-01-01"))
    assert renewed.outcome is WriteOutcome.APPLIED
    line = next(
        p
        for p in emulator.store.snapshot()["vendors"]["v000123"]["policies"]
        if p["id"] == created.platform_id
    )
    assert (line["type"], line["expiration"], line["amount"], line["insurer"]) == (
        "Umbrella Liability",
        "2028-01-01",
        "5000000",
        "Granite Assurance",
    )


def test_refused_import_is_rejected_with_yardi_s_message_and_nothing_stored(
    connector: YardiConnector, emulator: YardiEmulator
) -> None:
    before = emulator.store.snapshot()["vendors"]["v000123"]
    op = line_op(connector, "999")
    result = connector.apply(op)
    assert result.outcome is WriteOutcome.REJECTED
    assert "999" in result.message
    assert emulator.store.snapshot()["vendors"]["v000123"] == before


def test_lost_response_on_an_import_is_ambiguous_and_not_resent(
    connector: YardiConnector, emulator: YardiEmulator, clock: FakeClock
) -> None:
    from coisync.sandbox.emulator import parse_rule

    emulator.faults.add([parse_rule({"kind": "lost_response", "count": 1})])
    op = status_op(connector, "vendor", "v000123", compliance_status="non_compliant")
    before = connector.session.requests_made
    result = connector.apply(op)
    assert result.outcome is WriteOutcome.AMBIGUOUS
    imports = connector.session.requests_made - before
    assert imports == 2  # the read, then one import: never resent blindly
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "vendor")
    current = writer.read_back(op)
    assert current is not None  # the import landed: the outbox confirms it by reading back
    assert connector.apply(op).outcome is WriteOutcome.UNCHANGED


def test_policy_notes_and_certificates(connector: YardiConnector, emulator: YardiEmulator) -> None:
    payload = connector.mapping.reverse(
        "vendor_policy", {"deficiency_summary": "GL below $2M"}, job="sync"
    ).values
    note = WriteOp(
        op_id="op-note", connection="yardi", target=WriteTarget.NOTE, platform_type="vendor_policy",
        platform_id="44", payload=payload,
    )  # fmt: skip
    assert connector.apply(note).outcome is WriteOutcome.APPLIED
    assert connector.apply(note).outcome is WriteOutcome.UNCHANGED
    assert emulator.store.snapshot()["vendors"]["v000123"]["policies"][0]["notes"] == "GL below $2M"
    pdf = b"%PDF-1.4 certificate"
    for kind, record_id in (("vendor", "v000123"), ("tenant", "t0001234")):
        op = WriteOp(
            op_id=f"op-pdf-{kind}", connection="yardi", target=WriteTarget.ATTACHMENT, platform_type=kind,
            platform_id=record_id, payload={"content": pdf},
        )  # fmt: skip
        assert connector.apply(op).outcome is WriteOutcome.APPLIED
        assert connector.apply(op).outcome is WriteOutcome.UNCHANGED
    state = emulator.store.snapshot()
    assert len(state["vendors"]["v000123"]["attachments"]) == 1
    [document] = state["tenants"]["t0001234"]["documents"]
    assert document["description"].startswith("certificate-") and document["extension"] == "pdf"


def test_writes_are_off_until_switched_on_and_ownership_matches_the_mapping(
    emulator: YardiEmulator, clock: FakeClock
) -> None:
    read_only = make(emulator, clock, writes=False)
    with pytest.raises(WritesDisabledError):
        read_only.apply(status_op(read_only, "vendor", "v000123", compliance_status="expired"))
    for writer in read_only.writers():
        assert ownership_problems(writer, read_only.mapping) == [], writer
