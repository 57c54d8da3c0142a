"""The one planner: desired values of coisync-owned fields, diffed against what platforms show.

For every ref of a connection whose record type has a writer, the planner looks up the
canonical values coisync wants (stored with the party's verdict), keeps the fields the mapping
says coisync owns for the job, and compares each with the ref's ``last_known``
(:mod:`coisync.sync.plan_diff`). Only differences become writes, so an unchanged portfolio
plans nothing and a value coisync wrote and then read back (an echo) is not a change. Claims
and conflicts the diff finds are stored here, in the plan's transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.connector import Connector, WriteTarget
from coisync.jsontext import loads
from coisync.model import EntityKind, ExternalRef
from coisync.store import schema
from coisync.store.engine import read_connection
from coisync.store.refs import RefKey, iter_connection_refs, ref_views, update_last_known
from coisync.sync import workers
from coisync.sync.fingerprints import mapping_fingerprint
from coisync.sync.outbox import PlannedWrite
from coisync.sync.plan_diff import (
    KEEP_THEIRS,
    OURS,
    ChunkDiff,
    DiffRules,
    PlannedRef,
    ShownValues,
    diff_chunk,
    nest,
)
from coisync.sync.tables import conflicts, verdicts
from coisync.sync.values import dumps

__all__ = [
    "KEEP_THEIRS",
    "OURS",
    "DesiredIndex",
    "Plan",
    "PlannedWrite",
    "nest",
    "plan_connection",
    "plan_digest",
]

DesiredIndex = Callable[[Connection, Sequence[PlannedRef]], dict[tuple[str, str], dict[str, Any]]]
"""Desired canonical values per (entity kind, entity id) for a chunk of a connection's refs."""

CHUNK = 1000
KEPT = 2000
"""Planned writes a plan with a sink keeps in memory to describe itself."""

WriteSink = Callable[[list[PlannedWrite]], None]
"""Takes each chunk's planned writes as they are planned (the engine adds them to the outbox)."""


@dataclass
class Plan:
    """The planner's result for one connection."""

    connection: str
    records: int = 0
    examined: int = 0
    writes: list[PlannedWrite] = field(default_factory=list)
    """The planned writes; with a ``sink``, only the first :data:`KEPT` (for describing the plan)."""
    planned: int = 0
    """How many writes were planned."""
    conflicts: int = 0
    unmapped: list[str] = field(default_factory=list)


def _desired_index(conn: Connection, refs: Sequence[PlannedRef]) -> dict[tuple[str, str], dict[str, Any]]:
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
        row.party_id: loads(row.body)
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
    ref: PlannedRef,
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
    processes: int = 1,
    store_url: str | None = None,
    sink: WriteSink | None = None,
) -> Plan:
    """Plan the writes of one connection (nothing is written to the platform here).

    ``job`` selects the coisync-owned fields planned (the mapping's ``job``); ``desired``
    supplies that job's desired values (default: the verdicts the sync job stores), so another
    job such as reconciliation plans its own fields through this same planner and outbox.
    ``since`` (the start of the last complete plan on the same basis, :mod:`coisync.sync.basis`)
    limits the plan to refs written since and refs of parties judged since: nothing else can
    plan differently. ``Plan.records`` still counts every writable record (the write cap's base).
    With a ``sink``, each chunk's writes are handed to it as planned and the plan keeps only the
    first few (memory stays bounded by a chunk). With ``processes`` above 1 and the store's ``store_url``, a large plan of the stored
    verdicts is diffed in worker processes (:mod:`coisync.sync.workers`); the result is the same.
    """
    name = connector.config.name
    plan = Plan(connection=name)
    writable = _writable(connector, job)
    if not writable:
        return plan
    rules = DiffRules(name, run_id, job, writable, policy, claim=record_conflicts)
    t = schema.external_refs
    of_types = t.c.platform_type.in_(sorted(writable))
    where = of_types if since is None else sa.and_(of_types, _touched(since))
    if since is not None:
        count = sa.select(sa.func.count()).select_from(t).where(t.c.connection == name, of_types)
        plan.records = int(conn.execute(count).scalar_one())
    if desired is None and store_url is not None and processes > 1:
        keys = [
            (name, row.platform_type, row.platform_id)
            for row in conn.execute(
                sa.select(t.c.platform_type, t.c.platform_id)
                .where(t.c.connection == name, where)
                .order_by(t.c.platform_type, t.c.platform_id)
            )
        ]
        chunks: Iterable[list[Any]] = [keys[start : start + CHUNK] for start in range(0, len(keys), CHUNK)]
        inputs = {"rules": rules, "mapping": connector.mapping}
        with workers.pool(store_url, processes, len(keys) // CHUNK + 1, inputs) as executor:
            shown = ShownValues(connector.mapping, job)
            diffs = workers.ordered(
                executor,
                _diff_in_worker,
                chunks,
                lambda chunk: _diff_keys(conn, chunk, rules, shown),
                ahead=2 * processes,
            )
            for diff in diffs:
                _take(conn, plan, diff, rules, record_conflicts, sink)
    else:
        desired_for = desired or _desired_index
        shown = ShownValues(connector.mapping, job)
        for chunk in _chunks(iter_connection_refs(conn, name, where=where), CHUNK):
            diff = diff_chunk(chunk, desired_for(conn, chunk), rules, shown)
            _take(conn, plan, diff, rules, record_conflicts, sink)
    if since is None:
        plan.records = plan.examined
    return plan


def _writable(connector: Connector, job: str) -> dict[str, list[str]]:
    """coisync-owned targets of ``job`` per platform type a status writer writes."""
    mapping = connector.mapping
    writable: dict[str, list[str]] = {}
    for writer in connector.writers():
        if WriteTarget.COMPLIANCE_STATUS not in writer.targets or writer.platform_type not in mapping.records:
            continue
        targets = [c.spec.target for c in mapping.records[writer.platform_type].writable(job=job)]
        if targets:
            writable[writer.platform_type] = targets
    return writable


def _diff_keys(conn: Connection, keys: list[RefKey], rules: DiffRules, shown: ShownValues) -> ChunkDiff:
    """Read a chunk of refs by key, with their desired values, and diff them."""
    found = ref_views(conn, keys)
    refs: list[PlannedRef] = [found[key] for key in keys if key in found]
    return diff_chunk(refs, _desired_index(conn, refs), rules, shown)


def _diff_in_worker(keys: list[RefKey]) -> ChunkDiff:
    """:func:`_diff_keys` inside a worker process (:mod:`coisync.sync.workers`)."""
    inputs = workers.state()
    shown = inputs.setdefault("shown", ShownValues(inputs["mapping"], inputs["rules"].job))
    with read_connection(workers.engine()) as conn:
        return _diff_keys(conn, keys, inputs["rules"], shown)


def _take(
    conn: Connection, plan: Plan, diff: ChunkDiff, rules: DiffRules, record: bool, sink: WriteSink | None
) -> None:
    """Add one chunk's diff to the plan: its writes (handed to ``sink`` when there is one), and
    (unless ``record`` is off) its claims and conflicts stored."""
    plan.examined += diff.examined
    plan.planned += len(diff.writes)
    if sink is None:
        plan.writes.extend(diff.writes)
    else:
        plan.writes.extend(diff.writes[: max(0, KEPT - len(plan.writes))])
        if diff.writes:
            sink(diff.writes)
    plan.unmapped.extend(diff.unmapped)
    if record:
        for seen in diff.conflicts:
            state = "open" if rules.policy == KEEP_THEIRS else "overridden"
            plan.conflicts += int(
                _record_conflict(
                    conn, rules.run_id, seen.ref, seen.target, seen.ours, seen.theirs, seen.desired, state
                )
            )
        update_last_known(conn, diff.claimed)
