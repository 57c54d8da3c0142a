"""Flags for note-holding systems: an agreement's record (MRI's lease) gets every flag of its party
in that system, and the shared flag-note text reads back exactly what was planned."""

from __future__ import annotations

import pytest

from coisync.connector.flagnote import flag_note_text, flags_of_note, is_flag_note
from coisync.model import Agreement, ExternalRef
from coisync.reconcile.compare import Flag
from coisync.reconcile.flags import TARGET, desired_index, flag_text, load_settings
from coisync.store import Store


def _flag(kind: str, party: str, record: tuple[str, str, str], detail: str) -> Flag:
    return Flag(party, "Acme Retail Inc.", record[0], record, ("party", party), kind, None, detail)


def _ref(connection: str, platform_type: str, platform_id: str, kind: str, entity_id: str) -> ExternalRef:
    return ExternalRef.model_validate(
        {
            "connection": connection,
            "platform_type": platform_type,
            "platform_id": platform_id,
            "entity_kind": kind,
            "entity_id": entity_id,
        },
        strict=False,
    )


def test_an_agreement_record_gets_every_flag_of_its_party_in_that_system(store: Store) -> None:
    store.upsert(
        "agreement",
        [
            Agreement.model_validate(
                {"id": f"mri:lease:{n}", "kind": "lease", "party_id": party, "property_id": "b1"},
                strict=False,
            )
            for n, party in ((1, "p:acme"), (2, "p:acme"), (3, "p:other"))
        ],
    )
    flags = [
        _flag("expired", "p:acme", ("mri", "insurance", "B1/L1/7"), "gl expired 2026-11-30 in mri"),
        _flag("certificate_missing", "p:acme", ("mri", "occupant", "0001"), "no certificate in any system"),
        _flag("expired", "p:acme", ("vts", "tenant", "7"), "gl expired 2026-11-30 in vts"),
    ]
    refs = [
        _ref("mri", "lease", "B1/L1", "agreement", "mri:lease:1"),
        _ref("mri", "lease", "B2/L9", "agreement", "mri:lease:2"),
        _ref("mri", "lease", "B1/L3", "agreement", "mri:lease:3"),
        _ref("vts", "tenant", "7", "party", "p:acme"),
    ]
    with store.transaction() as conn:
        values = desired_index(flags, load_settings({}))(conn, refs)
    mri_flags = flag_text(flags[:2])
    assert values[("agreement", "mri:lease:1")][TARGET] == mri_flags
    assert values[("agreement", "mri:lease:2")][TARGET] == mri_flags, "each lease of the occupant"
    assert values[("agreement", "mri:lease:3")][TARGET] == "", "another occupant's lease is cleared"
    assert values[("party", "p:acme")][TARGET] == flag_text(flags[2:]), "only that system's flags"
    per_connection = load_settings({"reconcile": {"connections": {"mri": {"flags": ["expired"]}}}})
    with store.transaction() as conn:
        chosen = desired_index(flags, per_connection)(conn, refs[:1])
    assert chosen[("agreement", "mri:lease:1")][TARGET] == flag_text(flags[:1])


@pytest.mark.parametrize(
    "flags",
    [
        "[coisync reconcile] expired: gl expired 2026-11-30 in mri",
        "[coisync reconcile] a: one\n[coisync reconcile] b: two (current: x from vts)",
        "",
        None,
    ],
)
def test_a_flag_note_reads_back_as_the_flags_it_was_written_from(flags: str | None) -> None:
    text = flag_note_text(flags)
    assert is_flag_note(text)
    assert flags_of_note(text) == (flags or None)
    assert flags_of_note(text.replace("\n", "\r\n")) == (flags or None)


def test_the_header_counts_the_flags_and_other_notes_are_not_flag_notes() -> None:
    assert flag_note_text("a\nb\n").splitlines()[0] == "coisync reconcile: 2 open flags"
    assert flag_note_text("a") == "coisync reconcile: 1 open flag\na"
    assert flag_note_text(None) == "coisync reconcile: no open flags"
    for other in ("Insurance compliance: Expired.", "Called the tenant about coisync reconcile:", "", None):
        assert not is_flag_note(other) and flags_of_note(other) is None
