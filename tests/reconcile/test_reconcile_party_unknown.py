"""``party_unknown``: a party under requirements at a property several systems hold, unknown to
one of them that holds parties of its kind; flagged in the systems that know it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_reconcile_identity import _party, _ref
from test_reconcile_property_links import _lease, _property

from coisync.mapping.loader import load_mapping
from coisync.portfolio import PortfolioSettings
from coisync.reconcile.compare import Flag, compare, load_holdings
from coisync.reconcile.flags import KINDS, flag_text, load_settings
from coisync.reconcile.presence import EVERY_KIND, party_kinds
from coisync.reconcile.report import flags_csv, rows
from coisync.reconcile.run import run_reconcile
from coisync.store import Store

AS_OF = date(2026, 12, 4)
BUILDING = "mri:building:BLD001"
CARRIES = {name: party_kinds(load_mapping(name)) for name in ("procore", "yardi", "mri", "vts")}


def _seed(store: Store, *holders: str, lease_end: str = "2034-01-01") -> None:
    """One building held by ``holders``; tenant 1 known to MRI only, tenant 2 to MRI and VTS,
    each with a lease there (tenant 1's ending ``lease_end``)."""
    store.upsert("property", [_property(BUILDING, "Harbor Point", "100 North Main Street, Boston, MA 02110")])
    store.upsert(
        "party",
        [
            _party("mri:occupant:1", "Cedar Office LLC", kind="tenant"),
            _party("mri:occupant:2", "Summit Retail Inc.", kind="tenant"),
        ],
    )
    store.upsert(
        "agreement",
        [
            _lease("mri:lease:1", "mri:occupant:1", BUILDING, end_date=lease_end),
            _lease("mri:lease:2", "mri:occupant:2", BUILDING),
        ],
    )
    store.upsert_refs(
        [
            *(_ref(c, "property", f"{c}-1", "property", BUILDING) for c in holders),
            _ref("mri", "occupant", "1", "party", "mri:occupant:1"),
            _ref("mri", "occupant", "2", "party", "mri:occupant:2"),
            _ref("vts", "tenant", "70002", "party", "mri:occupant:2"),
            _ref("mri", "lease", "BLD001/L1", "agreement", "mri:lease:1"),
            _ref("mri", "lease", "BLD001/L2", "agreement", "mri:lease:2"),
            _ref("vts", "lease", "30002", "agreement", "mri:lease:2"),
        ]
    )


def _unknown(flags: list[Flag]) -> list[Flag]:
    return [f for f in flags if f.kind == "party_unknown"]


def test_shipped_mappings_say_which_party_kinds_each_platform_holds() -> None:
    expected = {
        "procore": frozenset({"vendor"}),
        "yardi": frozenset({"vendor", "tenant"}),
        "mri": frozenset({"tenant"}),
        "vts": frozenset({"tenant"}),
    }
    assert expected == CARRIES
    assert "party_unknown" in KINDS and load_settings({"reconcile": {"flags": ["party_unknown"]}})


def test_a_kind_read_freely_from_the_platform_may_be_any_kind() -> None:
    mapping = load_mapping(
        "vts", {"records": {"tenant": {"fields": [{"target": "kind", "source": "attributes.kind"}]}}}
    )
    assert party_kinds(mapping) == EVERY_KIND


def test_a_tenant_unknown_to_vts_at_a_building_vts_holds_is_flagged_in_mri_only(store: Store) -> None:
    _seed(store, "mri", "vts")
    (flag,) = _unknown(compare(load_holdings(store, CARRIES), AS_OF, 30))
    assert (flag.party_id, flag.connection, flag.record) == (
        "mri:occupant:1",
        "mri",
        ("mri", "occupant", "1"),
    )
    assert flag.values == {"mri": "known", "vts": "unknown"}
    assert flag.evidence == {
        "absences": [
            {
                "property_id": BUILDING,
                "property_name": "Harbor Point",
                "agreements": ["mri:lease:1"],
                "known_in": ["mri"],
                "unknown_in": ["vts"],
            }
        ]
    }
    assert "Harbor Point (mri:building:BLD001) known in mri but unknown in vts" in flag.detail
    assert "agreement mri:lease:1 in force" in flag.detail
    # the report lists it with its evidence: terminal/CSV rows, JSON
    assert flag.as_dict()["evidence"] == flag.evidence
    assert flag_text([flag]).startswith("[coisync reconcile] party_unknown: tenant at Harbor Point")


def test_nothing_without_a_second_holder_or_kind_knowledge(store: Store) -> None:
    _seed(store, "mri")  # VTS does not hold the building
    assert _unknown(compare(load_holdings(store, CARRIES), AS_OF, 30)) == []
    _seed(store, "mri", "vts")
    # without knowing which kinds a connection holds, none is said to lack a party
    assert _unknown(compare(load_holdings(store), AS_OF, 30)) == []


def test_a_tenant_is_not_lacking_in_a_system_that_holds_vendors_only(store: Store) -> None:
    _seed(store, "mri", "vts", "procore")  # Procore holds the building too, but only vendors
    (flag,) = _unknown(compare(load_holdings(store, CARRIES), AS_OF, 30))
    assert flag.values == {"mri": "known", "vts": "unknown"}


def test_a_vendor_is_not_lacking_in_a_system_that_holds_tenants_only(store: Store) -> None:
    store.upsert("property", [_property(BUILDING, "Harbor Point", None)])
    store.upsert("party", [_party("yardi:vendor:v1", "Keystone HVAC LLC", kind="vendor")])
    store.upsert(
        "agreement", [_lease("yardi:contract:1", "yardi:vendor:v1", BUILDING, kind="service_contract")]
    )
    store.upsert_refs(
        [
            _ref("yardi", "property", "p1", "property", BUILDING),
            _ref("vts", "asset", "90001", "property", BUILDING),
            _ref("yardi", "vendor", "v1", "party", "yardi:vendor:v1"),
            _ref("yardi", "contract", "c1", "agreement", "yardi:contract:1"),
        ]
    )
    assert _unknown(compare(load_holdings(store, CARRIES), AS_OF, 30)) == []  # VTS holds no vendors
    # a system holding the building and vendors (a Procore project mapped to it) does lack it
    store.upsert_refs([_ref("procore", "project", "3001", "property", BUILDING)])
    (flag,) = _unknown(compare(load_holdings(store, CARRIES), AS_OF, 30))
    assert (flag.connection, flag.values) == ("yardi", {"procore": "unknown", "yardi": "known"})
    assert "vendor at Harbor Point" in flag.detail and "agreement yardi:contract:1 in force" in flag.detail


def test_known_everywhere_or_not_under_requirements_gives_nothing(store: Store) -> None:
    _seed(store, "mri", "vts", lease_end="2026-06-30")  # tenant 1's lease ended
    held = load_holdings(store, CARRIES)
    assert _unknown(compare(held, AS_OF, 30)) == []
    store.upsert_refs([_ref("vts", "tenant", "70001", "party", "mri:occupant:1")])
    _seed(store, "mri", "vts")  # in force again, but VTS knows tenant 1 now
    assert _unknown(compare(load_holdings(store, CARRIES), AS_OF, 30)) == []


def test_without_agreements_the_verdict_decides(store: Store) -> None:
    store.upsert("property", [_property(BUILDING, "Harbor Point", None)])
    vendor = _party("yardi:vendor:v1", "Keystone HVAC LLC", kind="vendor")
    store.upsert("party", [vendor.model_copy(update={"property_ids": (BUILDING,)})])
    store.upsert_refs(
        [
            _ref("yardi", "property", "p1", "property", BUILDING),
            _ref("procore", "project", "3001", "property", BUILDING),
            _ref("yardi", "vendor", "v1", "party", "yardi:vendor:v1"),
        ]
    )
    held = load_holdings(store, CARRIES)
    assert _unknown(compare(held, AS_OF, 30)) == []  # no verdict: nothing says requirements apply
    held.statuses["yardi:vendor:v1"] = "not_required"
    assert _unknown(compare(held, AS_OF, 30)) == []
    held.statuses["yardi:vendor:v1"] = "compliant"
    (flag,) = _unknown(compare(held, AS_OF, 30))
    assert flag.connection == "yardi" and "requirements apply" in flag.detail
    assert flag.evidence["absences"][0]["agreements"] == []


def _config(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "secret").write_text("not-a-real-secret")
    credentials = {
        "username": {"$file": str(tmp_path / "secret")},
        "password": {"$file": str(tmp_path / "secret")},
    }
    common = {"base_url": "https://example.invalid", "credentials": credentials}
    return {
        "connections": {
            "mri": {"connector": "mri", "writes": True, **common},
            "vts": {"connector": "vts", "writes": True, "insurance_certificates": "off", **common},
        }
    }


def test_a_read_only_system_still_lacks_and_knows_but_takes_no_flag(store: Store, tmp_path: Path) -> None:
    """VTS without the certificate resource is read-only: it still counts as lacking tenant 1
    (it was read), a tenant only VTS knows is flagged there in the report, and nothing is written
    to VTS; the report says why. MRI's writes are checked elsewhere; here they are off."""
    pytest.importorskip("coisync_vts")
    pytest.importorskip("coisync_mri")
    _seed(store, "mri", "vts")
    store.upsert("party", [_party("vts:tenant:70003", "Beacon Retail Co.", kind="tenant")])
    store.upsert("agreement", [_lease("vts:lease:30003", "vts:tenant:70003", BUILDING)])
    store.upsert_refs(
        [
            _ref("vts", "tenant", "70003", "party", "vts:tenant:70003"),
            _ref("vts", "lease", "30003", "agreement", "vts:lease:30003"),
        ]
    )
    config = _config(tmp_path)
    config["connections"]["mri"]["writes"] = False  # type: ignore[index]
    settings = load_settings({})
    result = run_reconcile(
        store, config, tmp_path / "coisync.toml", PortfolioSettings.defaults(), settings, as_of=AS_OF
    )
    unknown = {(f.party_id, f.connection, tuple(sorted(f.values.items()))) for f in _unknown(result.flags)}
    assert unknown == {
        ("mri:occupant:1", "mri", (("mri", "known"), ("vts", "unknown"))),
        ("vts:tenant:70003", "vts", (("mri", "unknown"), ("vts", "known"))),
    }
    parts = {c.name: c for c in result.connections}
    assert not parts["vts"].writes and "read-only" in (parts["vts"].reason or "")
    assert not parts["mri"].writes and parts["vts"].planned == parts["mri"].planned == 0
    assert int(result.exit_code) == 3
    assert any(row[3] == "party_unknown" and row[1] == "vts" for row in rows(result))
    assert "party_unknown" in flags_csv(result)
    # a second run with nothing changed raises nothing new
    again = run_reconcile(
        store, config, tmp_path / "coisync.toml", PortfolioSettings.defaults(), settings, as_of=AS_OF
    )
    assert again.new_flags == [] and int(again.exit_code) == 0
    assert {f.kind for f in again.flags} >= {"party_unknown"}
