"""Identity: matching rules, links that re-point owned records, undo, review list, decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from coisync.model import Agreement, Certificate, ExternalRef, Party
from coisync.reconcile import links
from coisync.reconcile.compare import compare, load_holdings
from coisync.reconcile.identity import Candidate, record, resolve_identities, score
from coisync.reconcile.tables import REJECTED, REVIEW, identity_candidates
from coisync.store import Store
from coisync.store.review import party_changes


def _party(pid: str, name: str, tax_id: str | None = None, kind: str = "vendor") -> Party:
    return Party.model_validate({"id": pid, "kind": kind, "legal_name": name, "tax_id": tax_id}, strict=False)


def _certificate(cid: str, party_id: str, expires: str, limit: str = "1000000") -> Certificate:
    return Certificate.model_validate(
        {
            "id": cid,
            "party_id": party_id,
            "insured": {"name": "x"},
            "insurers": [{"letter": "A", "name": "Granite State Indemnity"}],
            "lines": [
                {
                    "coverage_type": "general_liability",
                    "insurer_letter": "A",
                    "policy_number": "GL-1",
                    "expiration_date": expires,
                    "limits": {"each_occurrence": {"amount": limit, "currency": "USD"}},
                }
            ],
        },
        strict=False,
    )


def _ref(connection: str, platform_type: str, platform_id: str, kind: str, entity_id: str) -> ExternalRef:
    data: dict[str, Any] = {
        "connection": connection,
        "platform_type": platform_type,
        "platform_id": platform_id,
        "entity_kind": kind,
        "entity_id": entity_id,
    }
    return ExternalRef.model_validate(data, strict=False)


def _seed(store: Store) -> None:
    """Acme in Yardi and Procore (a certificate each), Acme's agreement in Yardi, Beta in Procore only."""
    store.upsert(
        "party",
        [
            _party("procore:vendor:1", "Acme HVAC LLC"),
            _party("yardi:vendor:v1", "ACME H.V.A.C., L.L.C."),
            _party("procore:vendor:2", "Beta Plumbing Inc."),
        ],
    )
    store.upsert(
        "agreement",
        [
            Agreement.model_validate(
                {
                    "id": "yardi:agr:1",
                    "kind": "service_contract",
                    "party_id": "yardi:vendor:v1",
                    "property_id": "p1",
                },
                strict=False,
            )
        ],
    )
    store.upsert(
        "certificate",
        [
            _certificate("procore:insurance:11", "procore:vendor:1", "2027-06-01"),
            _certificate("yardi:vendor_policy:v1/7", "yardi:vendor:v1", "2026-06-01", "2000000"),
        ],
    )
    store.upsert_refs(
        [
            _ref("procore", "vendor", "1", "party", "procore:vendor:1"),
            _ref("procore", "vendor", "2", "party", "procore:vendor:2"),
            _ref("yardi", "vendor", "v1", "party", "yardi:vendor:v1"),
            _ref("yardi", "tenant_lease", "1", "agreement", "yardi:agr:1"),
            _ref("procore", "insurance", "11", "certificate", "procore:insurance:11"),
            _ref("yardi", "vendor_policy", "v1/7", "certificate", "yardi:vendor_policy:v1/7"),
        ]
    )


def test_score_prefers_tax_id_and_refuses_other_kinds_and_suffixes() -> None:
    assert score(_party("a:1", "Acme LLC", "12-3456789"), _party("b:1", "Other Name", "123456789")) == (
        100.0,
        "tax_id",
    )
    assert score(_party("a:1", "Acme LLC", "12-3456789"), _party("b:1", "Acme LLC", "98-7654321")) is None
    assert score(_party("a:1", "Acme LLC"), _party("b:1", "Acme LLC", kind="tenant")) is None
    assert score(_party("a:1", "Acme HVAC LLC"), _party("b:1", "Acme HVAC Inc.")) is None
    matched = score(_party("a:1", "Acme HVAC LLC"), _party("b:1", "ACME H.V.A.C., L.L.C."))
    assert matched is not None and matched[0] >= 95


def test_link_repoints_owned_records_and_undo_restores_them(store: Store) -> None:
    _seed(store)
    result = resolve_identities(store, 95.0)
    assert [(c.left_id, c.right_id) for c in result.linked] == [("procore:vendor:1", "yardi:vendor:v1")]
    assert result.review == []
    # refs, the agreement and the certificate (column and body) all name the surviving party
    assert {r.platform_id for r in store.refs_for_entity("party", "procore:vendor:1")} == {"1", "v1"}
    certificate = store.get_certificate("yardi:vendor_policy:v1/7")
    agreement = store.get_agreement("yardi:agr:1")
    assert certificate is not None and certificate.party_id == "procore:vendor:1"
    assert agreement is not None and agreement.party_id == "procore:vendor:1"
    assert {c.id for c in store.certificates_for_party("procore:vendor:1")} == {
        "procore:insurance:11",
        "yardi:vendor_policy:v1/7",
    }
    with store.transaction() as conn:
        marked = {row.party_id for row in conn.execute(sa.select(party_changes.c.party_id))}
        change_id = conn.execute(sa.select(identity_candidates.c.change_id)).scalar_one()
    assert "procore:vendor:1" in marked
    # the merged-away party is retired (it would otherwise be reported missing)
    assert store.get_party("yardi:vendor:v1") is None
    actions = [e.action for e in store.audit.entries()]
    assert "identity.link" in actions

    # the merged party's copies disagree: flagged in both systems, with both values
    flags = compare(load_holdings(store), date(2026, 12, 4), 90)
    kinds = {(f.connection, f.kind) for f in flags}
    assert {("procore", "expiration_date_disagrees"), ("yardi", "expiration_date_disagrees")} <= kinds
    assert {("procore", "limit_disagrees"), ("yardi", "limit_disagrees"), ("yardi", "expired")} <= kinds
    assert ("procore", "expired") not in kinds
    limit_flag = next(f for f in flags if f.kind == "limit_disagrees")
    assert dict(limit_flag.values) == {"procore": "1000000", "yardi": "2000000"}

    links.undo(store, change_id, "tester")
    certificate = store.get_certificate("yardi:vendor_policy:v1/7")
    agreement = store.get_agreement("yardi:agr:1")
    assert certificate is not None and certificate.party_id == "yardi:vendor:v1"
    assert agreement is not None and agreement.party_id == "yardi:vendor:v1"
    assert {r.platform_id for r in store.refs_for_entity("party", "yardi:vendor:v1")} == {"v1"}
    restored = store.get_party("yardi:vendor:v1")
    assert restored is not None and restored.legal_name == "ACME H.V.A.C., L.L.C."
    assert "identity.undo" in [e.action for e in store.audit.entries()]


def test_a_rejected_pair_is_never_linked_again(store: Store) -> None:
    _seed(store)
    record(store, Candidate("procore:vendor:1", "yardi:vendor:v1", 97.0, "name"), REJECTED, "tester")
    result = resolve_identities(store, 95.0)
    assert result.linked == [] and result.review == []
    assert store.refs_for_entity("party", "yardi:vendor:v1")


def test_below_threshold_and_ties_go_to_review(store: Store) -> None:
    _seed(store)
    store.upsert("party", [_party("vts:tenant:9", "Acme HVAC LLC")])
    store.upsert_refs([_ref("vts", "tenant", "9", "party", "vts:tenant:9")])
    result = resolve_identities(store, 95.0)
    # Acme now matches two other systems' records equally well: nothing is linked by itself
    assert result.linked == []
    assert len(result.review) == 3
    with store.transaction() as conn:
        states = {row.state for row in conn.execute(sa.select(identity_candidates.c.state))}
    assert states == {REVIEW}
    assert resolve_identities(store, 100.1).linked == []
