"""What the last evaluation and the last complete plan were computed from, so a run redoes only
what changed since.

* **Evaluation**: verdicts depend on the parties' records and on the portfolio settings
  (windows, templates, assignment, ratings table) and the rules of this coisync version. The
  digest of the latter is kept; when it differs, every party is judged again.
* **Planning** (the sync job): desired values depend on verdicts, and what platforms show on
  the refs. After a plan whose writes were all pushed, the plan's start time and the digest of
  what shapes a plan (the mapping's owned fields, the conflict policy) are kept; the next plan
  looks only at refs written since, and at the refs of parties judged since. A dry run, a
  capped, stopped or failed push, or a different digest leaves the next plan a complete one.

Both are kept in ``sync_state`` under reserved stream names (a stream's name never starts
with ``@``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from coisync import __version__
from coisync.portfolio import PortfolioSettings
from coisync.store.state import get_sync_state, set_sync_state

EVALUATION = ("*", "@evaluate")
"""Where the evaluation basis is kept: (connection, stream)."""


def plan_key(job: str) -> str:
    """The reserved stream name of one job's plan basis on a connection."""
    return f"@plan:{job}"


def settings_digest(settings: PortfolioSettings) -> str:
    """A digest of everything besides the records that decides a verdict."""
    digest = hashlib.sha256()
    digest.update(f"coisync {__version__}\n".encode())
    digest.update(f"windows {settings.windows}\n".encode())
    for kind, template in sorted(settings.assignment.items()):
        digest.update(f"assign {kind}={template}\n".encode())
    digest.update(settings.templates.fingerprint().encode())
    if settings.ratings_path is not None:
        digest.update(b"ratings\n")
        digest.update(settings.ratings_path.read_bytes())
    return digest.hexdigest()


def get(conn: Connection, connection: str, key: str) -> dict[str, Any] | None:
    """A kept basis, or None (never kept, or unreadable: then everything is redone)."""
    state = get_sync_state(conn, connection, key)
    return state.cursor if state is not None and isinstance(state.cursor, dict) else None


def put(conn: Connection, connection: str, key: str, value: dict[str, Any], run_id: str | None) -> None:
    """Keep a basis (in the caller's transaction)."""
    set_sync_state(conn, connection, key, value, run_id)


def plan_since(conn: Connection, connection: str, job: str, digest: str) -> datetime | None:
    """When the last complete plan of ``job`` started, if it was made on the same ``digest``."""
    kept = get(conn, connection, plan_key(job))
    if kept is None or kept.get("digest") != digest:
        return None
    try:
        return datetime.fromisoformat(str(kept["since"]))
    except (KeyError, ValueError):
        return None
