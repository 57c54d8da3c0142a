"""The one planner: desired values of coisync-owned fields, diffed against what platforms show.

For every ref of a connection whose record type has a writer, the planner looks up the
canonical values coisync wants (stored with the party's verdict), keeps the fields the mapping
says coisync owns for the job, and compares each with the ref's ``last_known``:

* ``read`` (what the platform showed on the last pull) equals the desired value: nothing to do;
* ``written`` (what coisync last wrote) exists and differs from ``read``: a person changed the
  field inside the platform. The conflict policy decides: ``keep_theirs`` (default) records a
  conflict and writes nothing; ``ours`` writes and records the conflict as overridden;
* otherwise the field is written.

Only differences become writes, so an unchanged portfolio plans nothing and a value coisync
wrote and then read back (an echo) is not a change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.connector import Connector, WriteOp, WriteTarget
from coisync.mapping.paths import parse_path
from coisync.model import EntityKind, ExternalRef
from coisync.store import schema
from coisync.store.refs import iter_connection_refs, ref_key, upsert_refs
from coisync.sync import outbox
from coisync.sync.fingerprints import mapping_fingerprint
from coisync.sync.tables import conflicts, verdicts
from coisync.sync.values import dumps, flatten, jsonable

DesiredIndex = Callable[[Connection, list[ExternalRef]], dict[tuple[str, str], dict[str, Any]]]
"""Desired canonical values per (entity kind, entity id) for a chunk of a connection's refs."""

KEEP_THEIRS = "keep_theirs"
OURS = "ours"
CHUNK = 1000


@dataclass(frozen=True)
class PlannedWrite:
    """One write the planner wants, with the platform's values before it."""

    op: WriteOp
    before: dict[str, Any]
    entity: tuple[str, str]


@dataclass
class Plan:
    """The planner's result for one connection."""

    connection: str
    records: int = 0
    examined: int = 0
    writes: list[PlannedWrite] = field(default_factory=list)
    conflicts: int = 0
    unmapped: list[str] = field(default_factory=list)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``dotted.target: value`` pairs as the nested dict the reverse mapping reads."""
    nested: dict[str, Any] = {}
    for target, value in flat.items():
        parse_path(target).set(nested, value)
    return nested


def _desired_index(conn: Connection, refs: list[ExternalRef]) -> dict[tuple[str, str], dict[str, Any]]:
    """Desired canonical values per (entity kind, entity id) for a chunk of refs."""
    by_kind: dict[EntityKind, set[str]] = {}
    for ref in refs:
        by_kind.setdefault(ref.entity_kind, set()).add(ref.entity_id)
    owner: dict[tuple[str, str], str] = {("party", pid): pid for pid in by_kind.get(EntityKind.PARTY, ())}
    for kind, table in (
        (EntityKind.AGREEMENT, schema.agreements),
        (EntityKind.CERTIFICATE, schema.certificates),
    ):
        ids = list(by_kind.get(kind, ()))
        if ids:
            query = sa.select(table.c.id, table.c.party_id).where(table.c.id.in_(ids))
            if kind is EntityKind.CERTIFICATE:
                query = query.where(table.c.is_latest.is_(True))
            for row in conn.execute(query):
                if row.party_id:
                    owner[(kind.value, row.id)] = row.party_id
    bodies = {
        row.party_id: json.loads(row.body)
        for row in conn.execute(
            sa.select(verdicts.c.party_id, verdicts.c.body).where(
                verdicts.c.party_id.in_(set(owner.values()))
            )
        )
    }
    index: dict[tuple[str, str], dict[str, Any]] = {}
    for (kind_name, entity_id), party_id in owner.items():
        body = bodies.get(party_id)
        if body is None:
            continue
        if kind_name == "party":
            index[(kind_name, entity_id)] = body["party"]
        elif kind_name == "agreement" and entity_id in body["agreements"]:
            index[(kind_name, entity_id)] = body["agreements"][entity_id]
        elif kind_name == "certificate" and entity_id in body["certificates"]:
            index[(kind_name, entity_id)] = body["certificates"][entity_id]
    return index


def _touched(since: datetime) -> sa.ColumnElement[bool]:
    """Refs written since ``since``, or whose party (directly or through its certificate or
    agreement) was judged since."""
    t, certs, agreements = schema.external_refs, schema.certificates, schema.agreements
    judged = sa.select(verdicts.c.party_id).where(verdicts.c.evaluated_at >= since)
    return sa.or_(
        t.c.updated_at >= since,
        sa.and_(t.c.entity_kind == EntityKind.PARTY.value, t.c.entity_id.in_(judged)),
        sa.and_(
            t.c.entity_kind == EntityKind.CERTIFICATE.value,
            t.c.entity_id.in_(
                sa.select(certs.c.id).where(certs.c.is_latest.is_(True), certs.c.party_id.in_(judged))
            ),
        ),
        sa.and_(
            t.c.entity_kind == EntityKind.AGREEMENT.value,
            t.c.entity_id.in_(sa.select(agreements.c.id).where(agreements.c.party_id.in_(judged))),
        ),
    )


def plan_digest(connector: Connector, job: str, policy: str) -> str:
    """A digest of what shapes a connection's plan besides its records: the mapping of every
    record type and the conflict policy (a change makes the next plan a complete one)."""
    parts = [
        job,
        policy,
        *(f"{n}={mapping_fingerprint(connector, n)}" for n in sorted(connector.mapping.records)),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _chunks(items: Iterable[ExternalRef], size: int) -> Iterator[list[ExternalRef]]:
    chunk: list[ExternalRef] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _record_conflict(
    conn: Connection,
    run_id: str,
    ref: ExternalRef,
    target: str,
    ours: Any,
    theirs: Any,
    desired: Any,
    state: str,
) -> bool:
    """Record a conflict unless the same one is already known; True when it is new."""
    key = (
        conflicts.c.connection == ref.connection,
        conflicts.c.platform_type == ref.platform_type,
        conflicts.c.platform_id == ref.platform_id,
        conflicts.c.field == target,
        conflicts.c.theirs == dumps(theirs),
        conflicts.c.desired == dumps(desired),
    )
    if conn.execute(sa.select(conflicts.c.id).where(*key)).first():
        return False
    conn.execute(
        conflicts.insert().values(
            connection=ref.connection,
            platform_type=ref.platform_type,
            platform_id=ref.platform_id,
            field=target,
            ours=dumps(ours),
            theirs=dumps(theirs),
            desired=dumps(desired),
            state=state,
            run_id=run_id,
            created_at=datetime.now(tz=UTC),
        )
    )
    return True


class ShownValues:
    """What a platform will show, in canonical form, after coisync writes a value.

    A lossy code table reads back differently (Procore has no ``expiring``: it is written as,
    and reads back as, ``compliant``) and an empty text reads back as nothing. The planner
    compares and records these round-tripped values, so reading back its own write is never
    taken for a change, and never for a person's edit.
    """

    LIMIT = 20_000

    def __init__(self, connector: Connector, job: str) -> None:
        self.mapping = connector.mapping
        self.job = job
        self._cache: dict[tuple[str, str, str], Any] = {}

    def __call__(self, platform_type: str, target: str, value: Any) -> Any:
        """``value`` of ``target`` as it reads back from a ``platform_type`` record."""
        key = (platform_type, target, dumps(value))
        if key in self._cache:
            return self._cache[key]
        record = self.mapping.records[platform_type]
        payload = record.reverse(nest({target: value}), job=self.job)
        shown = value
        if payload.values and not payload.failures:
            shown = flatten(jsonable(record.forward(payload.values).values)).get(target)
        if len(self._cache) >= self.LIMIT:
            self._cache.clear()
        self._cache[key] = shown
        return shown


def plan_connection(
    conn: Connection,
    connector: Connector,
    run_id: str,
    *,
    job: str = "sync",
    policy: str = KEEP_THEIRS,
    record_conflicts: bool = True,
    desired: DesiredIndex | None = None,
    since: datetime | None = None,
) -> Plan:
    """Plan the writes of one connection (nothing is written to the platform here).

    ``job`` selects the coisync-owned fields planned (the mapping's ``job``); ``desired``
    supplies that job's desired values (default: the verdicts the sync job stores), so another
    job such as reconciliation plans its own fields through this same planner and outbox.
    ``since`` (the start of the last complete plan on the same basis, :mod:`coisync.sync.basis`)
    limits the plan to refs written since and refs of parties judged since: nothing else can
    plan differently. ``Plan.records`` still counts every writable record (the write cap's base).
    """
    desired_for = desired or _desired_index
    name = connector.config.name
    plan = Plan(connection=name)
    mapping = connector.mapping
    writable: dict[str, list[str]] = {}
    for writer in connector.writers():
        if WriteTarget.COMPLIANCE_STATUS not in writer.targets or writer.platform_type not in mapping.records:
            continue
        targets = [c.spec.target for c in mapping.records[writer.platform_type].writable(job=job)]
        if targets:
            writable[writer.platform_type] = targets
    if not writable:
        return plan
    shown = ShownValues(connector, job)
    t = schema.external_refs
    of_types = t.c.platform_type.in_(sorted(writable))
    refs = iter_connection_refs(
        conn, name, where=of_types if since is None else sa.and_(of_types, _touched(since))
    )
    if since is not None:
        count = sa.select(sa.func.count()).select_from(t).where(t.c.connection == name, of_types)
        plan.records = int(conn.execute(count).scalar_one())
    for chunk in _chunks(refs, CHUNK):
        index = desired_for(conn, chunk)
        claimed: list[ExternalRef] = []
        for ref in chunk:
            plan.records += int(since is None)
            plan.examined += 1
            desired_all = index.get((ref.entity_kind.value, ref.entity_id))
            if desired_all is None:
                continue
            read = ref.last_known.get("read", {})
            written = ref.last_known.get("written", {})
            fields: dict[str, Any] = {}
            agreed: dict[str, Any] = {}
            for target in writable[ref.platform_type]:
                if target not in desired_all:
                    continue
                want, have = shown(ref.platform_type, target, desired_all[target]), read.get(target)
                if have == want:
                    if written.get(target) != want:
                        agreed[target] = want
                    continue
                if target in written and written[target] != have and have is not None:
                    is_new = record_conflicts and _record_conflict(
                        conn,
                        run_id,
                        ref,
                        target,
                        written[target],
                        have,
                        want,
                        "open" if policy == KEEP_THEIRS else "overridden",
                    )
                    plan.conflicts += int(is_new)
                    if policy == KEEP_THEIRS:
                        continue
                fields[target] = want
            if agreed and record_conflicts:
                claimed.append(_claim(ref, agreed))
            if not fields:
                continue
            payload = mapping.records[ref.platform_type].reverse(nest(fields), job=job)
            if payload.failures:
                plan.unmapped.extend(f"{ref.platform_type}:{ref.platform_id}: {f}" for f in payload.failures)
            if not payload.values:
                continue
            op = WriteOp(
                op_id=outbox.op_id(run_id, name, ref.platform_type, ref.platform_id, payload.values),
                connection=name,
                target=WriteTarget.COMPLIANCE_STATUS,
                platform_type=ref.platform_type,
                platform_id=ref.platform_id,
                payload=payload.values,
                desired=fields,
                job=job,
                expected_version=ref.version,
            )
            before = {t: read.get(t) for t in fields}
            plan.writes.append(PlannedWrite(op, before, (ref.entity_kind.value, ref.entity_id)))
        upsert_refs(conn, claimed, stored={ref_key(r): r for r in chunk})
    return plan


def _claim(ref: ExternalRef, agreed: Mapping[str, Any]) -> ExternalRef:
    """``ref`` with coisync-owned values the platform already shows recorded as coisync's.

    Without this, a field coisync never had to write (the platform already agreed) would not
    count as coisync's, and a person changing it later would be overwritten, not flagged.
    """
    known = dict(ref.last_known)
    known["written"] = {**known.get("written", {}), **agreed}
    return ref.model_copy(update={"last_known": known, "updated_at": datetime.now(tz=UTC)})
