"""Named points where a test can kill the process, to prove a crash anywhere loses nothing.

``COISYNC_CRASH_AT="push.after_send:3"`` sends SIGKILL to this process on the third time the
point ``push.after_send`` is reached. Unset (always, outside crash tests), :func:`hit` costs a
dictionary lookup. Points: ``pull.batch`` (after a batch and its cursor committed),
``pull.before_commit`` (a batch mapped, not yet committed), ``pull.statement`` (before each SQL
statement inside a pull batch's transaction: between the reads and the row writes of a batch),
``push.before_send`` (a row marked sending, request not sent), ``push.after_send`` (the platform
answered, nothing recorded yet).
"""

from __future__ import annotations

import os
import signal
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

_counts: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    raw = os.environ.get("COISYNC_CRASH_AT")
    if not raw:
        return None
    name, _, count = raw.partition(":")
    return name, int(count or "1")


def hit(name: str) -> None:
    """Count a pass through ``name``; kill the process when it is the configured one."""
    target = _target()
    if target is None or target[0] != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] >= target[1]:
        os.kill(os.getpid(), signal.SIGKILL)


def watch_statements(conn: Connection, name: str) -> None:
    """Make every SQL statement ``conn`` executes from now on a pass through ``name``.

    Registers nothing unless ``COISYNC_CRASH_AT`` names ``name``, so outside crash tests the
    connection is left exactly as it was.
    """
    target = _target()
    if target is None or target[0] != name:
        return

    def before_statement(*_: Any) -> None:
        hit(name)

    event.listen(conn, "before_cursor_execute", before_statement)
