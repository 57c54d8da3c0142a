"""The audit log: hash chain, head row, and detection of edits, gaps, truncation and head tampering."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from coisync.store import Store
from coisync.store.audit import GENESIS_HASH, row_hash
from coisync.store.schema import audit_head, audit_log


def fill(store: Store, count: int) -> None:
    for i in range(1, count + 1):
        store.audit.append("tester", "thing.done", f"thing:{i}", {"n": i, "note": "ünïcode"})


def tamper(store: Store, statement: sa.Executable) -> None:
    with store.engine.begin() as conn:
        conn.execute(statement)


def test_chain_links_every_row_to_the_previous_one(store: Store) -> None:
    fill(store, 3)
    entries = list(store.audit.entries())
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    first = entries[0]
    assert first.hash == row_hash(
        GENESIS_HASH, 1, first.at, "tester", "thing.done", "thing:1", {"n": 1, "note": "ünïcode"}
    )
    result = store.audit.verify()
    assert result.ok and result.rows == 3 and result.problems == []
    assert (result.head_seq, result.head_hash) == (3, entries[2].hash)


def test_empty_log_verifies(store: Store) -> None:
    result = store.audit.verify()
    assert result.ok and result.rows == 0 and result.head_seq == 0


def test_altered_payload_is_detected_at_its_row(store: Store) -> None:
    fill(store, 5)
    tamper(store, sa.update(audit_log).where(audit_log.c.seq == 3).values(payload='{"n":300}'))
    result = store.audit.verify()
    assert not result.ok
    assert [seq for seq, _ in result.problems] == [3]
    assert "altered" in result.problems[0][1]


def test_altered_actor_with_recomputed_hash_breaks_the_next_link(store: Store) -> None:
    fill(store, 4)
    row = next(e for e in store.audit.entries() if e.seq == 2)
    forged = row_hash(row.prev_hash, 2, row.at, "mallory", row.action, row.subject, row.payload)
    tamper(store, sa.update(audit_log).where(audit_log.c.seq == 2).values(actor="mallory", hash=forged))
    result = store.audit.verify()
    assert not result.ok
    assert (3, "prev_hash does not match the previous row's hash") in result.problems


def test_deleted_middle_row_is_detected(store: Store) -> None:
    fill(store, 5)
    tamper(store, sa.delete(audit_log).where(audit_log.c.seq == 3))
    result = store.audit.verify()
    assert not result.ok
    assert result.rows == 4
    assert any(seq == 4 and "rows 3..3 are missing" in what for seq, what in result.problems)


def test_truncated_tail_is_detected_through_the_head(store: Store) -> None:
    fill(store, 5)
    tamper(store, sa.delete(audit_log).where(audit_log.c.seq >= 4))
    result = store.audit.verify()
    assert not result.ok
    assert result.rows == 3 and result.head_seq == 5
    assert result.problems == [(4, "rows 4..5 are missing (log truncated)")]


def test_altered_head_is_detected(store: Store) -> None:
    fill(store, 3)
    tamper(store, sa.update(audit_head).values(hash="f" * 64))
    result = store.audit.verify()
    assert not result.ok
    assert result.problems == [(3, "head hash does not match the last row's hash")]
    tamper(store, sa.update(audit_head).values(seq=2))
    result = store.audit.verify()
    assert [seq for seq, _ in result.problems] == [2]
    assert "head says seq 2" in result.problems[0][1]


def test_concurrent_appends_never_fork_the_chain(store: Store) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                store.audit.append(f"worker{n}", "tick", f"w{n}:{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = store.audit.verify()
    assert result.ok, result.problems
    assert result.rows == 40 and result.head_seq == 40


def test_append_inside_a_rolled_back_transaction_leaves_no_trace(store: Store) -> None:
    fill(store, 1)
    try:
        with store.transaction() as conn:
            store.audit.append("tester", "doomed", "x", conn=conn)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    result = store.audit.verify()
    assert result.ok and result.rows == 1 and result.head_seq == 1
