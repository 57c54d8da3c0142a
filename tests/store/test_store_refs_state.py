"""External refs with undoable link/unlink, sync state, documents and migrations."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coisync.errors import StoreError, UsageError
from coisync.model import EntityKind, ExternalRef
from coisync.store import Store, open_store
from coisync.store.migrate import head_revision


def ref(platform_id: str, entity_id: str, connection: str = "procore", **extra: object) -> ExternalRef:
    return ExternalRef.model_validate(
        {
            "connection": connection,
            "platform_type": "vendor",
            "platform_id": platform_id,
            "entity_kind": "party",
            "entity_id": entity_id,
            **extra,
        },
        strict=False,
    )


def test_refs_upsert_by_platform_key_with_change_detection(store: Store) -> None:
    first = store.upsert_refs([ref("1", "p1", version="v1", last_known={"name": "A"}), ref("2", "p2")])
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    again = store.upsert_refs([ref("1", "p1", version="v1", last_known={"name": "A"})])
    assert again.unchanged == 1
    changed = store.upsert_refs([ref("1", "p1", version="v2", last_known={"name": "B"})])
    assert changed.updated == 1
    loaded = store.get_ref("procore", "vendor", "1")
    assert loaded is not None and loaded.version == "v2" and loaded.last_known == {"name": "B"}
    assert loaded.entity_kind is EntityKind.PARTY and loaded.updated_at is not None
    assert store.get_ref("procore", "vendor", "404") is None


def test_link_unlink_and_undo_restore_previous_targets(store: Store) -> None:
    store.upsert_refs([ref("1", "p1"), ref("2", "p2"), ref("9", "p2", connection="yardi")])
    linked = store.link("party", "p2", "p1", actor="alice", reason="same EIN")
    assert sorted(key for key, _, _ in linked.moved) == [("procore", "vendor", "2"), ("yardi", "vendor", "9")]
    assert [r.platform_id for r in store.refs_for_entity("party", "p1")] == ["1", "2", "9"]
    assert store.refs_for_entity("party", "p2") == []

    split = store.unlink([("yardi", "vendor", "9")], "p3", actor="bob")
    assert [r.platform_id for r in store.refs_for_entity("party", "p3")] == ["9"]

    store.undo_ref_change(split.change_id, actor="bob")
    assert [r.platform_id for r in store.refs_for_entity("party", "p1")] == ["1", "2", "9"]
    store.undo_ref_change(linked.change_id, actor="alice")
    assert [r.platform_id for r in store.refs_for_entity("party", "p1")] == ["1"]
    assert [r.platform_id for r in store.refs_for_entity("party", "p2")] == ["2", "9"]

    actions = [(e.action, e.actor) for e in store.audit.entries()]
    assert actions == [
        ("identity.link", "alice"),
        ("identity.unlink", "bob"),
        ("identity.undo", "bob"),
        ("identity.undo", "alice"),
    ]
    first = next(store.audit.entries())
    assert first.payload["reason"] == "same EIN"
    assert {"ref": "procore/vendor/2", "from": "party/p2", "to": "party/p1"} in first.payload["moved"]
    assert store.audit.verify().ok
    with pytest.raises(UsageError):
        store.undo_ref_change(linked.change_id, actor="alice")


def test_identity_mistakes_are_refused(store: Store) -> None:
    with pytest.raises(UsageError):
        store.link("party", "p1", "p1", actor="alice")
    with pytest.raises(UsageError):
        store.unlink([("procore", "vendor", "404")], "p3", actor="alice")
    with pytest.raises(UsageError):
        store.undo_ref_change(12345, actor="alice")
    assert list(store.audit.entries()) == []


def test_sync_state_round_trips_and_commits_with_rows(store: Store) -> None:
    assert store.get_sync_state("procore", "vendors") is None
    store.set_sync_state("procore", "vendors", {"updated_since": "2026-01-01T00:00:00Z"}, run_id="r1")
    store.set_sync_state("procore", "vendors", {"page": 3}, run_id="r2")
    saved = store.get_sync_state("procore", "vendors")
    assert saved is not None and saved.cursor == {"page": 3} and saved.run_id == "r2"
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.set_sync_state("procore", "vendors", {"page": 4}, run_id="r3", conn=conn)
        raise RuntimeError("crash before commit")
    saved = store.get_sync_state("procore", "vendors")
    assert saved is not None and saved.cursor == {"page": 3}


def test_documents_are_content_addressed(store: Store) -> None:
    content = b"%PDF-1.4 certificate"
    digest = store.put_document(content, "application/pdf")
    assert store.put_document(content, "application/pdf") == digest
    document = store.get_document(digest)
    assert document is not None
    assert (document.content, document.size, document.media_type) == (
        content,
        len(content),
        "application/pdf",
    )
    assert store.get_document("0" * 64) is None


def test_new_store_is_migrated_to_head(store: Store) -> None:
    assert store.revision() == head_revision()
    assert {"parties", "certificates", "audit_log", "audit_head", "external_refs", "sync_state"} <= set(
        store.table_names()
    )


def test_unusable_urls_are_store_errors(tmp_path: object) -> None:
    with pytest.raises(StoreError, match="not supported"):
        open_store("mysql://localhost/x")
    with pytest.raises(StoreError, match="does not exist"):
        open_store("sqlite:////nonexistent-dir-xyz/coisync.db")
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("not a url")


def test_head_revision_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from coisync.store.migrate import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.mark.slow
def test_concurrent_first_opens_migrate_once(store_url: str) -> None:
    script = "import sys\nfrom coisync.store import open_store\nopen_store(sys.argv[1]).close()\n"
    children = [
        subprocess.Popen([sys.executable, "-c", script, store_url], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outcomes = [(child.wait(timeout=120), child.stderr.read() if child.stderr else "") for child in children]
    for child in children:
        if child.stderr:
            child.stderr.close()
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    reopened = open_store(store_url)
    try:
        assert reopened.revision() == head_revision()
    finally:
        reopened.close()


def test_ref_views_hold_what_the_stored_refs_hold(store: Store) -> None:
    from coisync.store.engine import read_connection
    from coisync.store.refs import RefView, get_refs, ref_views

    store.upsert_refs(
        [
            ref("1", "p1", version="v1", last_known={"read": {"status": "compliant"}, "written": {}}),
            ref("2", "p2"),
            ref("3", "c3", entity_kind="certificate", platform_type="insurance"),
        ]
    )
    keys = [("procore", "vendor", "1"), ("procore", "vendor", "2"), ("procore", "insurance", "3")]
    keys.append(("procore", "vendor", "404"))
    with read_connection(store.engine) as conn:
        views, refs = ref_views(conn, keys), get_refs(conn, keys)
    assert set(views) == set(refs) == set(keys[:3])
    for key, view in views.items():
        assert tuple(view) == tuple(getattr(refs[key], name) for name in RefView._fields)
    assert views[keys[2]].entity_kind is EntityKind.CERTIFICATE
