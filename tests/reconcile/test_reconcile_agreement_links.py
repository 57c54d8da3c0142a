"""Agreement identity: leases of linked parties at linked properties, drift between their systems."""

from __future__ import annotations

from datetime import date
from typing import Any

from test_reconcile_identity import _party, _ref
from test_reconcile_property_links import MRI_BUILDING, VTS_ASSET, _lease, _property

from coisync.connector import PlatformRecord
from coisync.mapping.loader import load_mapping
from coisync.model import ExternalRef, Waiver
from coisync.reconcile import links
from coisync.reconcile.compare import compare, load_holdings
from coisync.reconcile.identity import resolve_identities
from coisync.reconcile.matching import agreement_score
from coisync.store import Store
from coisync.sync.assemble import Assembler

AS_OF = date(2026, 12, 4)


def _seen(ref: ExternalRef, **seen: str) -> ExternalRef:
    return ref.model_copy(update={"last_known": {"read": {}, "written": {}, "seen": seen}})


def _seed(store: Store, vts_start: str = "2024-01-01", mri_status: str = "active") -> None:
    """One tenant (one tax id) with one lease in one building, each held by MRI and by VTS."""
    store.upsert(
        "property",
        [
            _property(MRI_BUILDING, "Harbor Point", "100 North Main Street, Boston, MA 02110"),
            _property(VTS_ASSET, "Harbor Point", "100 N Main St, Boston, MA 02110"),
        ],
    )
    store.upsert(
        "party",
        [
            _party("mri:occupant:1", "Cedar Office LLC", "12-3456789", kind="tenant"),
            _party("vts:tenant:70001", "Cedar Office, L.L.C.", "123456789", kind="tenant"),
        ],
    )
    store.upsert(
        "agreement",
        [
            _lease("mri:lease:BLD001-L1", "mri:occupant:1", MRI_BUILDING, status=mri_status),
            _lease("vts:lease:30001", "vts:tenant:70001", VTS_ASSET, start=vts_start),
        ],
    )
    waiver = {
        "id": "w1",
        "party_id": "vts:tenant:70001",
        "agreement_id": "vts:lease:30001",
        "scope": {"finding_codes": ["coverage_missing"], "coverage_type": "auto_liability"},
        "approver": "lease admin",
        "reason": "no vehicles",
        "granted_on": "2026-01-05",
    }
    store.upsert("waiver", [Waiver.model_validate(waiver, strict=False)])
    store.upsert_refs(
        [
            _ref("mri", "building", "BLD001", "property", MRI_BUILDING),
            _ref("vts", "asset", "90001", "property", VTS_ASSET),
            _ref("mri", "occupant", "1", "party", "mri:occupant:1"),
            _ref("vts", "tenant", "70001", "party", "vts:tenant:70001"),
            _ref("mri", "lease", "BLD001/L1", "agreement", "mri:lease:BLD001-L1"),
            _ref("vts", "lease", "30001", "agreement", "vts:lease:30001"),
        ]
    )


def test_agreement_score_needs_one_party_property_and_kind_and_close_dates() -> None:
    base = _lease("a:1", "p", "x")
    assert agreement_score(base, _lease("b:1", "p", "x")) == (100.0, "dates")
    near = agreement_score(base, _lease("b:1", "p", "x", start="2024-01-21"))
    assert near is not None and 90 < near[0] < 100
    assert agreement_score(base, _lease("b:1", "p", "x", start="2024-06-01")) is None
    assert agreement_score(base, _lease("b:1", "q", "x")) is None
    assert agreement_score(base, _lease("b:1", "p", "y")) is None


def test_parties_properties_then_agreements_link_in_one_run_and_undo(store: Store) -> None:
    _seed(store)
    result = resolve_identities(store, 95.0)
    assert [(c.kind, c.left_id, c.right_id) for c in result.linked] == [
        ("party", "mri:occupant:1", "vts:tenant:70001"),
        ("property", MRI_BUILDING, VTS_ASSET),
        ("agreement", "mri:lease:BLD001-L1", "vts:lease:30001"),
    ]
    assert store.get_agreement("vts:lease:30001") is None
    refs = store.refs_for_entity("agreement", "mri:lease:BLD001-L1")
    assert {r.connection for r in refs} == {"mri", "vts"}
    # each system's own statement of the agreement is kept on its ref
    assert {r.connection: r.last_known["seen"]["start_date"] for r in refs} == {
        "mri": "2024-01-01",
        "vts": "2024-01-01",
    }
    waiver = store.get_waiver("w1")
    assert waiver is not None and waiver.agreement_id == "mri:lease:BLD001-L1"
    assert waiver.party_id == "mri:occupant:1"
    assert resolve_identities(store, 95.0).linked == []

    change = next(e for e in store.audit.entries() if e.payload.get("kind") == "agreement")
    links.undo(store, change.payload["change_id"], "tester")
    restored = store.get_agreement("vts:lease:30001")
    waiver = store.get_waiver("w1")
    assert restored is not None and restored.property_id == MRI_BUILDING  # the property link stays
    assert waiver is not None and waiver.agreement_id == "vts:lease:30001"
    assert {r.connection for r in store.refs_for_entity("agreement", "vts:lease:30001")} == {"vts"}


def test_dates_apart_go_to_review(store: Store) -> None:
    _seed(store, vts_start="2024-02-20")
    result = resolve_identities(store, 95.0)
    assert [c.kind for c in result.linked] == ["party", "property"]
    ((kind, score, basis),) = [(c.kind, c.score, c.basis) for c in result.review]
    assert (kind, basis) == ("agreement", "dates") and 80 < score < 95
    assert store.get_agreement("vts:lease:30001") is not None


def test_drift_of_a_linked_agreement_is_flagged_in_both_systems(store: Store) -> None:
    _seed(store, mri_status="terminated")
    assert resolve_identities(store, 95.0).review == []
    flags = [f for f in compare(load_holdings(store), AS_OF, 90) if f.kind == "agreement_drift"]
    assert {(f.connection, f.record) for f in flags} == {
        ("mri", ("mri", "occupant", "1")),
        ("vts", ("vts", "tenant", "70001")),
    }
    assert dict(flags[0].values) == {"mri": "ended", "vts": "active"}
    assert "mri:lease:BLD001-L1" in flags[0].detail

    # VTS now says the lease ended too (a pull keeps each system's statement on its ref)
    store.upsert_refs([_seen(_ref("vts", "lease", "30001", "agreement", "mri:lease:BLD001-L1"),
                             status="terminated", start_date="2024-01-01")])  # fmt: skip
    assert not [f for f in compare(load_holdings(store), AS_OF, 90) if f.kind == "agreement_drift"]


def test_other_agreements_of_a_party_are_not_drift(store: Store) -> None:
    """An ended lease elsewhere in one system and an active one in another are two agreements."""
    _seed(store)
    store.upsert("agreement", [_lease("mri:lease:BLD009-L4", "mri:occupant:1", "mri:building:BLD009",
                                      status="terminated")])  # fmt: skip
    store.upsert_refs([_ref("mri", "lease", "BLD009/L4", "agreement", "mri:lease:BLD009-L4")])
    resolve_identities(store, 95.0)
    assert not [f for f in compare(load_holdings(store), AS_OF, 90) if f.kind == "agreement_drift"]


def test_a_pulled_lease_keeps_its_own_status_and_dates_on_its_ref() -> None:
    raw: dict[str, Any] = {
        "coisync_key": "BLD001/L1",
        "BuildingID": "BLD001",
        "MasterOccupantID": "1",
        "RentStartDate": "2024-01-01T00:00:00",
        "ExpirationDate": "2034-01-01T00:00:00",
        "OccupancyStatus": "V",
    }
    record = PlatformRecord(stream="leases", platform_type="lease", platform_id="BLD001/L1", raw=raw)
    out = Assembler("mri", {"party_ref": "occupant", "property_ref": "building"}).assemble(
        [record], load_mapping("mri").record("lease"), "agreement", {}, {}
    )
    assert not out.quarantined
    (ref,) = out.refs
    assert ref.last_known["seen"] == {
        "status": "terminated",
        "start_date": "2024-01-01",
        "end_date": "2034-01-01",
    }
