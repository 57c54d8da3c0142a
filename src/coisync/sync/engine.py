"""One sync run: pull every connection, evaluate what changed, plan, cap, push.

Locks: the run holds ``sync:<connection>`` for every connection it touches, for its whole
length (another run on the same connection gets exit code 4 at once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from coisync.collector import relaxed_collection
from coisync.connector import Connector
from coisync.connector.base import SessionFactory
from coisync.errors import CoisyncError, ExitCode, TemporaryError
from coisync.http import AuthError, HttpError
from coisync.portfolio import PortfolioSettings
from coisync.readahead import quick_handover
from coisync.store import Store
from coisync.sync import basis, outbox, runs
from coisync.sync.connections import build_connector, connection_names
from coisync.sync.evaluate import evaluate_changed
from coisync.sync.plan import Plan, PlannedWrite, plan_connection, plan_digest
from coisync.sync.pull import pull_stream
from coisync.sync.push import push_connection
from coisync.sync.settings import SyncSettings
from coisync.sync.summary import ConnectionSummary, RunSummary

log = logging.getLogger("coisync.sync")

Progress = Callable[[str, int], None]
"""``progress(phase, n)``: n more units of work done in a phase."""


@dataclass(frozen=True)
class SyncOptions:
    """What one ``coisync sync`` asks for."""

    connections: Sequence[str] = ()
    dry_run: bool = False
    full: bool = False
    as_of: date | None = None
    max_write_fraction: float | None = None


class SyncEngine:
    """Runs syncs against a store for the connections of one config file."""

    def __init__(
        self,
        store: Store,
        config: Mapping[str, Any],
        config_path: Path,
        portfolio: PortfolioSettings,
        settings: SyncSettings,
        *,
        session_factory: SessionFactory | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.config_path = config_path
        self.portfolio = portfolio
        self.settings = settings
        self.session_factory = session_factory
        self.progress = progress or (lambda phase, n: None)

    def connectors(self, names: Sequence[str]) -> list[Connector]:
        """Build the selected connections' connectors (config errors surface here, before any work)."""
        return [
            build_connector(n, self.config, self.config_path, self.session_factory)
            for n in connection_names(self.config, names)
        ]

    def run(self, options: SyncOptions) -> RunSummary:
        """One sync run; never raises for a platform's failure (the summary and exit code say it)."""
        connectors = self.connectors(options.connections)
        run_id = runs.new_run_id()
        summary = RunSummary(
            run_id=run_id, started_at=datetime.now(tz=UTC), as_of=options.as_of, dry_run=options.dry_run
        )
        with ExitStack() as stack:
            for connector in connectors:
                stack.enter_context(self.store.lock(f"sync:{connector.config.name}"))
                stack.callback(connector.close)
            with self.store.transaction() as conn:
                runs.start(
                    conn, run_id, "sync", [c.config.name for c in connectors], options.as_of, options.dry_run
                )
            try:
                # Pages, answers and workers' results are read by threads; millions of
                # short-lived objects are made (coisync.collector).
                with quick_handover(), relaxed_collection():
                    self._run(connectors, options, summary)
            finally:
                summary.finished_at = datetime.now(tz=UTC)
                code = summary.exit_code
                with self.store.transaction() as conn:
                    runs.finish(
                        conn, run_id, "ok" if code == ExitCode.OK else "partial", int(code), summary.as_dict()
                    )
        return summary

    def _run(self, connectors: list[Connector], options: SyncOptions, summary: RunSummary) -> None:
        parts: dict[str, ConnectionSummary] = {}
        for connector in connectors:
            part = ConnectionSummary(
                name=connector.config.name,
                connector=connector.name,
                writes=bool(connector.config.writes) and not connector.read_only,
                read_only_reason=connector.read_only_reason if connector.read_only else None,
            )
            parts[part.name] = part
            summary.connections.append(part)
            if part.writes and not options.dry_run:
                with summary.timed("push"):
                    self._guard(part, partial(push_connection, self.store, connector, only_sending=True))
            with summary.timed("pull"):
                self._guard(part, partial(self._pull, connector, part, summary.run_id, options.full))
        with summary.timed("evaluate"):
            evaluated = evaluate_changed(
                self.store,
                self.portfolio,
                as_of=options.as_of,
                progress=lambda n: self.progress("evaluate", n),
                processes=self.settings.processes,
            )
        summary.evaluated, summary.verdicts_changed = evaluated.evaluated, evaluated.changed
        for connector in connectors:
            part = parts[connector.config.name]
            if part.writes and part.error is None:
                self._guard(
                    part, partial(self._plan_and_push, connector, part, summary, summary.run_id, options)
                )
            part.requests = connector.requests_made()

    def _guard(self, part: ConnectionSummary, step: Callable[[], object]) -> None:
        """Run one step of one connection; a platform failure ends that connection's run, not the others'."""
        if part.error is not None:
            return
        try:
            step()
        except TemporaryError as exc:
            part.error, part.error_exit = str(exc), int(ExitCode.TEMPORARY)
        except AuthError as exc:
            part.error, part.error_exit = str(exc), int(ExitCode.USAGE)
        except (HttpError, CoisyncError) as exc:
            part.error, part.error_exit = str(exc), int(getattr(exc, "exit_code", ExitCode.PARTIAL))
        if part.error:
            log.error("%s: %s", part.name, part.error)

    def _pull(self, connector: Connector, part: ConnectionSummary, run_id: str, full: bool) -> None:
        for stream in connector.streams():
            part.streams.append(
                pull_stream(
                    self.store,
                    connector,
                    stream,
                    run_id,
                    full=full,
                    progress=lambda n: self.progress("pull", n),
                    max_batch=self.settings.max_batch_records,
                    read_ahead_depth=self.settings.read_ahead,
                    processes=self.settings.processes,
                )
            )

    def _plan_and_push(
        self,
        connector: Connector,
        part: ConnectionSummary,
        summary: RunSummary,
        run_id: str,
        options: SyncOptions,
    ) -> None:
        name, policy = connector.config.name, self.settings.conflict_policy
        digest = plan_digest(connector, "sync", policy)
        planned_at = datetime.now(tz=UTC)
        with summary.timed("plan"), self.store.transaction() as conn:
            since = basis.plan_since(conn, name, "sync", digest)
            sink = None
            if not options.dry_run:
                outbox.supersede_connection(conn, name)  # this plan replaces what is still pending

                def sink(writes: list[PlannedWrite]) -> None:
                    outbox.add_many(conn, writes, run_id=run_id)

            plan = plan_connection(
                conn,
                connector,
                run_id,
                policy=policy,
                record_conflicts=not options.dry_run,
                since=since,
                processes=self.settings.processes,
                store_url=self.store.url,
                sink=sink,
            )
            part.records, part.planned, part.conflicts = plan.records, plan.planned, plan.conflicts
            part.plan_lines = describe(plan)
            if options.dry_run:
                return
            cap = self._cap_message(plan, options)
            if cap:  # nothing of this plan is pushed: its writes wait, held, in the same commit
                outbox.hold_run(conn, name, run_id)
            part.capped = cap
            planned, plan.writes = plan.planned > 0, []
        if cap is None and planned:
            with summary.timed("push"):
                part.push = push_connection(
                    self.store,
                    connector,
                    progress=lambda n: self.progress("push", n),
                    max_batch=self.settings.max_write_batch,
                )
            if part.push.stopped is not None:
                part.error, part.error_exit = str(part.push.stopped), int(ExitCode.TEMPORARY)
        pushed = part.push is None or (part.push.stopped is None and not part.push.failed)
        # Nothing examined since the kept basis: it still holds (and the store stays as it was).
        if cap is None and pushed and (since is None or plan.examined):
            with self.store.transaction() as conn:
                if not outbox.has_open_rows(conn, name):
                    kept = {"since": planned_at.isoformat(), "digest": digest}
                    basis.put(conn, name, basis.plan_key("sync"), kept, run_id)

    def _cap_message(self, plan: Plan, options: SyncOptions) -> str | None:
        fraction = options.max_write_fraction or self.settings.max_write_fraction
        planned, records = plan.planned, max(plan.records, 1)
        if planned <= self.settings.min_writes_before_cap or planned <= fraction * records:
            return None
        return (
            f"{planned} of {records} records would change ({planned / records:.0%}), more than the write cap "
            f"of {fraction:.0%}; nothing was pushed. Review `coisync sync --dry-run`, then run again with "
            f"--max-writes {min(100, int(planned / records * 100) + 1)}% (or raise [sync] max_write_fraction)"
        )


def describe(plan: Plan, limit: int = 2000) -> list[str]:
    """One line per planned write, in the style of a terraform plan."""
    lines = []
    for write in plan.writes[:limit]:
        changes = ", ".join(f"{k}: {write.before.get(k)!r} → {v!r}" for k, v in write.op.desired.items())
        lines.append(f"~ {plan.connection} {write.op.platform_type} {write.op.platform_id}: {changes}")
    if plan.planned > min(limit, len(plan.writes)):
        lines.append(f"… and {plan.planned - min(limit, len(plan.writes))} more")
    return lines
