"""The runs table: one row per sync, reconcile, notify or revert run, with its summary."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.sync.tables import runs


def new_run_id(now: datetime | None = None) -> str:
    """A sortable run id: UTC time plus a random suffix, e.g. ``20261204T205501Z-3f9a``."""
    moment = now or datetime.now(tz=UTC)
    return f"{moment.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class RunRow:
    """A stored run."""

    run_id: str
    kind: str
    connections: list[str]
    as_of: date | None
    dry_run: bool
    status: str
    exit_code: int | None
    summary: dict[str, Any]
    started_at: datetime
    finished_at: datetime | None


def start(
    conn: Connection, run_id: str, kind: str, connections: list[str], as_of: date | None, dry_run: bool
) -> None:
    """Record that a run started."""
    conn.execute(
        runs.insert().values(
            run_id=run_id,
            kind=kind,
            connections=json.dumps(connections),
            as_of=as_of,
            dry_run=dry_run,
            status="running",
            exit_code=None,
            summary="{}",
            started_at=datetime.now(tz=UTC),
        )
    )


def finish(conn: Connection, run_id: str, status: str, exit_code: int, summary: dict[str, Any]) -> None:
    """Record how a run ended."""
    conn.execute(
        runs.update()
        .where(runs.c.run_id == run_id)
        .values(
            status=status, exit_code=exit_code, summary=json.dumps(summary), finished_at=datetime.now(tz=UTC)
        )
    )


def _row(row: Any) -> RunRow:
    def utc(value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    started = utc(row.started_at)
    assert started is not None
    return RunRow(
        run_id=row.run_id,
        kind=row.kind,
        connections=json.loads(row.connections),
        as_of=row.as_of,
        dry_run=bool(row.dry_run),
        status=row.status,
        exit_code=row.exit_code,
        summary=json.loads(row.summary),
        started_at=started,
        finished_at=utc(row.finished_at),
    )


def list_runs(conn: Connection, limit: int = 20, kind: str | None = None) -> list[RunRow]:
    """The latest runs, newest first."""
    query = sa.select(runs).order_by(runs.c.started_at.desc(), runs.c.run_id.desc()).limit(limit)
    if kind:
        query = query.where(runs.c.kind == kind)
    return [_row(r) for r in conn.execute(query)]


def get_run(conn: Connection, run_id: str) -> RunRow | None:
    """One run, or None."""
    row = conn.execute(sa.select(runs).where(runs.c.run_id == run_id)).first()
    return _row(row) if row is not None else None


def last_success(conn: Connection, connection: str, kind: str = "sync") -> datetime | None:
    """When the connection last finished a run that was not a dry run, with exit code 0 or 1."""
    rows = conn.execute(
        sa.select(runs.c.connections, runs.c.finished_at)
        .where(runs.c.kind == kind, runs.c.dry_run.is_(False), runs.c.exit_code.in_((0, 1)))
        .order_by(runs.c.finished_at.desc())
    )
    for row in rows:
        if connection in json.loads(row.connections) and row.finished_at is not None:
            finished: datetime = row.finished_at
            return finished if finished.tzinfo else finished.replace(tzinfo=UTC)
    return None
