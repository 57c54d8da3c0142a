"""The repository interface every package uses to read and write the durable store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from coisync.errors import UsageError
from coisync.model import (
    Agreement,
    CanonicalModel,
    Certificate,
    ExternalRef,
    Party,
    Property,
    PropertyEvidence,
    Waiver,
)
from coisync.store import locks, queries, ref_changes, refs, schema, state
from coisync.store.audit import AuditLog
from coisync.store.engine import read_connection, sqlite_path, write_transaction
from coisync.store.migrate import current_revision
from coisync.store.queries import PartyBundle, RecordVersion
from coisync.store.ref_changes import RefChange
from coisync.store.refs import RefKey
from coisync.store.state import Document, SyncState
from coisync.store.tables import RECORD_TABLES
from coisync.store.upsert import UpsertCounts, upsert_records, utcnow


class Store:
    """Canonical records, external refs, sync state, documents, locks and the audit log.

    Write methods take an optional ``conn`` from :meth:`transaction` so several writes (rows,
    cursor, audit row) commit together; without one, each call is its own transaction.
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.audit = AuditLog(engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def revision(self) -> str | None:
        """The migration revision the database is at."""
        return current_revision(self.engine)

    def transaction(self) -> AbstractContextManager[Connection]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        return write_transaction(self.engine)

    @contextmanager
    def _writing(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        with write_transaction(self.engine) as own:
            yield own

    def lock(self, name: str) -> AbstractContextManager[None]:
        """Hold the named run lock; raises LockHeldError at once when another run holds it."""
        if self.dialect == "postgresql":
            return locks.advisory_lock(self.engine, name)
        path = sqlite_path(self.url)
        if path is None:
            return locks.process_lock(f"{id(self.engine)}:{name}")
        return locks.file_lock(locks.lock_file_path(path, name), name)

    # Canonical records -------------------------------------------------------------------

    def upsert(
        self, record_type: str, models: Sequence[CanonicalModel], *, conn: Connection | None = None
    ) -> UpsertCounts:
        """Write a batch of one record type (see ``RECORD_TABLES``); unchanged records write nothing."""
        spec = RECORD_TABLES.get(record_type)
        if spec is None:
            raise UsageError(
                f"unknown record type {record_type!r}; expected one of {', '.join(RECORD_TABLES)}"
            )
        for model in models:
            if not isinstance(model, spec.model):
                raise TypeError(f"a {record_type} batch cannot hold a {type(model).__name__}")
        with self._writing(conn) as db:
            return upsert_records(db, spec, models)

    def get_party(self, party_id: str) -> Party | None:
        """One party, or None."""
        with read_connection(self.engine) as conn:
            return queries.get_one(conn, schema.parties, Party, party_id)

    def get_property(self, property_id: str) -> Property | None:
        """One property, or None."""
        with read_connection(self.engine) as conn:
            return queries.get_one(conn, schema.properties, Property, property_id)

    def get_agreement(self, agreement_id: str) -> Agreement | None:
        """One agreement, or None."""
        with read_connection(self.engine) as conn:
            return queries.get_one(conn, schema.agreements, Agreement, agreement_id)

    def get_waiver(self, waiver_id: str) -> Waiver | None:
        """One waiver, or None."""
        with read_connection(self.engine) as conn:
            return queries.get_one(conn, schema.waivers, Waiver, waiver_id)

    def get_certificate(self, certificate_id: str, version: int | None = None) -> Certificate | None:
        """The latest (or one given) version of a certificate, or None."""
        with read_connection(self.engine) as conn:
            if version is None:
                return queries.get_one(conn, schema.certificates, Certificate, certificate_id)
            return queries.get_version(conn, schema.certificates, Certificate, certificate_id, version)

    def get_evidence(self, evidence_id: str, version: int | None = None) -> PropertyEvidence | None:
        """The latest (or one given) version of a property evidence, or None."""
        with read_connection(self.engine) as conn:
            if version is None:
                return queries.get_one(conn, schema.evidence, PropertyEvidence, evidence_id)
            return queries.get_version(conn, schema.evidence, PropertyEvidence, evidence_id, version)

    def certificate_history(self, certificate_id: str) -> list[RecordVersion[Certificate]]:
        """Every version of a certificate, oldest first."""
        with read_connection(self.engine) as conn:
            return queries.history(conn, schema.certificates, Certificate, certificate_id)

    def evidence_history(self, evidence_id: str) -> list[RecordVersion[PropertyEvidence]]:
        """Every version of a property evidence, oldest first."""
        with read_connection(self.engine) as conn:
            return queries.history(conn, schema.evidence, PropertyEvidence, evidence_id)

    def iter_parties(
        self, kind: str | None = None, chunk_size: int = queries.DEFAULT_CHUNK
    ) -> Iterator[Party]:
        """Every party (optionally of one kind), ordered by id, streamed in chunks."""
        where = [] if kind is None else [schema.parties.c.kind == kind]
        with read_connection(self.engine) as conn:
            yield from queries.iter_table(conn, schema.parties, Party, *where, chunk_size=chunk_size)

    def iter_properties(self) -> Iterator[Property]:
        """Every property, ordered by id."""
        with read_connection(self.engine) as conn:
            yield from queries.iter_table(conn, schema.properties, Property)

    def iter_agreements(self) -> Iterator[Agreement]:
        """Every agreement, ordered by id."""
        with read_connection(self.engine) as conn:
            yield from queries.iter_table(conn, schema.agreements, Agreement)

    def agreements_for_party(self, party_id: str) -> list[Agreement]:
        """A party's agreements, ordered by id."""
        with read_connection(self.engine) as conn:
            return queries.for_parties(conn, schema.agreements, Agreement, [party_id]).get(party_id, [])

    def certificates_for_party(self, party_id: str, latest_only: bool = True) -> list[Certificate]:
        """A party's certificates: the latest version of each, or every version."""
        table = schema.certificates
        where = [queries.latest(table)] if latest_only else []
        with read_connection(self.engine) as conn:
            return queries.for_parties(conn, table, Certificate, [party_id], *where).get(party_id, [])

    def evidence_for_party(self, party_id: str, latest_only: bool = True) -> list[PropertyEvidence]:
        """A party's property evidence: the latest version of each, or every version."""
        table = schema.evidence
        where = [queries.latest(table)] if latest_only else []
        with read_connection(self.engine) as conn:
            return queries.for_parties(conn, table, PropertyEvidence, [party_id], *where).get(party_id, [])

    def waivers_for_party(self, party_id: str, active_on: date | None = None) -> list[Waiver]:
        """A party's waivers; only those active on ``active_on`` when given."""
        with read_connection(self.engine) as conn:
            found = queries.for_parties(conn, schema.waivers, Waiver, [party_id]).get(party_id, [])
        return found if active_on is None else [w for w in found if w.active_on(active_on)]

    def iter_party_bundles(
        self, kind: str | None = None, chunk_size: int = queries.DEFAULT_CHUNK
    ) -> Iterator[PartyBundle]:
        """Every party with its agreements, latest certificates and evidence, and waivers, in bulk."""
        with read_connection(self.engine) as conn:
            yield from queries.iter_party_bundles(conn, kind, chunk_size)

    def revoke_waiver(self, waiver_id: str, actor: str, at: datetime | None = None) -> Waiver:
        """Revoke a waiver (kept, with ``revoked_at``) and audit it."""
        with self.transaction() as conn:
            waiver = queries.get_one(conn, schema.waivers, Waiver, waiver_id)
            if waiver is None:
                raise UsageError(f"no waiver {waiver_id!r}")
            revoked = waiver.model_copy(update={"revoked_at": at or utcnow()})
            upsert_records(conn, RECORD_TABLES["waiver"], [revoked])
            self.audit.append(
                actor, "waiver.revoke", f"waiver:{waiver_id}", {"revoked_at": revoked.revoked_at}, conn=conn
            )
        return revoked

    def counts(self) -> dict[str, int]:
        """Rows per record table (every version of versioned ones)."""
        with read_connection(self.engine) as conn:
            return queries.count_rows(conn, {name: spec.table for name, spec in RECORD_TABLES.items()})

    # External refs and identity ----------------------------------------------------------

    def upsert_refs(self, items: Sequence[ExternalRef], *, conn: Connection | None = None) -> UpsertCounts:
        """Insert or update external refs keyed by (connection, platform_type, platform_id)."""
        with self._writing(conn) as db:
            return refs.upsert_refs(db, items)

    def get_ref(self, connection: str, platform_type: str, platform_id: str) -> ExternalRef | None:
        """One external ref, or None."""
        with read_connection(self.engine) as conn:
            return refs.get_ref(conn, (connection, platform_type, platform_id))

    def refs_for_entity(self, kind: str, entity_id: str) -> list[ExternalRef]:
        """Every platform record attached to one canonical entity."""
        with read_connection(self.engine) as conn:
            return refs.refs_for_entity(conn, kind, entity_id)

    def link(self, kind: str, from_id: str, to_id: str, actor: str, reason: str | None = None) -> RefChange:
        """Move every ref of ``from_id`` onto ``to_id`` (they are one entity); audited, undoable."""
        with self.transaction() as conn:
            change = ref_changes.link(conn, kind, from_id, to_id, actor, reason)
            self._audit_change(conn, actor, change, reason)
        return change

    def unlink(self, keys: Sequence[RefKey], to_id: str, actor: str, reason: str | None = None) -> RefChange:
        """Move the chosen refs onto ``to_id`` (they were not that entity); audited, undoable."""
        with self.transaction() as conn:
            change = ref_changes.unlink(conn, keys, to_id, actor, reason)
            self._audit_change(conn, actor, change, reason)
        return change

    def undo_ref_change(self, change_id: int, actor: str) -> RefChange:
        """Restore every ref a link or unlink moved to its previous target; audited."""
        with self.transaction() as conn:
            change = ref_changes.undo(conn, change_id, actor)
            self._audit_change(conn, actor, change, None)
        return change

    def _audit_change(self, conn: Connection, actor: str, change: RefChange, reason: str | None) -> None:
        payload: dict[str, Any] = {
            "change_id": change.change_id,
            "reason": reason,
            "moved": [
                {"ref": "/".join(key), "from": "/".join(before), "to": "/".join(after)}
                for key, before, after in change.moved
            ],
        }
        self.audit.append(
            actor, f"identity.{change.action}", f"ref_change:{change.change_id}", payload, conn=conn
        )

    # Sync state and documents ------------------------------------------------------------

    def get_sync_state(self, connection: str, stream: str) -> SyncState | None:
        """The saved cursor of one stream, or None."""
        with read_connection(self.engine) as conn:
            return state.get_sync_state(conn, connection, stream)

    def set_sync_state(
        self,
        connection: str,
        stream: str,
        cursor: Any,
        run_id: str | None = None,
        *,
        conn: Connection | None = None,
    ) -> None:
        """Save a stream's cursor; pass ``conn`` to commit it with the rows it covers."""
        with self._writing(conn) as db:
            state.set_sync_state(db, connection, stream, cursor, run_id)

    def put_document(self, content: bytes, media_type: str, *, conn: Connection | None = None) -> str:
        """Store a document by content (once) and return its SHA-256."""
        with self._writing(conn) as db:
            return state.put_document(db, content, media_type)[0]

    def get_document(self, sha256: str) -> Document | None:
        """A stored document by SHA-256, or None."""
        with read_connection(self.engine) as conn:
            return state.get_document(conn, sha256)

    def table_names(self) -> list[str]:
        """Tables present in the database (for diagnostics)."""
        return sorted(sa.inspect(self.engine).get_table_names())
