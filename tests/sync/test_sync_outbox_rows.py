"""Outbox rows as the planner adds them and the push reads them back."""

from __future__ import annotations

from pathlib import Path

from coisync.connector import WriteOp, WriteTarget
from coisync.store import open_store
from coisync.store.engine import read_connection
from coisync.sync import outbox
from coisync.sync.outbox import PlannedWrite


def _planned(n: int, status: str = "compliant") -> PlannedWrite:
    op = WriteOp(
        op_id=f"op-{n}",
        connection="procore",
        target=WriteTarget.COMPLIANCE_STATUS,
        platform_type="insurance",
        platform_id=str(5_000_000 + n),
        payload={"status": status, "notes": "Zoë's renewal is on file"},
        desired={"compliance_status": status},
        expected_version="v1",
    )
    return PlannedWrite(op, {"compliance_status": "pending_review"}, ("certificate", f"cert-{n}"))


def test_rows_round_trip_and_an_op_already_recorded_is_left_as_it_is(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'coisync.db'}")
    with store.transaction() as conn:
        outbox.add_many(conn, [_planned(1), _planned(2), _planned(1)], run_id="run-1")
        outbox.mark_sending(conn, ["op-1"])
    with store.transaction() as conn:  # planned again: op-1 stays as it is, sending
        outbox.add_many(conn, [_planned(1, status="expired"), _planned(3)], run_id="run-2")

    rows = {row.op.op_id: row for row in outbox.iter_open_rows(store.engine, "procore")}
    assert set(rows) == {"op-1", "op-2", "op-3"}
    first = rows["op-1"]
    assert (first.state, first.attempts, first.run_id) == (outbox.SENDING, 1, "run-1")
    assert first.op == _planned(1).op  # payload and desired values read back as planned
    assert first.before == {"compliance_status": "pending_review"}
    assert (first.entity_kind, first.entity_id) == ("certificate", "cert-1")
    assert rows["op-3"].run_id == "run-2"
    with read_connection(store.engine) as conn:
        assert len(outbox.rows_of_run(conn, "run-1")) == 2
