"""The pull's unchanged shortcut: what it keeps of the stored fingerprints, and what it forgets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sync_rig import InProcessRig

from coisync.sync.fingerprints import StoredFingerprints


def test_a_written_record_is_no_longer_vouched_for_by_what_was_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = InProcessRig(tmp_path)
    rig.seed(3, 2)
    rig.run()
    rig.run()  # reads back its own writes: every stored fingerprint is current
    monkeypatch.setattr(StoredFingerprints, "BULK", 1)
    engine, close = rig.engine()
    try:
        (connector,) = engine.connectors(["procore"])
        stream = connector.stream("insurances")
        records = [r for batch in stream.read(stream.initial_cursor()) for r in batch.records]
        known = StoredFingerprints(engine.store, connector)
        for _ in range(StoredFingerprints.LOAD_AT - 1):  # the first large batches ask the store
            assert known.unchanged(records)
            assert "insurance" not in known.kept
        assert known.unchanged(records)  # then every fingerprint of the type is read and kept
        assert len(known.kept["insurance"]) == len(records)

        # A batch holding the first record was written: what was kept of it may be stale now.
        known.forget(records[:1])
        assert not known.unchanged(records[:1])
        assert known.unchanged(records[1:])
        assert len(known.kept["insurance"]) == len(records) - 1

        other = replace(records[1], content_hash="0" * 64)  # the same record, changed upstream
        assert not known.unchanged([other])
    finally:
        close()
