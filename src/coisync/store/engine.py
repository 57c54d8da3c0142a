"""Engines for the store: SQLite with full durability, or PostgreSQL, behaving the same.

SQLite: WAL journal, ``synchronous=FULL`` (a committed sync state or outbox row survives a
power cut), foreign keys on, a busy timeout, and write transactions opened with
``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way. PostgreSQL:
``postgresql+psycopg://user@host/db``; a schema is chosen with the libpq ``options`` query
parameter (``?options=-csearch_path%3Dmyschema``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from coisync.errors import StoreError

BUSY_TIMEOUT_SECONDS = 30.0
"""How long a SQLite writer waits for another writer before giving up."""

WRITE_OPTION = "coisync_write"
"""Execution option marking a connection whose transaction will write."""

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for in-memory databases and other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _use_wal(cursor: Any) -> None:
    """Switch the database to WAL. Switching needs the database to itself, and SQLite answers
    "database is locked" at once, without waiting, when another process is switching it or
    migrating it at that moment (two jobs opening a new store together): wait and try again."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.02
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _configure_sqlite(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                _use_wal(cursor)
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_store_engine(url: str) -> Engine:
    """An engine for a store URL, configured for durability; raises StoreError when unusable."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"store URL {url!r} is not a database URL (use sqlite:///path.db or postgresql+psycopg://...)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StoreError(
            f"store backend {backend!r} is not supported (use sqlite:///path.db or postgresql+psycopg://...)"
        )
    if backend == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True)
    path = sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        raise StoreError(f"directory {path.parent} of the store does not exist (create it or change --db)")
    in_memory = path is None
    engine = sa.create_engine(
        parsed,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        poolclass=StaticPool if in_memory else None,
    )
    _configure_sqlite(engine, in_memory)
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside a write transaction, committed on success, rolled back on error."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for reading; its implicit transaction gives a consistent snapshot."""
    with engine.connect() as conn:
        yield conn
