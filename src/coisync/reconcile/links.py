"""Identity links that also move what the linked entity owns, audited and undoable.

:meth:`coisync.store.Store.link` re-points refs only. Other records name an entity by id: a
party's agreements, certificates, property evidence and waivers (``party_id``); a property's
agreements (``property_id``) and parties (``property_ids``); an agreement's waivers
(``agreement_id``). After a link they must name the surviving entity or evaluation would miss
them. :func:`link` does it all in one transaction: re-points refs, re-points each owned record
(recorded in ``identity_moves``), retires the merged-away entity (its row, and a party's
verdict; its body kept for undo) and marks every party whose evaluation may change, so the next
evaluation sees the merged entity. An agreement link first keeps each system's own status and
dates on its refs (``last_known["seen"]``), so drift between them stays visible.
:func:`undo` puts refs, records and the entity back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.errors import UsageError
from coisync.model import Agreement, Certificate, Party, Property, PropertyEvidence, Waiver
from coisync.model.base import CanonicalModel
from coisync.reconcile.tables import identity_moves
from coisync.store import Store, ref_changes, schema
from coisync.store import refs as store_refs
from coisync.store.review import mark_parties_changed, party_changes
from coisync.store.upsert import encode
from coisync.sync.assemble import SEEN, SEEN_TARGETS
from coisync.sync.tables import verdicts
from coisync.sync.values import jsonable

PARTIES = "parties"
"""``identity_moves.table_name`` of a retired party."""


@dataclass(frozen=True)
class Owned:
    """Records naming an entity: ``field`` of ``model`` (and ``column`` of ``table``, if any)."""

    name: str
    """``identity_moves.table_name`` of a re-pointed record."""
    table: sa.Table
    model: type[CanonicalModel]
    field: str
    column: str | None
    many: bool = False
    """``field`` is a tuple of ids."""


@dataclass(frozen=True)
class Kind:
    """What a link of one entity kind moves and retires."""

    table: sa.Table
    model: type[CanonicalModel]
    record_type: str
    retired: str
    """``identity_moves.table_name`` of the retired entity."""
    owned: tuple[Owned, ...]


KINDS: dict[str, Kind] = {
    "party": Kind(schema.parties, Party, "party", PARTIES, (
        Owned("agreements", schema.agreements, Agreement, "party_id", "party_id"),
        Owned("waivers", schema.waivers, Waiver, "party_id", "party_id"),
        Owned("certificates", schema.certificates, Certificate, "party_id", "party_id"),
        Owned("property_evidence", schema.evidence, PropertyEvidence, "party_id", "party_id"),
    )),
    "property": Kind(schema.properties, Property, "property", "retired:properties", (
        Owned("agreements.property_id", schema.agreements, Agreement, "property_id", "property_id"),
        Owned("parties.property_ids", schema.parties, Party, "property_ids", None, many=True),
    )),
    "agreement": Kind(schema.agreements, Agreement, "agreement", "retired:agreements", (
        Owned("waivers.agreement_id", schema.waivers, Waiver, "agreement_id", "agreement_id"),
    )),
}  # fmt: skip
_BY_NAME = {o.name: o for k in KINDS.values() for o in k.owned}
_RETIRED = {k.retired: k for k in KINDS.values()}
_PARTY_MOVES = {PARTIES} | {o.name for o in KINDS["party"].owned}
"""Moves of a party link: their ``from_id`` and ``to_id`` are parties."""


def _kind(kind: str) -> Kind:
    spec = KINDS.get(kind)
    if spec is None:
        raise UsageError(f"cannot link entities of kind {kind!r}; use one of {', '.join(KINDS)}")
    return spec


def _party_of(record: CanonicalModel) -> set[str]:
    """Parties whose evaluation a change to ``record`` may change."""
    if isinstance(record, Party):
        return {record.id}
    party = getattr(record, "party_id", None)
    return {party} if isinstance(party, str) else set()


def _rewrite(conn: Connection, owned: Owned, row: Any, value: Any) -> CanonicalModel:
    record = owned.model.model_validate_json(row.body).model_copy(update={owned.field: value})
    body, digest = encode(record)
    key = [owned.table.c.id == row.id]
    if "version" in owned.table.c:
        key.append(owned.table.c.version == row.version)
    values: dict[str, Any] = {"body": body, "content_hash": digest}
    if owned.column:
        values[owned.column] = value
    conn.execute(sa.update(owned.table).where(*key).values(**values))
    return record


def _naming(conn: Connection, owned: Owned, entity_id: str, record_ids: Sequence[str] | None) -> list[Any]:
    """Rows of ``owned`` that name ``entity_id``."""
    t = owned.table
    where = (
        t.c[owned.column] == entity_id
        if owned.column
        else t.c.body.contains(json.dumps(entity_id), autoescape=True)
    )
    query = sa.select(t).where(where)
    if record_ids is not None:
        query = query.where(t.c.id.in_(list(record_ids)))
    rows = list(conn.execute(query).all())
    if owned.many:
        rows = [r for r in rows if entity_id in getattr(owned.model.model_validate_json(r.body), owned.field)]
    return rows


def _repoint(conn: Connection, change_id: int, kind: Kind, from_id: str, to_id: str) -> tuple[int, set[str]]:
    """Move records naming ``from_id`` onto ``to_id``; how many moved and the parties concerned."""
    moved = 0
    parties: set[str] = set()
    for owned in kind.owned:
        items: dict[str, str | None] = {}
        for row in _naming(conn, owned, from_id, None):
            value: Any = to_id
            note = None
            if owned.many:
                ids = list(getattr(owned.model.model_validate_json(row.body), owned.field))
                note = json.dumps({"had": to_id in ids})
                value = tuple(dict.fromkeys(to_id if i == from_id else i for i in ids))
            parties |= _party_of(_rewrite(conn, owned, row, value))
            items[row.id] = note
        if items:
            conn.execute(
                sa.insert(identity_moves),
                [
                    {"change_id": change_id, "table_name": owned.name, "record_id": rid,
                     "from_id": from_id, "to_id": to_id, "body": note}
                    for rid, note in sorted(items.items())
                ],
            )  # fmt: skip
        moved += len(items)
    return moved, parties


def _restore(conn: Connection, move: Any) -> set[str]:
    """Put one re-pointed record back onto ``move.from_id``; the parties concerned."""
    owned = _BY_NAME[move.table_name]
    parties: set[str] = set()
    for row in _naming(conn, owned, move.to_id, [move.record_id]):
        value: Any = move.from_id
        if owned.many:
            ids = list(getattr(owned.model.model_validate_json(row.body), owned.field))
            had = bool(json.loads(move.body or "{}").get("had"))
            restored = [*ids, move.from_id] if had else [move.from_id if i == move.to_id else i for i in ids]
            value = tuple(dict.fromkeys(restored))
        parties |= _party_of(_rewrite(conn, owned, row, value))
    return parties


def _retire(conn: Connection, change_id: int, kind: Kind, from_id: str, to_id: str) -> set[str]:
    """Remove the merged-away entity (and a party's verdict), keeping its body for undo.

    Without this a party would stay in the store with nothing on file and be reported
    ``missing``; a property or agreement would stay with nothing naming it.
    """
    t = kind.table
    row = conn.execute(sa.select(t.c.body).where(t.c.id == from_id)).first()
    if row is None:
        return set()
    conn.execute(
        sa.insert(identity_moves).values(
            change_id=change_id, table_name=kind.retired, record_id=from_id, from_id=from_id, to_id=to_id,
            body=row.body,
        )
    )  # fmt: skip
    if kind.record_type == "party":
        conn.execute(sa.delete(verdicts).where(verdicts.c.party_id == from_id))
        conn.execute(sa.delete(party_changes).where(party_changes.c.party_id == from_id))
    conn.execute(sa.delete(t).where(t.c.id == from_id))
    return _party_of(kind.model.model_validate_json(row.body)) - {from_id}


def keep_seen(conn: Connection, kind: str, entity_id: str) -> None:
    """Keep what the entity's body says of the seen targets on each of its refs that lacks it."""
    targets = next((v for k, v in SEEN_TARGETS.items() if k.value == kind), ())
    row = conn.execute(sa.select(KINDS[kind].table.c.body).where(KINDS[kind].table.c.id == entity_id)).first()
    if not targets or row is None:
        return
    body = KINDS[kind].model.model_validate_json(row.body)
    seen = {t: jsonable(getattr(body, t)) for t in targets if getattr(body, t, None) is not None}
    t = schema.external_refs
    for ref in store_refs.refs_for_entity(conn, kind, entity_id):
        if SEEN in ref.last_known:
            continue
        known = json.dumps({**ref.last_known, SEEN: seen}, sort_keys=True, default=str)
        key = (ref.connection, ref.platform_type, ref.platform_id)
        conn.execute(
            sa.update(t)
            .where(t.c.connection == key[0], t.c.platform_type == key[1], t.c.platform_id == key[2])
            .values(last_known=known)
        )


def _audit(
    store: Store, conn: Connection, actor: str, change: ref_changes.RefChange, extra: dict[str, Any]
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
) -> ref_changes.RefChange:
    """``from_id`` and ``to_id`` are one entity: refs and owned records move onto ``to_id``."""
    spec = _kind(kind)
    with store.transaction() as conn:
        for entity_id in (from_id, to_id):
            keep_seen(conn, kind, entity_id)
        change = ref_changes.link(conn, kind, from_id, to_id, actor, reason)
        records, parties = _repoint(conn, change.change_id, spec, from_id, to_id)
        parties |= _retire(conn, change.change_id, spec, from_id, to_id)
        if kind == "party":
            parties = (parties - {from_id}) | {to_id}
        mark_parties_changed(conn, parties, "identity link")
        _audit(store, conn, actor, change, {"kind": kind, "reason": reason, "records_moved": records})
    return change


def undo(store: Store, change_id: int, actor: str) -> ref_changes.RefChange:
    """Undo a link (refs and owned records go back) or an unlink."""
    with store.transaction() as conn:
        change = ref_changes.undo(conn, change_id, actor)
        rows = conn.execute(sa.select(identity_moves).where(identity_moves.c.change_id == change_id)).all()
        touched: set[str] = set()
        for row in rows:
            retired = _RETIRED.get(row.table_name)
            if retired is not None:
                entity = retired.model.model_validate_json(row.body)
                store.upsert(retired.record_type, [entity], conn=conn)
                touched |= _party_of(entity)
            else:
                touched |= _restore(conn, row)
            if row.table_name in _PARTY_MOVES:
                touched.update((row.to_id, row.from_id))
        for _, before, after in change.moved:
            if before[0] == "party":
                touched.update((before[1], after[1]))
        p = schema.parties
        existing = {r.id for r in conn.execute(sa.select(p.c.id).where(p.c.id.in_(sorted(touched))))}
        mark_parties_changed(conn, existing, "identity undo")
        _audit(store, conn, actor, change, {"records_restored": len(rows)})
    return change


def owned_moves(conn: Connection, change_id: int) -> list[dict[str, Any]]:
    """The records a link re-pointed, for display."""
    rows = conn.execute(sa.select(identity_moves).where(identity_moves.c.change_id == change_id))
    return [json.loads(json.dumps(dict(row._mapping))) for row in rows]


__all__ = ["KINDS", "keep_seen", "link", "owned_moves", "undo"]
