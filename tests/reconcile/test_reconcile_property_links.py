"""Property identity: addresses compared, links that re-point agreements and parties, review, undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_reconcile_identity import _party, _ref

from coisync.model import Agreement, Property
from coisync.reconcile import links
from coisync.reconcile.address import Address, parse_address
from coisync.reconcile.identity import resolve_identities
from coisync.reconcile.matching import property_score
from coisync.reconcile.tables import LINKED, REJECTED, REVIEW, identity_candidates
from coisync.store import Store, open_store
from coisync.store.review import party_changes

MRI_BUILDING = "mri:building:BLD001"
VTS_ASSET = "vts:asset:90001"


def _property(pid: str, name: str, address: str | None) -> Property:
    return Property.model_validate({"id": pid, "name": name, "address": address, "owner_entity": name})


def _lease(aid: str, party_id: str, property_id: str, start: str = "2024-01-01", **more: str) -> Agreement:
    data = {"id": aid, "kind": "lease", "party_id": party_id, "property_id": property_id, "start_date": start}
    return Agreement.model_validate({"end_date": "2034-01-01", **data, **more}, strict=False)


def _seed(store: Store, vts_address: str | None = "100 N. Main St., Suite 400, Boston MA 02110") -> None:
    """One building in MRI and VTS (one address, spelled two ways), a tenant of it in VTS only."""
    store.upsert(
        "property",
        [
            _property(MRI_BUILDING, "Harbor Point", "100 North Main Street, Boston, MA 02110"),
            _property(VTS_ASSET, "Harbor Point", vts_address),
            _property("vts:asset:90002", "Commerce Plaza", "250 State Street, Chicago, IL 60604"),
        ],
    )
    tenant = _party("vts:tenant:70001", "Cedar Office LLC", kind="tenant")
    store.upsert("party", [tenant.model_copy(update={"property_ids": (VTS_ASSET, "vts:asset:90002")})])
    store.upsert("agreement", [_lease("vts:lease:30001", "vts:tenant:70001", VTS_ASSET)])
    store.upsert_refs(
        [
            _ref("mri", "building", "BLD001", "property", MRI_BUILDING),
            _ref("vts", "asset", "90001", "property", VTS_ASSET),
            _ref("vts", "asset", "90002", "property", "vts:asset:90002"),
            _ref("vts", "tenant", "70001", "party", "vts:tenant:70001"),
            _ref("vts", "lease", "30001", "agreement", "vts:lease:30001"),
        ]
    )


def _pairs(store: Store) -> dict[tuple[str, str, str], str]:
    t = identity_candidates
    with store.transaction() as conn:
        rows = conn.execute(sa.select(t.c.kind, t.c.left_id, t.c.right_id, t.c.state))
        return {(r.kind, r.left_id, r.right_id): r.state for r in rows}


def test_addresses_normalise_street_words_units_and_postal_codes() -> None:
    one = parse_address("100 North Main Street, Suite 200, Boston, MA 02110-1234")
    other = parse_address("100 N. Main St. #5, Boston MA 02110")
    assert one == other == Address("100", "n main st", "boston", "ma", "02110")
    assert parse_address("Harbor Point").has_street is False
    assert parse_address(None) == Address("", "", "", "", "")


def test_property_scores_by_address_then_name() -> None:
    mri = _property("a:1", "Harbor Point", "100 North Main Street, Boston, MA 02110")
    same = property_score(mri, _property("b:1", "Harbor Point Tower", "100 N Main St, Boston, MA"))
    assert same is not None and same[1] == "address" and same[0] >= 90
    # another street number, city or postal code is another building, whatever the name
    for elsewhere in (
        "102 N Main St, Boston, MA",
        "100 N Main St, Denver, CO",
        "100 Main St, Boston, MA 02111",
    ):
        assert property_score(mri, _property("b:1", "Harbor Point", elsewhere)) is None
    # without an address to compare the name alone never scores above 90 (a person decides)
    assert property_score(mri, _property("b:1", "Harbor Point", None)) == (90.0, "name")
    assert property_score(mri, _property("b:1", "Gateway Plaza", None)) is None


def test_auto_link_by_address_repoints_agreements_and_parties_and_undo_restores(store: Store) -> None:
    _seed(store)
    result = resolve_identities(store, 95.0)
    assert [(c.kind, c.left_id, c.right_id, c.basis) for c in result.linked] == [
        ("property", MRI_BUILDING, VTS_ASSET, "address")
    ]
    assert result.review == []
    # one property, held by both systems; what named the VTS asset names the MRI building
    assert store.get_property(VTS_ASSET) is None
    assert {r.connection for r in store.refs_for_entity("property", MRI_BUILDING)} == {"mri", "vts"}
    agreement = store.get_agreement("vts:lease:30001")
    tenant = store.get_party("vts:tenant:70001")
    assert agreement is not None and agreement.property_id == MRI_BUILDING
    assert tenant is not None and tenant.property_ids == (MRI_BUILDING, "vts:asset:90002")
    assert [a.id for a in store.iter_agreements() if a.property_id == MRI_BUILDING] == ["vts:lease:30001"]
    with store.transaction() as conn:
        marked = {row.party_id for row in conn.execute(sa.select(party_changes.c.party_id))}
        change_id = conn.execute(
            sa.select(identity_candidates.c.change_id).where(identity_candidates.c.kind == "property")
        ).scalar_one()
    assert marked == {"vts:tenant:70001"}
    entry = next(e for e in store.audit.entries() if e.action == "identity.link")
    assert entry.payload["kind"] == "property" and entry.payload["records_moved"] == 2

    links.undo(store, change_id, "tester")
    restored = store.get_property(VTS_ASSET)
    agreement = store.get_agreement("vts:lease:30001")
    tenant = store.get_party("vts:tenant:70001")
    assert restored is not None and restored.address == "100 N. Main St., Suite 400, Boston MA 02110"
    assert agreement is not None and agreement.property_id == VTS_ASSET
    assert tenant is not None and tenant.property_ids == (VTS_ASSET, "vts:asset:90002")
    assert {r.connection for r in store.refs_for_entity("property", VTS_ASSET)} == {"vts"}
    assert "identity.undo" in [e.action for e in store.audit.entries()]


def test_undo_of_a_property_link_keeps_a_party_that_named_both(store: Store) -> None:
    _seed(store)
    tenant = store.get_party("vts:tenant:70001")
    assert tenant is not None
    store.upsert("party", [tenant.model_copy(update={"property_ids": (MRI_BUILDING, VTS_ASSET)})])
    change = links.link(store, "property", VTS_ASSET, MRI_BUILDING, "tester")
    linked = store.get_party("vts:tenant:70001")
    assert linked is not None and linked.property_ids == (MRI_BUILDING,)
    links.undo(store, change.change_id, "tester")
    back = store.get_party("vts:tenant:70001")
    assert back is not None and back.property_ids == (MRI_BUILDING, VTS_ASSET)


def test_name_only_match_goes_to_review_and_reruns_change_nothing(store: Store) -> None:
    _seed(store, vts_address=None)
    first = resolve_identities(store, 95.0)
    assert first.linked == []
    assert [(c.kind, c.left_id, c.right_id, c.score, c.basis) for c in first.review] == [
        ("property", MRI_BUILDING, VTS_ASSET, 90.0, "name")
    ]
    assert _pairs(store) == {("property", MRI_BUILDING, VTS_ASSET): REVIEW}
    before = (store.counts(), len(list(store.audit.entries())))
    second = resolve_identities(store, 95.0)
    assert second.linked == [] and [c.right_id for c in second.review] == [VTS_ASSET]
    assert (store.counts(), len(list(store.audit.entries()))) == before
    # a lower threshold links the reviewed pair; the run after that finds nothing left to do
    assert [c.right_id for c in resolve_identities(store, 90.0).linked] == [VTS_ASSET]
    again = resolve_identities(store, 90.0)
    assert again.linked == [] and again.review == []
    assert _pairs(store) == {("property", MRI_BUILDING, VTS_ASSET): LINKED}


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from coisync.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def test_manual_property_link_unlink_and_undo_persist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'coisync.db'}"
    store = open_store(url)
    _seed(store, vts_address=None)
    resolve_identities(store, 95.0)
    store.close()
    db = ["--db", url]
    code, out = _cli(capsys, *db, "links", "list", "--kind", "property", "--json")
    (pair,) = json.loads(out)
    assert code == 0 and (pair["kind"], pair["state"], pair["basis"]) == ("property", REVIEW, "name")
    assert json.loads(_cli(capsys, *db, "links", "list", "--kind", "agreement", "--json")[1]) == []

    code, out = _cli(capsys, *db, "links", "link", MRI_BUILDING, VTS_ASSET, "--reason", "one building")
    assert code == 0 and f"linked {VTS_ASSET} into {MRI_BUILDING}" in out
    store = open_store(url)
    agreement = store.get_agreement("vts:lease:30001")
    assert agreement is not None and agreement.property_id == MRI_BUILDING
    link_entry = [e for e in store.audit.entries() if e.action == "identity.link"][-1]
    assert link_entry.actor == "cli" and link_entry.payload["reason"] == "one building"
    store.close()
    (pair,) = json.loads(_cli(capsys, *db, "links", "list", "--all", "--json")[1])
    assert (pair["kind"], pair["state"], pair["basis"]) == ("property", LINKED, "manual")

    code, out = _cli(capsys, *db, "links", "unlink", str(pair["change_id"]))
    assert code == 0
    store = open_store(url)
    agreement = store.get_agreement("vts:lease:30001")
    assert agreement is not None and agreement.property_id == VTS_ASSET
    # the rejection persists: reconcile's identity step never links the pair again
    assert resolve_identities(store, 0.0).linked == []
    assert _pairs(store) == {("property", MRI_BUILDING, VTS_ASSET): REJECTED}
    store.close()

    # link again by hand, then undo (not unlink): the pair goes back to the review list
    _cli(capsys, *db, "links", "link", MRI_BUILDING, VTS_ASSET)
    (pair,) = json.loads(_cli(capsys, *db, "links", "list", "--all", "--json")[1])
    code, _ = _cli(capsys, *db, "links", "undo", str(pair["change_id"]))
    assert code == 0
    (pair,) = json.loads(_cli(capsys, *db, "links", "list", "--json")[1])
    assert pair["state"] == REVIEW and pair["kind"] == "property"
    code, out = _cli(capsys, *db, "links", "link", MRI_BUILDING, "vts:tenant:70001")
    assert code == 2 and "different kinds" in out
    code, out = _cli(capsys, *db, "links", "reject", MRI_BUILDING, "nowhere:1")
    assert code == 2 and "no party, property or agreement 'nowhere:1'" in out
