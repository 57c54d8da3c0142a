"""The durable store: canonical records, refs, sync state, documents, locks and the audit log.

``open_store(url)`` creates the database on first use and migrates it to the newest revision
(the Alembic migrations ship inside this package); :class:`Store` is the one repository
interface over SQLAlchemy Core. SQLite (``sqlite:///path.db``, the default) and PostgreSQL
(``postgresql+psycopg://...``) behave the same.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from coisync.errors import StoreError
from coisync.store.audit import AuditEntry, AuditLog, VerifyResult
from coisync.store.engine import create_store_engine
from coisync.store.migrate import current_revision, head_revision, upgrade
from coisync.store.queries import PartyBundle, RecordVersion
from coisync.store.ref_changes import RefChange
from coisync.store.refs import RefKey
from coisync.store.state import Document, SyncState
from coisync.store.store import Store
from coisync.store.tables import RECORD_TABLES
from coisync.store.upsert import UpsertCounts


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open the store at ``url``, creating and migrating it to the newest revision when needed."""
    engine = create_store_engine(url)
    try:
        if migrate and current_revision(engine) != head_revision():
            upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StoreError(
            f"cannot open the store at {engine.url.render_as_string(hide_password=True)}: {reason} "
            "(check --db and that the database is reachable)"
        ) from exc
    return Store(engine, url)


__all__ = [
    "RECORD_TABLES",
    "AuditEntry",
    "AuditLog",
    "Document",
    "PartyBundle",
    "RecordVersion",
    "RefChange",
    "RefKey",
    "Store",
    "SyncState",
    "UpsertCounts",
    "VerifyResult",
    "open_store",
]
