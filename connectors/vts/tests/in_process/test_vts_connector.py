"""The VTS connector in process: the certificate mode and read-only state, check(), tenants with
their contacts, and the status writer's refusals."""

from __future__ import annotations

import pytest
from coisync_vts.config import VtsConfig
from coisync_vts.connector import VtsConnector
from coisync_vts.emulator import CERTIFICATES, VtsEmulator, VtsSettings
from coisync_vts.streams import CONTACT_FIELD, first_contact
from vts_adapter import (
    SECRET_ENV,
    Make,
    connection_table,
    seed_certificates,
)

from coisync.connector import (
    WriteOp,
    WriteOutcome,
    WritesDisabledError,
    WriteTarget,
    contract_problems,
    parse_connection,
)
from coisync.errors import ConfigError
from coisync.http import FakeClock
from coisync.testing import EmulatorEndpoint, read_stream
from coisync.testing.adapter import mapped_status_op


def certificate_requests(endpoint: EmulatorEndpoint) -> int:
    return sum(
        1 for e in endpoint.control.requests() if e["path"].startswith("/api/v1/insurance_certificates")
    )


def test_auto_finds_the_resource_with_one_request(make: Make, endpoint: EmulatorEndpoint) -> None:
    connector = make(writes=True)
    assert connector.read_only is False and connector.read_only_reason is None
    assert connector.read_only is False
    assert certificate_requests(endpoint) == 1, "the probe runs once per connector"
    assert [s.name for s in connector.streams()] == ["assets", "tenants", "leases", "insurance_certificates"]
    assert [w.name for w in connector.writers()] == ["certificate_status", "tenant_update"]
    assert connector.check().writable.ok is True


@pytest.mark.parametrize("settings", [VtsSettings(insurance_certificates=False)])
def test_auto_without_the_resource_is_read_only_and_says_why(make: Make) -> None:
    connector = make(writes=True)
    assert connector.read_only is True
    reason = connector.read_only_reason or ""
    assert "no insurance_certificates resource (HTTP 404)" in reason and "still read" in reason
    assert [s.name for s in connector.streams()] == ["assets", "tenants", "leases"]
    assert connector.writers() == []
    check = connector.check()
    assert check.ok and check.writable.ok is False and reason in check.writable.message
    with pytest.raises(WritesDisabledError, match="read-only"):
        connector.writer_for(WriteTarget.COMPLIANCE_STATUS)


@pytest.mark.parametrize(
    "settings", [VtsSettings(authorized_resources=frozenset({"assets", "tenants", "leases"}))]
)
def test_a_key_not_authorized_for_certificates_is_read_only(make: Make) -> None:
    connector = make()
    assert connector.read_only is True
    assert "may not use insurance_certificates (HTTP 403)" in (connector.read_only_reason or "")


def test_off_asks_nothing_and_on_trusts_the_setting(make: Make, endpoint: EmulatorEndpoint) -> None:
    off = make("off", writes=True)
    assert off.read_only is True and '"off"' in (off.read_only_reason or "")
    on = make("on")
    assert on.read_only is False and on.writable_check().ok is False  # writes are off in the table
    assert certificate_requests(endpoint) == 0


def test_a_probe_that_cannot_reach_vts_leaves_the_run_read_only(
    make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, "not-the-secret")
    connector = make(writes=True)
    assert connector.read_only is True
    assert "could not ask VTS" in (connector.read_only_reason or "")
    assert "not-the-secret" not in (connector.read_only_reason or "")


def test_an_unknown_mode_is_a_config_error(endpoint: EmulatorEndpoint, make: Make) -> None:
    table = {**connection_table(endpoint.base_url), "connector": "vts", "insurance_certificates": "maybe"}
    with pytest.raises(ConfigError, match="insurance_certificates"):
        parse_connection("vts", table, VtsConfig)


def test_check_reports_refused_credentials(make: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "wrong")
    check = make("on").check()
    assert check.auth.ok is False and check.reachable.ok is None and not check.ok


def test_a_tenant_carries_its_first_contact(make: Make, emulator: VtsEmulator) -> None:
    emulator.seed(
        {
            "tenant_contacts": [
                {"id": "51", "tenant_id": "7", "type": "broker", "email": "broker@example.com"},
                {"id": "52", "tenant_id": "7", "first_name": "Ana", "last_name": "Ruiz", "email": "ana@tenant.example",
                 "phone": "2125550101", "is_decision_maker": True},
                {"id": "50", "tenant_id": "7", "email": "desk@tenant.example"},
            ]
        }
    )  # fmt: skip
    (tenant,), _, _ = read_stream(make(), "tenants")
    assert tenant.raw[CONTACT_FIELD] == {
        "name": "Ana Ruiz",
        "email": "ana@tenant.example",
        "phone": "2125550101",
    }
    assert make().mapping.forward("tenant", tenant.raw).values["email"] == "ana@tenant.example"


def test_a_changed_contact_brings_its_tenant_back(
    make: Make, emulator: VtsEmulator, clock: FakeClock
) -> None:
    emulator.seed({"tenants": [{"id": "8", "name": "Northwind Dental Group"}]})
    connector = make()
    tenants, _, cursor = read_stream(connector, "tenants")
    assert {t.platform_id for t in tenants} == {"7", "8"}
    clock.advance(60)
    emulator.seed({"tenant_contacts": [{"tenant_id": "8", "email": "risk@northwind.example"}]})
    again, _, later = read_stream(connector, "tenants", cursor.to_json())
    assert [(t.platform_id, t.raw[CONTACT_FIELD]["email"]) for t in again] == [
        ("8", "risk@northwind.example")
    ]
    assert read_stream(connector, "tenants", later.to_json())[0] == []


def test_first_contact_skips_contacts_without_email_or_phone() -> None:
    contacts = [
        {"id": "1", "attributes": {"first_name": "No", "last_name": "Way"}},
        {"id": "2", "attributes": {"phone": "1"}},
    ]
    assert first_contact(contacts) == {"name": None, "email": None, "phone": "1"}
    assert first_contact([]) is None


def status_op(connector: VtsConnector, platform_id: str, status: str) -> WriteOp:
    desired = {"compliance_status": status, "deficiency_summary": "x"}
    return mapped_status_op(
        connector, "insurance_certificate", platform_id, desired, op_id=f"op-{platform_id}"
    )


def test_the_writer_refuses_a_missing_certificate_and_reports_vts_s_422(
    make: Make, emulator: VtsEmulator
) -> None:
    (certificate,) = seed_certificates(emulator, 1)
    connector = make("on", writes=True)
    gone = connector.apply(status_op(connector, "424242", "compliant"))
    assert gone.outcome is WriteOutcome.REJECTED and "no longer exists" in gone.message
    op = status_op(connector, certificate, "compliant")
    bad = WriteOp(**{**op.__dict__, "payload": {"attributes": {"compliance_status": "splendid"}}})
    refused = connector.apply(bad)
    assert refused.outcome is WriteOutcome.REJECTED
    assert emulator.store.snapshot()[CERTIFICATES][certificate]["attributes"]["compliance_status"] is None
    applied = connector.apply(op)
    assert applied.outcome is WriteOutcome.APPLIED and applied.version


@pytest.mark.parametrize("mode", ["on", "off"])
def test_the_connector_keeps_the_contract_in_both_modes(make: Make, mode: str) -> None:
    assert contract_problems(make(mode)) == []
