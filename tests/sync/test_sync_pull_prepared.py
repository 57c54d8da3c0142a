"""A pull batch prepared ahead (by a worker, from the committed store) is applied only when
nothing it read has changed since; otherwise it is prepared again inside the write transaction,
so another job's write between the two is kept, never overwritten by the stale preparation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sync_rig import INSURANCE_BASE, InProcessRig

from coisync.connector import PlatformRecord
from coisync.store import open_store, schema
from coisync.store.engine import read_connection
from coisync.store.refs import update_last_known
from coisync.sync.pull import write_batch
from coisync.sync.pull_batch import prepare_batch, still_valid, with_fingerprints


def _written(db_url: str, platform_id: str) -> dict[str, object]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            t = schema.external_refs
            text = conn.execute(
                sa.select(t.c.last_known).where(
                    t.c.platform_type == "insurance", t.c.platform_id == platform_id
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return dict(json.loads(text)["written"])


def test_a_prepared_batch_is_applied_only_while_what_it_read_is_unchanged(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path)
    rig.seed(2, 2)
    rig.run()
    rig.run()  # reads back its own writes
    changed = str(INSURANCE_BASE + 1)
    with rig.emulator.store.transaction() as state:  # the platform changes one insurance
        state["insurances"][changed].update(policy_number="P-NEW", updated_at=rig.clock.now())
    rig.clock.advance(5)

    engine, close = rig.engine()
    try:
        store = engine.store
        (connector,) = engine.connectors(["procore"])
        stream = connector.stream("insurances")
        records: list[PlatformRecord] = [r for b in stream.read(stream.initial_cursor()) for r in b.records]
        with read_connection(store.engine) as conn:
            prepared = prepare_batch(conn, connector, stream, with_fingerprints(connector, stream, records))
        assert [key[2] for key in prepared.pending] == [changed]
        with read_connection(store.engine) as conn:
            assert still_valid(conn, prepared)

        # Another job records a write on that insurance's ref after the preparation read it.
        key = ("procore", "insurance", changed)
        known = {**_written(rig.db_url, changed), "compliance_status": "another job's value"}
        with store.transaction() as conn:
            ref = json.loads(
                conn.execute(
                    sa.select(schema.external_refs.c.last_known).where(
                        schema.external_refs.c.platform_type == "insurance",
                        schema.external_refs.c.platform_id == changed,
                    )
                ).scalar_one()
            )
            ref["written"] = known
            update_last_known(conn, [{"key": key, "last_known": ref, "updated_at": datetime.now(tz=UTC)}])
        with read_connection(store.engine) as conn:
            assert not still_valid(conn, prepared)

        write_batch(store, connector, stream, records, (), None, "test-run", prepared)
    finally:
        close()
    assert _written(rig.db_url, changed)["compliance_status"] == "another job's value"
    store = open_store(rig.db_url)
    try:
        certificate = store.get_certificate(f"procore:insurance:{changed}")
    finally:
        store.close()
    assert certificate is not None and certificate.lines[0].policy_number == "P-NEW"
