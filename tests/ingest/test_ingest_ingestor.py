"""The Ingestor: batch boundaries, and a record the database refuses does not sink its batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from coisync.ingest import Ingestor, ValidRecord
from coisync.model import CanonicalModel, Party, PartyKind
from coisync.store import Store, UpsertCounts


def record(pid: str, line: int) -> ValidRecord:
    return ValidRecord(
        "party", Party(id=pid, kind=PartyKind.VENDOR, legal_name=f"{pid} LLC"), "in.jsonl", line
    )


def test_batches_flush_at_the_batch_size(store: Store) -> None:
    ingestor = Ingestor(store, batch_size=3)
    for n in range(7):
        ingestor.add(record(f"p{n}", n + 1))
    assert store.counts()["party"] == 6, "two full batches are written before finish"
    summary = ingestor.finish("tester", "import", "test")
    assert store.counts()["party"] == 7 and summary.rows_written == 7 and summary.audit_seq == 1


def test_a_refused_record_is_reported_and_the_rest_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upsert = store.upsert

    def refusing_upsert(record_type: str, models: Sequence[CanonicalModel], **kwargs: Any) -> UpsertCounts:
        if any(getattr(m, "id", None) == "p2" for m in models):
            raise IntegrityError("INSERT", {}, Exception("constraint failed: p2"))
        return real_upsert(record_type, models, **kwargs)

    monkeypatch.setattr(store, "upsert", refusing_upsert)
    ingestor = Ingestor(store, batch_size=10)
    for n in range(1, 5):
        ingestor.add(record(f"p{n}", n))
    summary = ingestor.finish("tester", "import", "test")
    assert [p.id for p in store.iter_parties()] == ["p1", "p3", "p4"]
    party = summary.types["party"]
    assert (party.read, party.inserted, party.invalid) == (4, 3, 1)
    assert len(summary.problems) == 1
    problem = summary.problems[0]
    assert (problem.line, problem.record_id) == (2, "p2")
    assert "the store refused the record" in problem.reason and "p2" in problem.reason


def test_nothing_changed_means_no_audit_row(store: Store) -> None:
    first = Ingestor(store)
    first.add(record("p1", 1))
    first.finish("tester", "import", "test")
    second = Ingestor(store)
    second.add(record("p1", 1))
    summary = second.finish("tester", "import", "test")
    assert summary.rows_written == 0 and summary.audit_seq is None
    assert len(list(store.audit.entries())) == 1
