"""Reading canonical records back: single lookups, per-party lists and bulk streams.

Every loader returns canonical model instances rebuilt from the stored canonical JSON.
:func:`iter_party_bundles` streams parties in keyset-paginated chunks and fetches the chunk's
agreements, certificates, evidence and waivers with one query per table (no N+1), so a
compliance run over 100k parties issues a few hundred queries, not half a million.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.model import Agreement, CanonicalModel, Certificate, Party, PropertyEvidence, Waiver
from coisync.store import schema

M = TypeVar("M", bound=CanonicalModel)
T = TypeVar("T")

DEFAULT_CHUNK = 1000


@dataclass(frozen=True)
class PartyBundle:
    """One party with everything its evaluation needs (latest certificate and evidence versions)."""

    party: Party
    agreements: tuple[Agreement, ...]
    certificates: tuple[Certificate, ...]
    evidence: tuple[PropertyEvidence, ...]
    waivers: tuple[Waiver, ...]


@dataclass(frozen=True)
class RecordVersion(Generic[T]):
    """One stored version of a versioned record."""

    version: int
    created_at: datetime
    record: T


def as_utc(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite returns naive values)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def load(model: type[M], body: str) -> M:
    """A model rebuilt from its stored canonical JSON."""
    return model.model_validate_json(body)


def get_one(conn: Connection, table: sa.Table, model: type[M], record_id: str) -> M | None:
    """The current (or latest) record with this id, or None."""
    query = sa.select(table.c.body).where(table.c.id == record_id)
    if "is_latest" in table.c:
        query = query.where(table.c.is_latest.is_(True))
    body = conn.execute(query).scalar_one_or_none()
    return None if body is None else load(model, body)


def get_version(conn: Connection, table: sa.Table, model: type[M], record_id: str, version: int) -> M | None:
    """One specific version of a versioned record, or None."""
    body = conn.execute(
        sa.select(table.c.body).where(table.c.id == record_id, table.c.version == version)
    ).scalar_one_or_none()
    return None if body is None else load(model, body)


def history(conn: Connection, table: sa.Table, model: type[M], record_id: str) -> list[RecordVersion[M]]:
    """Every version of a versioned record, oldest first."""
    rows = conn.execute(
        sa.select(table.c.version, table.c.created_at, table.c.body)
        .where(table.c.id == record_id)
        .order_by(table.c.version)
    )
    return [RecordVersion(row.version, as_utc(row.created_at), load(model, row.body)) for row in rows]


def iter_table(
    conn: Connection,
    table: sa.Table,
    model: type[M],
    *where: sa.ColumnElement[bool],
    chunk_size: int = DEFAULT_CHUNK,
) -> Iterator[M]:
    """Every matching record ordered by id, fetched in keyset-paginated chunks."""
    last: str | None = None
    while True:
        query = sa.select(table.c.id, table.c.body).where(*where).order_by(table.c.id).limit(chunk_size)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = conn.execute(query).all()
        for row in rows:
            yield load(model, row.body)
        if len(rows) < chunk_size:
            return
        last = rows[-1].id


def for_parties(
    conn: Connection,
    table: sa.Table,
    model: type[M],
    party_ids: Sequence[str],
    *where: sa.ColumnElement[bool],
) -> dict[str, list[M]]:
    """Records of many parties in one query, grouped by party id, each group ordered by id (and version)."""
    grouped: dict[str, list[M]] = defaultdict(list)
    if not party_ids:
        return grouped
    order = [table.c.party_id, table.c.id, *([table.c.version] if "version" in table.c else [])]
    rows = conn.execute(
        sa.select(table.c.party_id, table.c.body)
        .where(table.c.party_id.in_(list(party_ids)), *where)
        .order_by(*order)
    )
    for row in rows:
        grouped[row.party_id].append(load(model, row.body))
    return grouped


def latest(table: sa.Table) -> sa.ColumnElement[bool]:
    """The condition selecting the latest version of versioned records."""
    return table.c.is_latest.is_(True)


def iter_party_bundles(
    conn: Connection, kind: str | None = None, chunk_size: int = DEFAULT_CHUNK
) -> Iterator[PartyBundle]:
    """Every party (optionally of one kind) with its records, in chunks of ``chunk_size``."""
    where: list[sa.ColumnElement[bool]] = []
    if kind is not None:
        where.append(schema.parties.c.kind == kind)
    chunk: list[Party] = []
    for party in iter_table(conn, schema.parties, Party, *where, chunk_size=chunk_size):
        chunk.append(party)
        if len(chunk) >= chunk_size:
            yield from _bundle(conn, chunk)
            chunk = []
    if chunk:
        yield from _bundle(conn, chunk)


def party_bundles(
    conn: Connection, party_ids: Sequence[str], chunk_size: int = DEFAULT_CHUNK
) -> Iterator[PartyBundle]:
    """The bundles of the listed parties that exist, in chunks of ``chunk_size`` (in id order)."""
    ids = sorted(set(party_ids))
    t = schema.parties
    for start in range(0, len(ids), chunk_size):
        rows = conn.execute(
            sa.select(t.c.body).where(t.c.id.in_(ids[start : start + chunk_size])).order_by(t.c.id)
        )
        yield from _bundle(conn, [load(Party, row.body) for row in rows])


def _bundle(conn: Connection, parties: list[Party]) -> Iterator[PartyBundle]:
    ids = [p.id for p in parties]
    agreements = for_parties(conn, schema.agreements, Agreement, ids)
    certificates = for_parties(conn, schema.certificates, Certificate, ids, latest(schema.certificates))
    evidence = for_parties(conn, schema.evidence, PropertyEvidence, ids, latest(schema.evidence))
    waivers = for_parties(conn, schema.waivers, Waiver, ids)
    for party in parties:
        yield PartyBundle(
            party=party,
            agreements=tuple(agreements.get(party.id, ())),
            certificates=tuple(certificates.get(party.id, ())),
            evidence=tuple(evidence.get(party.id, ())),
            waivers=tuple(waivers.get(party.id, ())),
        )


def count_rows(conn: Connection, tables: dict[str, sa.Table]) -> dict[str, Any]:
    """Row counts per table (all versions for versioned tables)."""
    return {
        name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for name, table in tables.items()
    }
