"""Writes back to the platform: ambiguous writes (reliability scenario 7), echo and conflicts
between two systems (9), and write safety (writes off by default, the write cap, --dry-run).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlalchemy as sa
from sync_rig import INSURANCE_BASE, InProcessRig, outbox_states, platform_snapshot, write_requests

from coisync.connector import WriteOp, WriteTarget
from coisync.errors import ExitCode
from coisync.sandbox.emulator import parse_rule
from coisync.store import open_store
from coisync.sync import outbox, tables
from coisync.sync.push import push_connection

CANONICAL = {
    "compliant": "compliant",
    "compliant_in_progress": "pending_review",
    "expired": "expired",
    "non_compliant": "non_compliant",
    "non_compliant_in_progress": "non_compliant",
    "undecided": "pending_review",
    "unregistered": "missing",
}
"""Procore's statuses and what they mean in coisync (the mapping's code table)."""


@pytest.fixture
def rig(tmp_path: Path) -> InProcessRig:
    return InProcessRig(tmp_path)


def conflict_rows(rig: InProcessRig) -> list[sa.Row[tuple[object, ...]]]:
    engine = sa.create_engine(rig.db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(tables.conflicts)))
    finally:
        engine.dispose()


# ------------------------------------------------------------------ scenario 7: ambiguous writes


def test_a_lost_response_to_a_status_write_applies_it_once_and_confirms_the_row(rig: InProcessRig) -> None:
    """The platform commits each PATCH, then the connection drops before the answer."""
    rig.seed(6, 1)
    rig.emulator.faults.add([parse_rule({"kind": "lost_response", "paths": "/rest/v1.0/companies/"})])
    summary = rig.run()
    rig.emulator.faults.clear()
    part = summary.connections[0]
    assert part.planned == 6
    assert dict(rig.counter.counts) == {str(INSURANCE_BASE + i): 1 for i in range(6)}, "a write applied twice"
    assert outbox_states(rig.db_url) == {"confirmed": 6}
    second = rig.run()
    assert second.connections[0].planned == 0
    assert rig.counter.total == 6


def test_a_lost_response_to_a_create_leaves_exactly_one_record_after_many_trials(tmp_path: Path) -> None:
    """A policy line created through the outbox (``sync`` keyed by origin_id); every answer is
    lost. Each trial ends with one record holding the origin id and the row confirmed."""
    rig = InProcessRig(tmp_path)
    rig.seed(1, 0)
    rig.run()
    rng = random.Random(7)

    store = open_store(rig.db_url)
    engine, close = rig.engine()
    connector = engine.connectors(["procore"])[0]
    try:
        for trial in range(25):
            origin = f"coisync-line-{trial}"
            desired = {
                "party_ref": "3000000",
                "coverage_type": "auto_liability",
                "policy_number": f"AU-{trial}",
                "insurer": {"name": "Roadway Mutual"},
                "expiration_date": "2027-01-31",
                "limit": {"amount": "1000000", "currency": "USD"},
                "origin_id": origin,
            }
            payload = connector.mapping.reverse("insurance_line", desired, job="sync")
            op = WriteOp(
                op_id=f"op-{trial}",
                connection="procore",
                target=WriteTarget.POLICY_LINE,
                platform_type="insurance_line",
                platform_id=None,
                payload=payload.values,
                desired={},
                origin_id=origin,
            )
            with store.transaction() as conn:
                outbox.add(conn, op, run_id="trial", before={})
            rig.emulator.faults.add(
                [parse_rule({"kind": "lost_response", "rate": rng.choice((0.5, 1.0)), "count": 2})]
            )
            push_connection(store, connector)
            rig.emulator.faults.clear()
            push_connection(store, connector)  # a later run settles anything left open
            held = [
                r
                for r in rig.emulator.store.snapshot()["insurances"].values()
                if r["origin_id"] == origin and r["deleted_at"] is None
            ]
            assert len(held) == 1, f"trial {trial}: {len(held)} records hold {origin}"
        assert outbox_states(rig.db_url)["confirmed"] >= 25
        assert not outbox_states(rig.db_url).get("pending")
    finally:
        connector.close()
        close()
        store.close()


# ------------------------------------------------------------------ scenario 9: echo and conflicts


def test_echo_between_the_systems_converges_within_two_cycles_without_ping_pong(rig: InProcessRig) -> None:
    rig.seed(12, 2)
    first = rig.run()
    assert first.connections[0].planned == 24
    after_first = platform_snapshot(rig.emulator)
    second = rig.run()  # reads every write back
    third = rig.run()
    assert second.connections[0].read == 24, "the echo of our own writes is read once"
    assert (second.connections[0].planned, third.connections[0].planned) == (0, 0)
    assert (second.connections[0].conflicts, third.connections[0].conflicts) == (0, 0)
    assert platform_snapshot(rig.emulator) == after_first
    assert set(rig.counter.counts.values()) == {1}, "a record was written more than once"
    assert conflict_rows(rig) == []


def test_a_person_changing_an_owned_field_raises_a_conflict_and_keeps_theirs_every_time(
    rig: InProcessRig,
) -> None:
    rig.seed(10, 2)
    rig.run()
    rig.run()
    rng = random.Random(3)
    edited: dict[str, str] = {}
    written = set(rig.counter.counts)
    with rig.emulator.store.transaction() as state:
        for key, record in state["insurances"].items():
            # a value that means something else than what coisync wrote
            choices = sorted(s for s in CANONICAL if CANONICAL[s] != CANONICAL[record["status"]])
            record["status"] = edited[key] = rng.choice(choices)
            record["updated_at"] = rig.clock.now()
    writes = rig.counter.total
    mark = len(rig.transport.exchanges)

    summary = rig.run()
    again = rig.run()

    assert summary.connections[0].conflicts == len(edited) == 20
    assert again.connections[0].conflicts == 0, "the same conflict was raised twice"
    assert write_requests(rig.requests_since(mark)) == []
    assert rig.counter.total == writes
    held = rig.emulator.store.snapshot()["insurances"]
    assert {key: held[key]["status"] for key in edited} == edited, "their value was overwritten"
    rows = conflict_rows(rig)
    assert {str(r.platform_id) for r in rows} == set(edited) <= written
    assert {r.state for r in rows} == {"open"}
    assert all(r.field == "compliance_status" for r in rows)


def test_with_policy_ours_a_person_s_change_is_overwritten_and_recorded(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path, sync={"max_write_fraction": 1.0, "conflict_policy": "ours"})
    rig.seed(3, 1)
    rig.run()
    rig.run()
    before = platform_snapshot(rig.emulator)
    with rig.emulator.store.transaction() as state:
        record = state["insurances"][str(INSURANCE_BASE)]
        theirs = "non_compliant" if record["status"] != "non_compliant" else "compliant"
        record.update(status=theirs, updated_at=rig.clock.now())
    summary = rig.run()
    assert summary.connections[0].conflicts == 1
    assert platform_snapshot(rig.emulator) == before
    assert [r.state for r in conflict_rows(rig)] == ["overridden"]


# ------------------------------------------------------------------ write safety


def test_a_new_connection_writes_nothing_and_says_writes_are_off(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path, writes=None)  # writes unset, as in a new coisync.toml
    rig.seed(5, 2)
    before = platform_snapshot(rig.emulator)
    summary = rig.run()
    assert summary.exit_code == ExitCode.OK
    part = summary.connections[0]
    assert part.writes is False and part.read == 15
    assert summary.as_dict()["connections"][0]["writes_enabled"] is False
    assert platform_snapshot(rig.emulator) == before
    assert write_requests(rig.transport.exchanges) == []
    assert rig.counter.total == 0
    assert outbox_states(rig.db_url) == {}


def test_the_write_cap_stops_before_any_push_and_names_the_fix(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path, sync={})  # default cap: 20% of the connection's records
    rig.seed(10, 1)
    before = platform_snapshot(rig.emulator)
    summary = rig.run()
    part = summary.connections[0]
    assert summary.exit_code == ExitCode.PARTIAL
    assert part.capped is not None and "--max-writes" in part.capped and "dry-run" in part.capped
    assert "\n" not in part.capped
    assert write_requests(rig.transport.exchanges) == []
    assert platform_snapshot(rig.emulator) == before
    assert outbox_states(rig.db_url) == {"held": 10}
    # The fix it names works: a higher cap for one run pushes the writes.
    allowed = rig.run(max_write_fraction=1.0)
    assert allowed.exit_code == ExitCode.OK
    assert rig.counter.total == 10


def test_dry_run_writes_nothing_and_lists_the_plan(rig: InProcessRig) -> None:
    rig.seed(4, 2)
    before = platform_snapshot(rig.emulator)
    summary = rig.run(dry_run=True)
    part = summary.connections[0]
    assert summary.exit_code == ExitCode.OK and summary.dry_run
    assert part.planned == 8 and len(part.plan_lines) == 8
    assert all(line.startswith("~ procore insurance 50000") for line in part.plan_lines)
    assert write_requests(rig.transport.exchanges) == []
    assert platform_snapshot(rig.emulator) == before
    assert outbox_states(rig.db_url) == {}
    assert conflict_rows(rig) == []
