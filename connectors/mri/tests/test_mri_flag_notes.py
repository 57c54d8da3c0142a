"""Reconcile flags as MRI lease notes: their own note kind beside the compliance note, read back as a field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from coisync_mri.config import MriConfig
from coisync_mri.connector import MriConnector
from coisync_mri.emulator import MriEmulator
from mri_adapter import (
    BUILDING,
    LEASE,
    PASSWORD,
    PASSWORD_ENV,
    USER_ENV,
    USERNAME,
    connection_table,
    mri_emulator,
)

from coisync.connector import WriteOp, WriteOutcome, WriteTarget, parse_connection
from coisync.connector.flagnote import flag_note_text, flags_of_note
from coisync.http import FakeClock
from coisync.sandbox.emulator import parse_rule
from coisync.testing import open_endpoint, read_stream
from coisync.testing.adapter import mapped_op

KEY = f"{BUILDING}/{LEASE}"
FLAGS = (
    "[coisync reconcile] expired: general_liability expired 2026-11-30 in mri\n"
    "[coisync reconcile] limit_disagrees: general_liability limit differs: mri=1000000, vts=2000000"
)
Make = Callable[..., MriConnector]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(tmp_path: Path, clock: FakeClock) -> MriEmulator:
    return mri_emulator(tmp_path / "mri", clock)


@pytest.fixture
def make(emulator: MriEmulator, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Make]:
    monkeypatch.setenv(USER_ENV, USERNAME)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    made: list[MriConnector] = []
    with open_endpoint("in_process", emulator, clock) as endpoint:

        def build(**extra: Any) -> MriConnector:
            table = {**connection_table(endpoint.base_url), "connector": "mri", "writes": True, **extra}
            connector = MriConnector(
                parse_connection("mri", table, MriConfig), endpoint.session_factory(), clock=clock
            )
            made.append(connector)
            return connector

        yield build
        for connector in made:
            connector.close()


def flag_op(connector: MriConnector, flags: str | None, n: int = 0) -> WriteOp:
    return mapped_op(connector, "lease", KEY, {"reconcile_flags": flags}, op_id=f"flags-{n}", job="reconcile")


def status_op(connector: MriConnector, status: str) -> WriteOp:
    desired = {"compliance_status": status, "deficiency_summary": None}
    return mapped_op(connector, "lease", KEY, desired, op_id=f"status-{status}")


def notes(emulator: MriEmulator) -> list[dict[str, Any]]:
    return list(emulator.store.snapshot().get("notes", []))


def read_flags(connector: MriConnector) -> Any:
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "lease")
    held = writer.read_back(flag_op(connector, None))
    assert held is not None
    return connector.mapping.forward("lease", held).values.get("reconcile_flags")


def test_the_mapping_gives_reconcile_a_lease_field_of_its_own(make: Make) -> None:
    connector = make()
    record = connector.mapping.records["lease"]
    assert [c.spec.target for c in record.writable(job="reconcile")] == ["reconcile_flags"]
    assert "reconcile_flags" not in [c.spec.target for c in record.writable(job="sync")]
    assert connector.mapping.reverse("lease", {"reconcile_flags": FLAGS}, job="sync").values == {}


def test_flags_are_a_note_of_their_own_kind_and_a_repeat_posts_nothing(
    make: Make, emulator: MriEmulator
) -> None:
    connector = make()
    assert connector.apply(flag_op(connector, FLAGS)).outcome is WriteOutcome.APPLIED
    (note,) = notes(emulator)
    assert note["NoteText"] == flag_note_text(FLAGS)
    assert note["NoteText"].startswith("coisync reconcile: 2 open flags\n")
    assert note["NoteReference1"] == "INS" and note["NoteReference2"].startswith("REC-")
    assert read_flags(connector) == FLAGS
    posted = len([e for e in emulator.request_log.entries() if e["method"] == "POST"])
    assert connector.apply(flag_op(connector, FLAGS, 1)).outcome is WriteOutcome.UNCHANGED
    assert len([e for e in emulator.request_log.entries() if e["method"] == "POST"]) == posted
    assert len(notes(emulator)) == 1


def test_flag_notes_and_compliance_notes_never_read_as_each_other(make: Make, emulator: MriEmulator) -> None:
    connector = make()
    connector.apply(flag_op(connector, FLAGS))
    connector.apply(status_op(connector, "expired"))
    writer = connector.writer_for(WriteTarget.COMPLIANCE_STATUS, "lease")
    held = writer.read_back(status_op(connector, "expired"))
    assert held is not None
    values = connector.mapping.forward("lease", held).values
    assert (values["compliance_status"], values["reconcile_flags"]) == ("expired", FLAGS)
    # The compliance note written after the flag note does not make the flags look unwritten.
    assert connector.apply(flag_op(connector, FLAGS, 1)).outcome is WriteOutcome.UNCHANGED
    assert connector.apply(status_op(connector, "expired")).outcome is WriteOutcome.UNCHANGED
    assert [n["NoteReference2"][:4] for n in notes(emulator)] == ["REC-", "COI-"]


def test_cleared_flags_write_a_note_that_reads_back_as_no_flags(make: Make, emulator: MriEmulator) -> None:
    connector = make()
    connector.apply(flag_op(connector, FLAGS))
    assert connector.apply(flag_op(connector, None, 1)).outcome is WriteOutcome.APPLIED
    assert notes(emulator)[-1]["NoteText"] == "coisync reconcile: no open flags"
    assert read_flags(connector) is None
    assert flags_of_note(notes(emulator)[-1]["NoteText"]) is None


def test_flags_that_return_are_written_again(make: Make, emulator: MriEmulator) -> None:
    """Only the latest note counts: A, then B, then A again is three notes and reads back A."""
    connector = make()
    other = FLAGS.splitlines()[0]
    for n, flags in enumerate((FLAGS, other, FLAGS)):
        assert connector.apply(flag_op(connector, flags, n)).outcome is WriteOutcome.APPLIED
    assert len(notes(emulator)) == 3
    assert read_flags(connector) == FLAGS


def test_a_separate_reference_type_can_hold_the_flag_notes(make: Make, emulator: MriEmulator) -> None:
    connector = make(reconcile_reference_type="COI")
    connector.apply(flag_op(connector, FLAGS))
    assert notes(emulator)[0]["NoteReference1"] == "COI"
    assert read_flags(connector) == FLAGS
    # The same note under another connection's categories is not coisync's flag note there.
    assert read_flags(make()) is None


def test_a_lost_answer_to_a_flag_note_is_ambiguous_and_never_doubles_it(
    make: Make, emulator: MriEmulator
) -> None:
    connector = make()
    emulator.faults.add([parse_rule({"kind": "lost_response", "count": 1})])
    assert connector.apply(flag_op(connector, FLAGS)).outcome is WriteOutcome.AMBIGUOUS
    assert read_flags(connector) == FLAGS
    assert connector.apply(flag_op(connector, FLAGS)).outcome is WriteOutcome.UNCHANGED
    assert len(notes(emulator)) == 1


def test_the_lease_stream_reads_the_latest_flag_note_back(make: Make, emulator: MriEmulator) -> None:
    emulator.seed(
        {
            "notes": [
                {"BuildingID": BUILDING, "LeaseID": LEASE, "NoteText": flag_note_text("[coisync reconcile] old"),
                 "NoteReference1": "INS", "NoteReference2": "REC-AAAA", "LastUpdate": "2026-01-01T00:00:01.000"},
                {"BuildingID": BUILDING, "LeaseID": LEASE, "NoteText": flag_note_text(FLAGS),
                 "NoteReference1": "INS", "NoteReference2": "REC-BBBB", "LastUpdate": "2026-01-01T00:00:02.000"},
                {"BuildingID": BUILDING, "LeaseID": LEASE, "NoteText": flag_note_text("[coisync reconcile] typed"),
                 "NoteReference1": "GEN", "NoteReference2": "REC-CCCC", "LastUpdate": "2026-01-01T00:00:03.000"},
                {"BuildingID": BUILDING, "LeaseID": LEASE, "NoteText": "Insurance compliance: Expired.",
                 "NoteReference1": "INS", "NoteReference2": "COI-DDDD", "LastUpdate": "2026-01-01T00:00:04.000"},
            ]
        }
    )  # fmt: skip
    connector = make()
    leases, quarantined, _ = read_stream(connector, "leases")
    assert not quarantined
    (lease,) = [connector.mapping.forward("lease", r.raw).values for r in leases]
    assert lease["reconcile_flags"] == FLAGS and lease["compliance_status"] == "expired"
