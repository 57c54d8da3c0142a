"""One pull batch, prepared (read and computed) and applied (written) as two steps.

Preparing reads the refs and current entities a batch needs and computes everything it writes:
the unchanged check, mapping, canonical entities (encoded), refs and quarantine entries.
Applying writes that with the stream's cursor. Inline both happen in one write transaction.

A large pull prepares batches ahead in worker processes, each reading the committed store
(:mod:`coisync.sync.workers`). Inside the write transaction the main process then checks that
every ref and entity a preparation read is still exactly as it was read (an earlier batch of
the same run, or another job, may have written it since); only then is the prepared batch
applied, otherwise it is prepared again there, inside the transaction. What is committed is
therefore the same as without workers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.connector import Connector, PlatformRecord, Quarantined, Stream
from coisync.model import CanonicalModel
from coisync.store import RECORD_TABLES, schema
from coisync.store.queries import load
from coisync.store.refs import (
    RefKey,
    RefState,
    RefWrites,
    ref_rows,
    ref_state,
    ref_states,
    ref_writes,
    refs_from_rows,
)
from coisync.store.upsert import EncodedRecord, encode_records, record_id
from coisync.sync.assemble import Assembler, related_keys
from coisync.sync.fingerprints import fingerprint, mapping_fingerprint

ENTITY_RECORD_TYPE = {"party": "party", "property": "property", "agreement": "agreement"}


@dataclass
class Prepared:
    """A batch ready to write, with what its preparation read.

    It holds no platform record: a worker hands it back to the main process, which has the
    batch's records already (sending them back cost as much as a tenth of the pull).
    """

    pending: list[RefKey] = field(default_factory=list)
    """Records that changed (the rest are unchanged)."""
    models: dict[str, list[EncodedRecord]] = field(default_factory=dict)
    refs: RefWrites | None = None
    quarantined: list[Quarantined] = field(default_factory=list)
    changed_parties: set[str] = field(default_factory=set)
    moved_properties: list[str] = field(default_factory=list)
    """Properties whose content changed: the parties at them are judged again."""
    unchanged: int = 0
    read_refs: dict[RefKey, RefState | None] = field(default_factory=dict)
    read_entities: dict[str, str | None] = field(default_factory=dict)
    """Content hashes of the current entities read (None: none stored)."""
    record_type: str | None = None

    @property
    def changed(self) -> int:
        """Entities written (new or changed)."""
        return sum(len(m) for m in self.models.values())


def ref_defaults(connector: Connector) -> dict[str, str]:
    """The record type a plain ``party_ref`` / ``property_ref`` means: the connector's only one."""
    defaults: dict[str, str] = {}
    for target, entity in (("party_ref", "party"), ("property_ref", "property")):
        types = {s.platform_type for s in connector.streams() if s.entity == entity}
        if len(types) == 1:
            defaults[target] = types.pop()
    return defaults


def with_fingerprints(
    connector: Connector, stream: Stream, records: Sequence[PlatformRecord]
) -> list[PlatformRecord]:
    """Records with their content hash bound to the mapping they are read through."""
    salt = mapping_fingerprint(connector, stream.platform_type)
    return [r.with_content_hash(fingerprint(r.content_hash, salt)) for r in records]


def _read_refs(conn: Connection, keys: Sequence[RefKey], prepared: Prepared) -> dict[RefKey, Any]:
    rows = ref_rows(conn, keys)
    for key in keys:
        row = rows.get(key)
        prepared.read_refs[key] = ref_state(row) if row is not None else None
    return rows


def _current(
    conn: Connection, record_type: str, ids: Sequence[str], prepared: Prepared
) -> dict[str, CanonicalModel]:
    spec = RECORD_TABLES[record_type]
    wanted = list(dict.fromkeys(ids))
    if not wanted or spec.versioned:
        return {}
    table = spec.table
    rows = conn.execute(
        sa.select(table.c.id, table.c.body, table.c.content_hash).where(table.c.id.in_(wanted))
    )
    found = {row.id: row for row in rows}
    for entity_id in wanted:
        row = found.get(entity_id)
        prepared.read_entities[entity_id] = row.content_hash if row is not None else None
    return {entity_id: load(spec.model, row.body) for entity_id, row in found.items()}


def prepare_batch(
    conn: Connection, connector: Connector, stream: Stream, records: Sequence[PlatformRecord]
) -> Prepared:
    """Read and compute one batch (``records`` already carry fingerprints); writes nothing.

    A record is unchanged when its ref holds the same fingerprint: the raw record's content
    hash bound to the mapping's, so editing a mapping re-maps every record once.
    """
    name = connector.config.name
    mapping = connector.mapping.record(stream.platform_type)
    assembler = Assembler(name, ref_defaults(connector))
    prepared = Prepared()
    own = [(name, r.platform_type, r.platform_id) for r in records]
    stored = _read_refs(conn, own, prepared)
    pending = [
        r
        for r, key in zip(records, own, strict=True)
        if key not in stored or stored[key].content_hash != r.content_hash
    ]
    prepared.pending = [(name, r.platform_type, r.platform_id) for r in pending]
    related: list[RefKey] = []
    mapped_records = {}
    for record, key in zip(pending, prepared.pending, strict=True):
        mapped = mapping.forward(record.raw)
        mapped_records[key] = mapped
        related.extend(related_keys(name, mapped.values, assembler.ref_defaults))
    wanted = [key for key in dict.fromkeys(related) if key not in prepared.read_refs]
    rows = {**stored, **_read_refs(conn, wanted, prepared)}
    needed = {*prepared.pending, *related}
    known = refs_from_rows({key: row for key, row in rows.items() if key in needed})
    prepared.record_type = ENTITY_RECORD_TYPE.get(stream.entity)
    existing: Mapping[str, CanonicalModel] = {}
    if prepared.record_type:
        ids = [assembler.entity_id(key, known) for key in prepared.pending]
        existing = _current(conn, prepared.record_type, ids, prepared)
    batch = assembler.assemble(
        pending, mapping, stream.entity, known, existing, force=True, mapped_records=mapped_records
    )
    prepared.unchanged = batch.unchanged + len(records) - len(pending)
    prepared.models = {
        rtype: encode_records(RECORD_TABLES[rtype], models) for rtype, models in batch.models.items()
    }
    prepared.refs = ref_writes(batch.refs, known)
    prepared.quarantined = batch.quarantined
    prepared.changed_parties = set(batch.changed_parties)
    prepared.moved_properties = [
        record_id(m) for m in batch.models.get("property", ()) if existing.get(record_id(m)) != m
    ]
    return prepared


def still_valid(conn: Connection, prepared: Prepared) -> bool:
    """Whether every ref and current entity ``prepared`` read is still stored as it was read."""
    now = ref_states(conn, list(prepared.read_refs))
    if any(now.get(key) != seen for key, seen in prepared.read_refs.items()):
        return False
    if prepared.read_entities and prepared.record_type:
        table = RECORD_TABLES[prepared.record_type].table
        ids = list(prepared.read_entities)
        hashes = dict(
            conn.execute(sa.select(table.c.id, table.c.content_hash).where(table.c.id.in_(ids)))
            .tuples()
            .all()
        )
        return all(hashes.get(i) == seen for i, seen in prepared.read_entities.items())
    return True


def parties_at(conn: Connection, property_ids: Sequence[str]) -> set[str]:
    """Parties whose verdict depends on these properties (holder and additional-insured names,
    templates): those with an agreement there, and those listing the property."""
    a, p = schema.agreements, schema.parties
    found: set[str] = set()
    for start in range(0, len(property_ids), 500):
        chunk = list(property_ids[start : start + 500])
        found.update(conn.execute(sa.select(a.c.party_id).where(a.c.property_id.in_(chunk))).scalars())
    if len(property_ids) <= 20:
        for property_id in property_ids:
            found.update(
                conn.execute(sa.select(p.c.id).where(p.c.body.contains(f'"{property_id}"'))).scalars()
            )
    else:  # many changed properties: one pass over the parties instead of a scan per property
        listed = re.compile("|".join(re.escape(f'"{pid}"') for pid in property_ids))
        found.update(row.id for row in conn.execute(sa.select(p.c.id, p.c.body)) if listed.search(row.body))
    return found
