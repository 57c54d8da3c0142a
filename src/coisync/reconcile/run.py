"""One reconcile run: identity, evaluation, comparison, flags planned and pushed.

Holds the ``reconcile`` lock, and ``sync:<connection>`` for each connection it writes to, so a
sync never plans against half-written flags. Flags reach platforms only through the sync
engine's planner (job ``reconcile``) and outbox. The run is recorded in the runs table
(``kind = "reconcile"``) with every flag key, so the next run knows which flags are new.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from coisync.connector import Connector
from coisync.connector.base import SessionFactory
from coisync.errors import CoisyncError, ExitCode
from coisync.http import HttpError
from coisync.portfolio import PortfolioSettings
from coisync.reconcile.compare import Flag, compare, load_holdings
from coisync.reconcile.flags import TARGET, ReconcileSettings, desired_index
from coisync.reconcile.identity import Candidate, resolve_identities
from coisync.reconcile.presence import carried_kinds
from coisync.store import Store
from coisync.sync import outbox, runs
from coisync.sync.connections import build_connector, connection_names
from coisync.sync.evaluate import evaluate_changed
from coisync.sync.plan import plan_connection
from coisync.sync.push import push_connection
from coisync.sync.tables import runs as runs_table

JOB = "reconcile"


@dataclass
class ConnectionResult:
    """What the run wrote into one connection."""

    name: str
    writes: bool
    reason: str | None = None
    planned: int = 0
    applied: int = 0
    failed: int = 0
    error: str | None = None


@dataclass
class ReconcileResult:
    """The outcome of one reconcile run."""

    run_id: str
    as_of: date
    dry_run: bool
    flags: list[Flag] = field(default_factory=list)
    new_flags: list[str] = field(default_factory=list)
    linked: list[Candidate] = field(default_factory=list)
    review: list[Candidate] = field(default_factory=list)
    connections: list[ConnectionResult] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        """1 when a connection failed, 3 when new flags were raised, else 0."""
        if any(c.error or c.failed for c in self.connections):
            return ExitCode.PARTIAL
        return ExitCode.FINDINGS if self.new_flags else ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        """JSON form (also stored as the run's summary)."""
        return {
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "exit_code": int(self.exit_code),
            "flags": [f.as_dict() for f in self.flags],
            "flag_keys": sorted(flag_key(f) for f in self.flags),
            "new_flags": self.new_flags,
            "linked": [c.__dict__ for c in self.linked],
            "review": [c.__dict__ for c in self.review],
            "connections": [c.__dict__ for c in self.connections],
        }


def flag_key(flag: Flag) -> str:
    """A flag's identity across runs."""
    return "|".join(("/".join(flag.record), flag.kind, flag.coverage_type or ""))


def _previous_keys(store: Store) -> set[str]:
    import json

    import sqlalchemy as sa

    t = runs_table
    with store.transaction() as conn:
        row = conn.execute(
            sa.select(t.c.summary)
            .where(t.c.kind == JOB, t.c.dry_run.is_(False), t.c.status != "running")
            .order_by(t.c.started_at.desc())
            .limit(1)
        ).first()
    return set(json.loads(row.summary).get("flag_keys", [])) if row else set()


def _write(
    store: Store,
    connector: Connector,
    flags: list[Flag],
    settings: ReconcileSettings,
    run_id: str,
    part: ConnectionResult,
    dry_run: bool,
) -> None:
    with store.transaction() as conn:
        plan = plan_connection(
            conn,
            connector,
            run_id,
            job=JOB,
            desired=desired_index(flags, settings),
            record_conflicts=not dry_run,
        )
        part.planned = len(plan.writes)
        if dry_run:
            return
        for write in plan.writes:
            outbox.add(
                conn, write.op, run_id=run_id, before=write.before, entity=write.entity, state=outbox.PENDING
            )
    if plan.writes:
        pushed = push_connection(store, connector)
        part.applied, part.failed = pushed.applied + pushed.unchanged, pushed.failed
        if pushed.stopped is not None:
            part.error = str(pushed.stopped)


def _writable(connector: Connector) -> str | None:
    """Why a connection takes no flags, or None when it does."""
    if connector.read_only:
        return f"read-only: {connector.read_only_reason}"
    if not connector.config.writes:
        return f"writes are off (set writes = true in [connections.{connector.config.name}])"
    if not any(
        TARGET in [c.spec.target for c in r.writable(job=JOB)] for r in connector.mapping.records.values()
    ):
        return f"its mapping has no field for reconcile flags (target {TARGET}, job {JOB}); flags are in the report"
    return None


def run_reconcile(
    store: Store,
    config: Mapping[str, Any],
    config_path: Path,
    portfolio: PortfolioSettings,
    settings: ReconcileSettings,
    *,
    as_of: date | None = None,
    dry_run: bool = False,
    session_factory: SessionFactory | None = None,
) -> ReconcileResult:
    """One reconcile run (see the module docs)."""
    day = as_of or datetime.now(tz=UTC).date()
    connectors = [
        build_connector(n, config, config_path, session_factory) for n in connection_names(config, ())
    ]
    result = ReconcileResult(run_id=runs.new_run_id(), as_of=day, dry_run=dry_run)
    with ExitStack() as stack:
        stack.enter_context(store.lock(JOB))
        for connector in connectors:
            stack.enter_context(store.lock(f"sync:{connector.config.name}"))
            stack.callback(connector.close)
        previous = _previous_keys(store)
        with store.transaction() as conn:
            runs.start(conn, result.run_id, JOB, [c.config.name for c in connectors], as_of, dry_run)
        try:
            if not dry_run:
                identity = resolve_identities(store, settings.auto_link_threshold)
                result.linked, result.review = identity.linked, identity.review
            evaluate_changed(store, portfolio, as_of=as_of)
            held = load_holdings(store, carried_kinds(connectors))
            result.flags = compare(held, day, max(portfolio.windows, default=0))
            result.new_flags = sorted({flag_key(f) for f in result.flags} - previous)
            for connector in connectors:
                reason = _writable(connector)
                part = ConnectionResult(connector.config.name, reason is None, reason)
                result.connections.append(part)
                if reason is None:
                    try:
                        _write(store, connector, result.flags, settings, result.run_id, part, dry_run)
                    except (HttpError, CoisyncError) as exc:
                        part.error = str(exc)
        finally:
            with store.transaction() as conn:
                code = int(result.exit_code)
                runs.finish(
                    conn, result.run_id, "ok" if code in (0, 3) else "partial", code, result.as_dict()
                )
    return result


__all__ = ["JOB", "ConnectionResult", "ReconcileResult", "flag_key", "run_reconcile"]
