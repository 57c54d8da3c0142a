"""Upserts with content-hash change detection, versioning, and loading models back."""

from __future__ import annotations

from datetime import date

import pytest

from coisync.model import (
    Agreement,
    AgreementKind,
    Certificate,
    Party,
    PartyKind,
    Property,
    PropertyEvidence,
    Waiver,
)
from coisync.store import Store, open_store


def party(pid: str, kind: PartyKind = PartyKind.VENDOR, name: str | None = None) -> Party:
    return Party(id=pid, kind=kind, legal_name=name or f"{pid} LLC", tax_id="12-3456789")


def certificate(cid: str, party_id: str | None, each_occurrence: int = 1_000_000) -> Certificate:
    return Certificate.model_validate_json(
        f"""{{"id": "{cid}", "party_id": {f'"{party_id}"' if party_id else "null"},
        "insured": {{"name": "Insured of {cid}"}},
        "insurers": [{{"letter": "A", "name": "Carrier Mutual", "naic": "12345"}}],
        "lines": [{{"coverage_type": "general_liability", "insurer_letter": "A",
                    "effective_date": "2026-01-01", "expiration_date": "2027-01-01",
                    "limits": {{"each_occurrence": "{each_occurrence}", "general_aggregate": "2000000"}}}}]}}"""
    )


def evidence(eid: str, party_id: str) -> PropertyEvidence:
    return PropertyEvidence.model_validate_json(
        f'{{"id": "{eid}", "party_id": "{party_id}", "insurer_name": "Property Co", "insured": {{"name": "X"}}}}'
    )


def agreement(aid: str, party_id: str, property_id: str) -> Agreement:
    return Agreement(id=aid, kind=AgreementKind.LEASE, party_id=party_id, property_id=property_id)


def waiver(wid: str, party_id: str) -> Waiver:
    return Waiver.model_validate_json(
        f'{{"id": "{wid}", "party_id": "{party_id}", "scope": {{"finding_codes": ["limit.short"]}},'
        f' "approver": "Risk Manager", "reason": "Approved", "granted_on": "2026-01-01"}}'
    )


def test_upsert_counts_inserted_updated_unchanged(store: Store) -> None:
    first = store.upsert("party", [party("p1"), party("p2")])
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    again = store.upsert("party", [party("p1"), party("p2")])
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    changed = store.upsert("party", [party("p1", name="Renamed LLC"), party("p2"), party("p3")])
    assert (changed.inserted, changed.updated, changed.unchanged) == (1, 1, 1)
    loaded = store.get_party("p1")
    assert loaded is not None and loaded.legal_name == "Renamed LLC"
    assert loaded.tax_id == "12-3456789", "the canonical body keeps the full tax id"


def test_repeated_id_in_one_batch_keeps_the_last(store: Store) -> None:
    counts = store.upsert("party", [party("p1", name="First"), party("p1", name="Second")])
    assert counts.inserted == 1
    assert store.get_party("p1") == party("p1", name="Second")


def test_every_record_type_round_trips(store: Store) -> None:
    prop = Property(id="bldg-1", name="One Main", owner_entity="One Main Owner LLC")
    records = {
        "party": party("p1"),
        "property": prop,
        "agreement": agreement("a1", "p1", "bldg-1"),
        "certificate": certificate("c1", "p1"),
        "evidence": evidence("e1", "p1"),
        "waiver": waiver("w1", "p1"),
    }
    for record_type, model in records.items():
        assert store.upsert(record_type, [model]).inserted == 1
    assert store.get_party("p1") == records["party"]
    assert store.get_property("bldg-1") == prop
    assert store.get_agreement("a1") == records["agreement"]
    assert store.get_certificate("c1") == records["certificate"]
    assert store.get_evidence("e1") == records["evidence"]
    assert store.get_waiver("w1") == records["waiver"]
    assert store.counts() == dict.fromkeys(records, 1)


def test_wrong_model_for_record_type_is_refused(store: Store) -> None:
    with pytest.raises(TypeError):
        store.upsert("certificate", [party("p1")])


def test_changed_certificate_becomes_a_new_version_and_history_is_kept(store: Store) -> None:
    assert store.upsert("certificate", [certificate("c1", "p1")]).inserted == 1
    assert store.upsert("certificate", [certificate("c1", "p1")]).unchanged == 1
    assert store.upsert("certificate", [certificate("c1", "p1", each_occurrence=2_000_000)]).updated == 1
    history = store.certificate_history("c1")
    assert [v.version for v in history] == [1, 2]
    assert history[0].record == certificate("c1", "p1")
    assert history[1].record == certificate("c1", "p1", each_occurrence=2_000_000)
    assert store.get_certificate("c1") == history[1].record
    assert store.get_certificate("c1", version=1) == history[0].record
    assert store.certificates_for_party("p1") == [history[1].record]
    assert len(store.certificates_for_party("p1", latest_only=False)) == 2
    assert store.counts()["certificate"] == 2


def test_certificate_moving_to_another_party_follows_the_latest_version(store: Store) -> None:
    store.upsert("certificate", [certificate("c1", None)])
    assert store.certificates_for_party("p1") == []
    store.upsert("certificate", [certificate("c1", "p1")])
    assert [c.id for c in store.certificates_for_party("p1")] == ["c1"]
    assert store.evidence_history("nope") == []


def test_lists_per_party_and_kind(store: Store) -> None:
    store.upsert("party", [party("t1", PartyKind.TENANT), party("v1"), party("v2")])
    store.upsert(
        "agreement", [agreement("a2", "v1", "b1"), agreement("a1", "v1", "b1"), agreement("a3", "v2", "b1")]
    )
    store.upsert("waiver", [waiver("w1", "v1")])
    assert [p.id for p in store.iter_parties()] == ["t1", "v1", "v2"]
    assert [p.id for p in store.iter_parties(kind="vendor")] == ["v1", "v2"]
    assert [p.id for p in store.iter_parties(chunk_size=2)] == ["t1", "v1", "v2"]
    assert [a.id for a in store.agreements_for_party("v1")] == ["a1", "a2"]
    assert [w.id for w in store.waivers_for_party("v1")] == ["w1"]
    assert store.waivers_for_party("v1", active_on=date(2025, 12, 31)) == []
    assert [a.id for a in store.iter_agreements()] == ["a1", "a2", "a3"]


def test_revoked_waiver_is_kept_inactive_and_audited(store: Store) -> None:
    store.upsert("waiver", [waiver("w1", "p1")])
    revoked = store.revoke_waiver("w1", actor="alice")
    assert revoked.revoked_at is not None
    assert store.waivers_for_party("p1", active_on=date(2026, 6, 1)) == []
    assert len(store.waivers_for_party("p1")) == 1
    assert [e.action for e in store.audit.entries()] == ["waiver.revoke"]


def test_party_bundles_stream_everything_without_mixing_parties(store: Store) -> None:
    parties = [party(f"p{i:03d}") for i in range(25)]
    store.upsert("party", parties)
    store.upsert("agreement", [agreement(f"a{i:03d}", f"p{i:03d}", "b1") for i in range(25)])
    store.upsert("certificate", [certificate(f"c{i:03d}", f"p{i:03d}") for i in range(0, 25, 2)])
    store.upsert("certificate", [certificate("c000", "p000", each_occurrence=5)])
    store.upsert("evidence", [evidence("e1", "p003")])
    store.upsert("waiver", [waiver("w1", "p004")])
    bundles = list(store.iter_party_bundles(chunk_size=4))
    assert [b.party.id for b in bundles] == [p.id for p in parties]
    by_id = {b.party.id: b for b in bundles}
    assert by_id["p000"].certificates == (certificate("c000", "p000", each_occurrence=5),)
    assert by_id["p001"].certificates == ()
    assert [a.id for a in by_id["p007"].agreements] == ["a007"]
    assert [e.id for e in by_id["p003"].evidence] == ["e1"]
    assert [w.id for w in by_id["p004"].waivers] == ["w1"]
    assert list(store.iter_party_bundles(kind="tenant")) == []


def test_reopening_keeps_data_and_revision(store_url: str) -> None:
    first = open_store(store_url)
    first.upsert("party", [party("p1")])
    revision = first.revision()
    first.close()
    second = open_store(store_url)
    try:
        assert second.revision() == revision
        assert second.get_party("p1") == party("p1")
    finally:
        second.close()
