"""Reconcile flags as VTS tenant updates: the emulator's documented list and assumed write, the
writer (one comment per change, never doubled), and the tenant stream reading them back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from coisync_vts.connector import VtsConnector
from coisync_vts.emulator import VtsEmulator, VtsSettings
from coisync_vts.emulator.settings import TENANT_UPDATES
from vts_adapter import API_KEY, API_SECRET, TENANT, Make
from vts_schemas import TENANT_UPDATES as TENANT_UPDATES_SCHEMA

from coisync.connector import WriteOp, WriteOutcome, WriteTarget
from coisync.connector.flagnote import flag_note_text
from coisync.sandbox.emulator import EmulatorTransport, parse_rule
from coisync.testing import read_stream
from coisync.testing.adapter import mapped_op

FLAGS = (
    "[coisync reconcile] certificate_missing: agreement in force and no certificate in any system (mri, vts)\n"
    "[coisync reconcile] expired: general_liability expired 2026-11-30 in vts"
)


@pytest.fixture
def raw(emulator: VtsEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=EmulatorTransport(emulator),
        base_url="https://vts.emulator.test",
        auth=httpx.BasicAuth(API_KEY, API_SECRET),
    ) as client:
        yield client


def flag_op(connector: VtsConnector, flags: str | None, n: int = 0) -> WriteOp:
    desired = {"reconcile_flags": flags}
    return mapped_op(connector, "tenant", TENANT, desired, op_id=f"flags-{n}", job="reconcile")


def updates(emulator: VtsEmulator) -> list[dict[str, Any]]:
    return sorted(emulator.store.snapshot().get(TENANT_UPDATES, {}).values(), key=lambda r: int(r["id"]))


def posts(emulator: VtsEmulator) -> int:
    return len([e for e in emulator.request_log.entries() if e["method"] == "POST"])


def read_flags(connector: VtsConnector) -> Any:
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "tenant")
    held = writer.read_back(flag_op(connector, None))
    assert held is not None
    return connector.mapping.forward("tenant", held).values.get("reconcile_flags")


# ---------------------------------------------------------------- emulator


def test_the_list_has_the_documented_shape_and_filters(raw: httpx.Client, emulator: VtsEmulator) -> None:
    emulator.seed(
        {
            "tenants": [{"id": "8", "name": "Northwind Dental Group"}],
            TENANT_UPDATES: [
                {
                    "tenant_id": TENANT,
                    "asset_id": "1",
                    "comment": "Called about the renewal",
                    "important": True,
                },
                {"tenant_id": "8", "comment": "Sent the COI reminder", "interaction_type": "email"},
            ],
        }
    )
    body = raw.get("/api/v1/tenant_updates", params={"filter[tenant_id]": TENANT}).json()
    (update,) = body["data"]
    assert update["type"] == "tenant_updates"
    assert set(update["attributes"]) == {
        "comment", "important", "interaction_type", "interaction_date", "sentiment", "created_at", "updated_at",
    }  # fmt: skip
    assert update["attributes"]["comment"] == "Called about the renewal"
    assert update["relationships"]["tenant"]["data"] == {"id": TENANT, "type": "tenants"}
    assert update["relationships"]["asset"]["data"] == {"id": "1", "type": "assets"}
    by_asset = raw.get("/api/v1/tenant_updates", params={"filter[property_id]": "1"}).json()["data"]
    assert [u["attributes"]["comment"] for u in by_asset] == ["Called about the renewal"]
    assert raw.get("/api/v1/tenant_updates", params={"filter[lease_id]": "1"}).status_code == 400
    everything = raw.get("/api/v1/tenant_updates", params={"page[size]": 1}).json()
    problems = list(jsonschema.Draft7Validator(TENANT_UPDATES_SCHEMA).iter_errors(everything))
    assert everything["data"] and "next" in everything["links"] and not problems


def test_an_update_is_added_to_a_tenant_and_checked(raw: httpx.Client, emulator: VtsEmulator) -> None:
    document = {"data": {"type": "tenant_updates", "attributes": {"comment": "Insurance reviewed"}}}
    created = raw.post(f"/api/v1/tenants/{TENANT}/tenant_updates", json=document)
    assert created.status_code == 201
    data = created.json()["data"]
    assert data["attributes"]["interaction_type"] == "other" and data["attributes"]["important"] is False
    assert data["relationships"]["asset"]["data"] == {"id": "1", "type": "assets"}  # the tenant's lease's
    bad = {"data": {"type": "tenant_updates", "attributes": {"comment": " ", "interaction_type": "fax"}}}
    refused = raw.post(f"/api/v1/tenants/{TENANT}/tenant_updates", json=bad)
    assert refused.status_code == 422
    assert {e["source"]["pointer"] for e in refused.json()["errors"]} == {
        "/data/attributes/comment",
        "/data/attributes/interaction_type",
    }
    assert raw.post("/api/v1/tenants/999/tenant_updates", json=document).status_code == 404
    assert len(updates(emulator)) == 1


@pytest.mark.parametrize("settings", [VtsSettings(tenant_update_writes=False)], ids=["writes_off"])
def test_the_assumed_write_can_be_switched_off(raw: httpx.Client) -> None:
    document = {"data": {"type": "tenant_updates", "attributes": {"comment": "x"}}}
    assert raw.post(f"/api/v1/tenants/{TENANT}/tenant_updates", json=document).status_code == 404
    assert raw.get("/api/v1/tenant_updates").status_code == 200


# ---------------------------------------------------------------- writer and stream


def test_the_mapping_gives_reconcile_a_tenant_field_of_its_own(make: Make) -> None:
    connector = make("on", writes=True)
    record = connector.mapping.records["tenant"]
    assert [c.spec.target for c in record.writable(job="reconcile")] == ["reconcile_flags"]
    assert not list(record.writable(job="sync"))


def test_flags_become_one_tenant_update_and_a_repeat_posts_nothing(make: Make, emulator: VtsEmulator) -> None:
    connector = make("on", writes=True)
    assert connector.apply(flag_op(connector, FLAGS)).outcome is WriteOutcome.APPLIED
    (update,) = updates(emulator)
    assert update["attributes"]["comment"] == flag_note_text(FLAGS)
    assert update["attributes"]["comment"].startswith("coisync reconcile: 2 open flags\n")
    assert update["attributes"]["important"] is True and update["attributes"]["interaction_type"] == "other"
    assert update["rel"]["tenant"] == TENANT
    assert read_flags(connector) == FLAGS
    sent = posts(emulator)
    assert connector.apply(flag_op(connector, FLAGS, 1)).outcome is WriteOutcome.UNCHANGED
    assert posts(emulator) == sent and len(updates(emulator)) == 1


def test_cleared_and_returning_flags_follow_the_latest_update(make: Make, emulator: VtsEmulator) -> None:
    connector = make("on", writes=True)
    connector.apply(flag_op(connector, FLAGS))
    assert connector.apply(flag_op(connector, None, 1)).outcome is WriteOutcome.APPLIED
    assert updates(emulator)[-1]["attributes"]["comment"] == "coisync reconcile: no open flags"
    assert updates(emulator)[-1]["attributes"]["important"] is False
    assert read_flags(connector) is None
    assert connector.apply(flag_op(connector, FLAGS, 2)).outcome is WriteOutcome.APPLIED
    assert read_flags(connector) == FLAGS and len(updates(emulator)) == 3


def test_peoples_comments_are_not_flags(make: Make, emulator: VtsEmulator) -> None:
    connector = make("on", writes=True)
    connector.apply(flag_op(connector, FLAGS))
    emulator.seed({TENANT_UPDATES: [{"tenant_id": TENANT, "comment": "Tenant says the renewal is coming"}]})
    assert read_flags(connector) == FLAGS
    assert connector.apply(flag_op(connector, FLAGS, 1)).outcome is WriteOutcome.UNCHANGED


def test_a_lost_answer_is_ambiguous_and_never_doubles_the_update(make: Make, emulator: VtsEmulator) -> None:
    connector = make("on", writes=True)
    emulator.faults.add(
        [
            parse_rule(
                {"kind": "lost_response", "count": 1, "paths": [f"/api/v1/tenants/{TENANT}/tenant_updates"]}
            )
        ]
    )
    assert connector.apply(flag_op(connector, FLAGS)).outcome is WriteOutcome.AMBIGUOUS
    assert read_flags(connector) == FLAGS
    assert connector.apply(flag_op(connector, FLAGS)).outcome is WriteOutcome.UNCHANGED
    assert len(updates(emulator)) == 1


def test_a_sync_write_is_refused(make: Make) -> None:
    connector = make("on", writes=True)
    op = WriteOp(
        op_id="x",
        connection="vts",
        target=WriteTarget.COMPLIANCE_STATUS,
        platform_type="tenant",
        platform_id=TENANT,
        payload={"coisync_reconcile_flags": FLAGS},
    )
    assert connector.apply(op).outcome is WriteOutcome.REJECTED


def test_the_tenant_stream_reads_the_latest_flag_note_only_when_it_writes(
    make: Make, emulator: VtsEmulator
) -> None:
    emulator.seed(
        {
            TENANT_UPDATES: [
                {"tenant_id": TENANT, "comment": flag_note_text("[coisync reconcile] old"), "created_at": "2026-01-01T00:00:01Z"},
                {"tenant_id": TENANT, "comment": flag_note_text(FLAGS), "created_at": "2026-01-01T00:00:02Z"},
                {"tenant_id": TENANT, "comment": "A person's comment", "created_at": "2026-01-01T00:00:03Z"},
            ]
        }
    )  # fmt: skip
    writing = make("on", writes=True)
    (tenant,), _, _ = read_stream(writing, "tenants")
    assert writing.mapping.forward("tenant", tenant.raw).values["reconcile_flags"] == FLAGS
    reading = make("on")
    (tenant,), _, _ = read_stream(reading, "tenants")
    assert "coisync_reconcile_flags" not in tenant.raw
    asked = [e for e in emulator.request_log.entries() if e["path"] == "/api/v1/tenant_updates"]
    assert len(asked) == 1, "a connection that writes no flags does not read them"
