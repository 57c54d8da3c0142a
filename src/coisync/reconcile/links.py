"""Identity links that also move what the linked entity owns, audited and undoable.

:meth:`coisync.store.Store.link` re-points refs only. A party's agreements, certificates,
property evidence and waivers name it by ``party_id``; after a link they must name the
surviving party or its verdict would miss them. :func:`link` does both in one transaction,
records each re-pointed record in ``identity_moves``, retires the merged-away party (its row and
verdict; its body kept for undo) and marks the surviving party changed, so the next evaluation
sees the merged party; :func:`undo` puts refs, records and the party back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.model import Agreement, Certificate, Party, PropertyEvidence, Waiver
from coisync.model.base import CanonicalModel
from coisync.reconcile.tables import identity_moves
from coisync.store import Store, schema
from coisync.store import refs as store_refs
from coisync.store.review import mark_party_changed, party_changes
from coisync.store.upsert import encode
from coisync.sync.tables import verdicts

PARTIES = "parties"
"""``identity_moves.table_name`` of a retired party."""

_OWNED: tuple[tuple[str, sa.Table, type[CanonicalModel]], ...] = (
    ("agreements", schema.agreements, Agreement),
    ("waivers", schema.waivers, Waiver),
    ("certificates", schema.certificates, Certificate),
    ("property_evidence", schema.evidence, PropertyEvidence),
)


def _repoint(
    conn: Connection, change_id: int, from_id: str, to_id: str, record_ids: Sequence[str] | None
) -> int:
    """Move records owned by ``from_id`` onto ``to_id``; returns how many records moved."""
    moved = 0
    for name, table, model in _OWNED:
        query = sa.select(table).where(table.c.party_id == from_id)
        if record_ids is not None:
            query = query.where(table.c.id.in_(list(record_ids)))
        rows = conn.execute(query).all()
        ids: set[str] = set()
        for row in rows:
            record = model.model_validate_json(row.body).model_copy(update={"party_id": to_id})
            body, digest = encode(record)
            key = [table.c.id == row.id]
            if "version" in table.c:
                key.append(table.c.version == row.version)
            conn.execute(sa.update(table).where(*key).values(party_id=to_id, body=body, content_hash=digest))
            ids.add(row.id)
        if ids and record_ids is None:
            conn.execute(
                sa.insert(identity_moves),
                [
                    {
                        "change_id": change_id,
                        "table_name": name,
                        "record_id": rid,
                        "from_id": from_id,
                        "to_id": to_id,
                    }
                    for rid in sorted(ids)
                ],
            )
        moved += len(ids)
    return moved


def _retire(conn: Connection, change_id: int, from_id: str, to_id: str) -> None:
    """Remove the merged-away party (and its verdict), keeping its body for undo.

    Without this it would stay in the store with nothing on file and be reported ``missing``.
    """
    t = schema.parties
    row = conn.execute(sa.select(t.c.body).where(t.c.id == from_id)).first()
    if row is None:
        return
    conn.execute(
        sa.insert(identity_moves).values(
            change_id=change_id,
            table_name=PARTIES,
            record_id=from_id,
            from_id=from_id,
            to_id=to_id,
            body=row.body,
        )
    )
    conn.execute(sa.delete(verdicts).where(verdicts.c.party_id == from_id))
    conn.execute(sa.delete(party_changes).where(party_changes.c.party_id == from_id))
    conn.execute(sa.delete(t).where(t.c.id == from_id))


def _audit(
    store: Store, conn: Connection, actor: str, change: store_refs.RefChange, extra: dict[str, Any]
) -> None:
    payload: dict[str, Any] = {
        "change_id": change.change_id,
        "moved": [
            {"ref": "/".join(key), "from": "/".join(before), "to": "/".join(after)}
            for key, before, after in change.moved
        ],
        **extra,
    }
    store.audit.append(
        actor, f"identity.{change.action}", f"ref_change:{change.change_id}", payload, conn=conn
    )


def link(
    store: Store, kind: str, from_id: str, to_id: str, actor: str, reason: str | None = None
) -> store_refs.RefChange:
    """``from_id`` and ``to_id`` are one entity: refs and owned records move onto ``to_id``."""
    with store.transaction() as conn:
        change = store_refs.link(conn, kind, from_id, to_id, actor, reason)
        records = 0
        if kind == "party":
            records = _repoint(conn, change.change_id, from_id, to_id, None)
            _retire(conn, change.change_id, from_id, to_id)
            mark_party_changed(conn, to_id, "identity link")
        _audit(store, conn, actor, change, {"reason": reason, "records_moved": records})
    return change


def undo(store: Store, change_id: int, actor: str) -> store_refs.RefChange:
    """Undo a link (refs and owned records go back) or an unlink."""
    with store.transaction() as conn:
        change = store_refs.undo(conn, change_id, actor)
        rows = conn.execute(sa.select(identity_moves).where(identity_moves.c.change_id == change_id)).all()
        touched: set[str] = set()
        for row in rows:
            if row.table_name == PARTIES:
                store.upsert("party", [Party.model_validate_json(row.body)], conn=conn)
            else:
                _repoint(conn, change_id, row.to_id, row.from_id, [row.record_id])
            touched.update((row.to_id, row.from_id))
        for _, before, after in change.moved:
            if before[0] == "party":
                touched.update((before[1], after[1]))
        for party_id in sorted(touched):
            mark_party_changed(conn, party_id, "identity undo")
        _audit(store, conn, actor, change, {"records_restored": len(rows)})
    return change


def owned_moves(conn: Connection, change_id: int) -> list[dict[str, Any]]:
    """The records a link re-pointed, for display."""
    rows = conn.execute(sa.select(identity_moves).where(identity_moves.c.change_id == change_id))
    return [json.loads(json.dumps(dict(row._mapping))) for row in rows]


__all__ = ["link", "owned_moves", "undo"]
