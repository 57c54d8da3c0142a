"""Named run locks: one sync, import or follow-up run per name at a time.

SQLite stores use an ``fcntl.flock`` on a file beside the database (``<db>.<name>.lock``),
released by the kernel if the process dies. PostgreSQL stores use a session advisory lock
(``pg_try_advisory_lock``, keyed by schema and name) on a connection held for the duration. In-memory SQLite stores
lock within the process. A held lock raises :class:`~coisync.errors.LockHeldError` at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from coisync.errors import LockHeldError

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_process_locks: set[str] = set()
_process_guard = threading.Lock()
_lock_fds: set[int] = set()
"""Descriptors holding a file lock in this process."""


def _forget_inherited_locks() -> None:
    """In a forked child: close the copies of the parent's lock descriptors. A flock belongs to
    the open file, shared by every copy, so a child (a worker process) that outlived its killed
    parent would otherwise keep the parent's locks held. Closing a copy leaves the parent's lock."""
    for fd in list(_lock_fds):
        with suppress(OSError):
            os.close(fd)
    _lock_fds.clear()


os.register_at_fork(after_in_child=_forget_inherited_locks)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name."""
    return int.from_bytes(hashlib.sha256(f"coisync:{name}".encode()).digest()[:8], "big", signed=True)


def lock_file_path(db_path: Path, name: str) -> Path:
    """Where the lock file of ``name`` lives beside a SQLite database file."""
    return db_path.with_name(f"{db_path.name}.{_SAFE.sub('_', name)}.lock")


def _held(name: str) -> LockHeldError:
    return LockHeldError(f"lock {name!r} is held by another run; wait for it to finish or stop it")


@contextmanager
def file_lock(path: Path, name: str) -> Iterator[None]:
    """Hold an exclusive flock on ``path``; raise LockHeldError when another holder has it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise _held(name) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _lock_fds.add(fd)
        try:
            yield
        finally:
            _lock_fds.discard(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def advisory_lock(engine: Engine, name: str) -> Iterator[None]:
    """Hold a PostgreSQL session advisory lock on a dedicated connection."""
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        # Keyed by schema too: two stores in one database do not block each other.
        key = advisory_key(f"{conn.execute(sa.select(sa.func.current_schema())).scalar_one()}:{name}")
        if not conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar_one():
            raise _held(name)
        try:
            yield
        finally:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))


@contextmanager
def process_lock(name: str) -> Iterator[None]:
    """A lock within this process, for in-memory databases."""
    with _process_guard:
        if name in _process_locks:
            raise _held(name)
        _process_locks.add(name)
    try:
        yield
    finally:
        with _process_guard:
            _process_locks.discard(name)
