"""The planner's diff of one chunk of refs against their desired values (reads and writes nothing).

For each ref and each field coisync owns for the job, the desired value (as the platform will
show it, :class:`ShownValues`) is compared with the ref's ``last_known``:

* ``read`` (what the platform showed on the last pull) equals the desired value: nothing to do
  (and the value is claimed as coisync's when coisync had not written it);
* ``written`` (what coisync last wrote) exists and differs from ``read``: a person changed the
  field inside the platform. The conflict policy decides: ``keep_theirs`` (default) records a
  conflict and writes nothing; ``ours`` writes and records the conflict as overridden;
* otherwise the field is written.

The result names the writes, the claims and the conflicts seen; :mod:`coisync.sync.plan` stores
them. Being a pure function of its inputs, a chunk can be diffed in a worker process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from coisync.connector import WriteOp, WriteTarget
from coisync.mapping.compiled import PlatformMapping
from coisync.mapping.paths import parse_path
from coisync.model import ExternalRef
from coisync.store.refs import RefView
from coisync.sync import outbox
from coisync.sync.outbox import PlannedWrite
from coisync.sync.values import dumps, flatten, jsonable

KEEP_THEIRS = "keep_theirs"
OURS = "ours"

DesiredValues = Mapping[tuple[str, str], Mapping[str, Any]]
"""Desired canonical values per (entity kind, entity id)."""

PlannedRef = ExternalRef | RefView
"""A ref as the planner reads it: a whole ref, or the view of it a large plan reads."""


@dataclass(frozen=True)
class ConflictSeen:
    """A coisync-owned field a person changed inside the platform."""

    ref: PlannedRef
    target: str
    ours: Any
    theirs: Any
    desired: Any


@dataclass
class ChunkDiff:
    """What one chunk of refs asks for."""

    examined: int = 0
    writes: list[PlannedWrite] = field(default_factory=list)
    claimed: list[dict[str, Any]] = field(default_factory=list)
    """Ref rows with agreed values recorded as coisync's (:func:`claim`)."""
    conflicts: list[ConflictSeen] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DiffRules:
    """What shapes a diff besides the refs: the job, its fields per record type, the policy."""

    connection: str
    run_id: str
    job: str
    writable: Mapping[str, Sequence[str]]
    """coisync-owned targets of the job per writable platform type."""
    policy: str = KEEP_THEIRS
    claim: bool = True
    """Record agreed values as coisync's (off for a dry run, which stores nothing)."""


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``dotted.target: value`` pairs as the nested dict the reverse mapping reads."""
    nested: dict[str, Any] = {}
    for target, value in flat.items():
        parse_path(target).set(nested, value)
    return nested


class ShownValues:
    """What a platform will show, in canonical form, after coisync writes a value.

    A lossy code table reads back differently (Procore has no ``expiring``: it is written as,
    and reads back as, ``compliant``) and an empty text reads back as nothing. The planner
    compares and records these round-tripped values, so reading back its own write is never
    taken for a change, and never for a person's edit.
    """

    LIMIT = 20_000

    def __init__(self, mapping: PlatformMapping, job: str) -> None:
        self.mapping = mapping
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


def diff_chunk(
    refs: Sequence[PlannedRef], desired: DesiredValues, rules: DiffRules, shown: ShownValues
) -> ChunkDiff:
    """The writes, claims and conflicts of one chunk of refs (see the module docs)."""
    out = ChunkDiff()
    for ref in refs:
        out.examined += 1
        desired_all = desired.get((ref.entity_kind.value, ref.entity_id))
        if desired_all is None:
            continue
        read = ref.last_known.get("read", {})
        written = ref.last_known.get("written", {})
        fields: dict[str, Any] = {}
        agreed: dict[str, Any] = {}
        for target in rules.writable[ref.platform_type]:
            if target not in desired_all:
                continue
            want, have = shown(ref.platform_type, target, desired_all[target]), read.get(target)
            if have == want:
                if written.get(target) != want:
                    agreed[target] = want
                continue
            if target in written and written[target] != have and have is not None:
                out.conflicts.append(ConflictSeen(ref, target, written[target], have, want))
                if rules.policy == KEEP_THEIRS:
                    continue
            fields[target] = want
        if agreed and rules.claim:
            out.claimed.append(claim(ref, agreed))
        if fields:
            _write(ref, fields, read, rules, shown.mapping, out)
    return out


def _write(
    ref: PlannedRef,
    fields: dict[str, Any],
    read: Mapping[str, Any],
    rules: DiffRules,
    mapping: PlatformMapping,
    out: ChunkDiff,
) -> None:
    payload = mapping.records[ref.platform_type].reverse(nest(fields), job=rules.job)
    if payload.failures:
        out.unmapped.extend(f"{ref.platform_type}:{ref.platform_id}: {f}" for f in payload.failures)
    if not payload.values:
        return
    op = WriteOp(
        op_id=outbox.op_id(
            rules.run_id, rules.connection, ref.platform_type, ref.platform_id, payload.values
        ),
        connection=rules.connection,
        target=WriteTarget.COMPLIANCE_STATUS,
        platform_type=ref.platform_type,
        platform_id=ref.platform_id,
        payload=payload.values,
        desired=fields,
        job=rules.job,
        expected_version=ref.version,
    )
    before = {t: read.get(t) for t in fields}
    out.writes.append(PlannedWrite(op, before, (ref.entity_kind.value, ref.entity_id)))


def claim(ref: PlannedRef, agreed: Mapping[str, Any]) -> dict[str, Any]:
    """The update of ``ref`` that records values the platform already shows as coisync's
    (a row for :func:`coisync.store.refs.update_last_known`).

    Without this, a field coisync never had to write (the platform already agreed) would not
    count as coisync's, and a person changing it later would be overwritten, not flagged.
    """
    known = dict(ref.last_known)
    known["written"] = {**known.get("written", {}), **agreed}
    key = (ref.connection, ref.platform_type, ref.platform_id)
    return {"key": key, "last_known": known, "updated_at": datetime.now(tz=UTC)}
