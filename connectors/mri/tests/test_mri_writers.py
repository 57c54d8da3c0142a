"""MRI writers against the in-process emulator: batches per building, flags, lost answers, bad keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from coisync_mri.config import MriConfig
from coisync_mri.connector import MriConnector
from coisync_mri.emulator import INSURANCE_API, MriEmulator
from coisync_mri.writers import COMPLIANT_FLAG_STATUSES
from mri_adapter import (
    BUILDING,
    PASSWORD,
    PASSWORD_ENV,
    USER_ENV,
    USERNAME,
    connection_table,
    mri_emulator,
    seed_insurance,
)

from coisync.connector import WriteOp, WriteOutcome, WriteTarget, parse_connection
from coisync.http import FakeClock
from coisync.sandbox.emulator import json_response, parse_rule
from coisync.testing import open_endpoint
from coisync.testing.adapter import mapped_op

STATUSES = ("compliant", "expiring", "not_required", "pending_review", "non_compliant", "expired", "missing")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(tmp_path: Path, clock: FakeClock) -> MriEmulator:
    return mri_emulator(tmp_path / "mri", clock)


@pytest.fixture
def connector(
    emulator: MriEmulator, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MriConnector]:
    monkeypatch.setenv(USER_ENV, USERNAME)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with open_endpoint("in_process", emulator, clock) as endpoint:
        table = {**connection_table(endpoint.base_url, buildings=()), "connector": "mri", "writes": True}
        made = MriConnector(
            parse_connection("mri", table, MriConfig), endpoint.session_factory(), clock=clock
        )
        yield made
        made.close()


def op(
    connector: MriConnector, platform_type: str, platform_id: str, status: str, summary: str = ""
) -> WriteOp:
    desired = {"compliance_status": status, "deficiency_summary": summary}
    return mapped_op(
        connector, platform_type, platform_id, desired, op_id=f"op-{platform_id}-{status}-{summary}"
    )


def posts(emulator: MriEmulator) -> list[dict[str, Any]]:
    return [e for e in emulator.request_log.entries() if e["method"] == "POST"]


def test_compliant_flag_follows_the_status(connector: MriConnector, emulator: MriEmulator) -> None:
    keys = seed_insurance(emulator, len(STATUSES))
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "insurance")
    results = writer.apply_batch(
        [op(connector, "insurance", k, s) for k, s in zip(keys, STATUSES, strict=True)]
    )
    assert [r.outcome for r in results] == [WriteOutcome.APPLIED] * len(STATUSES)
    rows = emulator.store.snapshot()["insurance"]
    for key, status in zip(keys, STATUSES, strict=True):
        row = rows[key.rsplit("/", 1)[1]]
        assert row["Compliant"] == ("Y" if status in COMPLIANT_FLAG_STATUSES else "N"), status
        assert connector.mapping.forward("insurance", row).values["compliance_status"] == status
    assert len(posts(emulator)) == 1, "one building, one POST"


def test_a_batch_posts_once_per_building_and_keeps_the_order(
    connector: MriConnector, emulator: MriEmulator
) -> None:
    first = seed_insurance(emulator, 2)
    emulator.seed(
        {
            "buildings": [{"BuildingID": "BLD009", "BuildingName": "Gateway Plaza"}],
            "leases": [{"BuildingID": "BLD009", "LeaseID": "L00009", "OccupantName": "Zed Co.", "MasterOccupantID": "0000000009"}],
        }
    )  # fmt: skip
    other = [
        f"BLD009/L00009/{p}"
        for p in emulator.seed({"insurance": [{"BuildingID": "BLD009", "LeaseID": "L00009"}]})["insurance"]
    ]
    keys = [first[0], other[0], first[1], f"{BUILDING}/L00001/0000099999", "not-a-key"]
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "insurance")
    results = writer.apply_batch([op(connector, "insurance", k, "expired") for k in keys])
    assert [r.platform_id for r in results] == keys
    assert [r.outcome for r in results[:3]] == [WriteOutcome.APPLIED] * 3
    assert results[3].outcome is WriteOutcome.REJECTED and "no longer exists" in results[3].message
    assert results[4].outcome is WriteOutcome.REJECTED and "not a insurance key" in results[4].message
    assert len(posts(emulator)) == 2
    again = writer.apply_batch([op(connector, "insurance", k, "expired") for k in keys[:3]])
    assert [r.outcome for r in again] == [WriteOutcome.UNCHANGED] * 3
    assert len(posts(emulator)) == 2, "an unchanged batch posted again"


def test_a_lost_answer_to_a_status_post_is_resent_safely(
    connector: MriConnector, emulator: MriEmulator
) -> None:
    (key,) = seed_insurance(emulator, 1)
    emulator.faults.add([parse_rule({"kind": "lost_response", "count": 1})])
    result = connector.apply(op(connector, "insurance", key, "expired", "GL expired"))
    assert result.outcome is WriteOutcome.APPLIED
    assert [e["status"] for e in posts(emulator)] == [0, 200]
    assert emulator.store.snapshot()["insurance"][key.rsplit("/", 1)[1]]["ComplianceNote"] == "GL expired"


def test_a_lost_answer_to_a_note_is_ambiguous_and_never_doubles_the_note(
    connector: MriConnector, emulator: MriEmulator
) -> None:
    note_op = op(connector, "lease", f"{BUILDING}/L00001", "expired", "GL expired")
    emulator.faults.add([parse_rule({"kind": "lost_response", "count": 1})])
    first = connector.apply(note_op)
    assert first.outcome is WriteOutcome.AMBIGUOUS
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "lease")
    held = writer.read_back(note_op)
    assert held is not None and held["coisync_note_status"] == "Expired"
    assert connector.apply(note_op).outcome is WriteOutcome.UNCHANGED
    notes = emulator.store.snapshot()["notes"]
    assert len(notes) == 1 and notes[0]["NoteText"] == "Insurance compliance: Expired. GL expired"
    assert notes[0]["NoteReference1"] == "INS" and notes[0]["NoteReference2"].startswith("COI-")


def test_a_new_status_adds_a_new_note(connector: MriConnector, emulator: MriEmulator) -> None:
    lease = f"{BUILDING}/L00001"
    assert connector.apply(op(connector, "lease", lease, "expired")).outcome is WriteOutcome.APPLIED
    assert connector.apply(op(connector, "lease", lease, "compliant")).outcome is WriteOutcome.APPLIED
    held = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "lease").read_back(
        op(connector, "lease", lease, "x")
    )
    assert held is not None and held["coisync_note_status"] == "Compliant"
    assert len(emulator.store.snapshot()["notes"]) == 2


def test_a_note_on_an_unknown_lease_carries_mris_message(connector: MriConnector) -> None:
    result = connector.apply(op(connector, "lease", f"{BUILDING}/NOPE", "expired"))
    assert result.outcome is WriteOutcome.REJECTED
    assert result.message.endswith("Lease NOPE does not exist in building BLD001")


def test_a_server_failure_while_reading_first_is_ambiguous(
    connector: MriConnector, emulator: MriEmulator
) -> None:
    (key,) = seed_insurance(emulator, 1)
    emulator.faults.add([parse_rule({"kind": "500", "count": 10})])
    result = connector.apply(op(connector, "insurance", key, "expired"))
    assert result.outcome is WriteOutcome.AMBIGUOUS
    assert not posts(emulator)
    assert INSURANCE_API in "".join(e["query"] for e in emulator.request_log.entries())


def test_an_answer_without_one_row_per_row_is_ambiguous(
    connector: MriConnector, emulator: MriEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    (key,) = seed_insurance(emulator, 1)
    real = emulator._write

    def truncated(request: Any, api: str, user: str) -> Any:
        real(request, api, user)  # saved, but answered without the rows
        return json_response({"odata.metadata": "x", "value": []})

    monkeypatch.setattr(emulator, "_write", truncated)
    result = connector.apply(op(connector, "insurance", key, "expired"))
    assert result.outcome is WriteOutcome.AMBIGUOUS and "one row per posted row" in result.message
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "insurance")
    assert writer.read_back(op(connector, "insurance", key, "expired"))["ComplianceStatus"] == "Expired"  # type: ignore[index]
