"""Run summaries: what a run read, changed, quarantined, planned, wrote and how it ended."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from coisync.errors import ExitCode
from coisync.sync.pull import StreamResult
from coisync.sync.push import PushResult


@dataclass
class ConnectionSummary:
    """One connection's part of a run."""

    name: str
    connector: str
    writes: bool
    read_only_reason: str | None = None
    streams: list[StreamResult] = field(default_factory=list)
    records: int = 0
    planned: int = 0
    conflicts: int = 0
    capped: str | None = None
    push: PushResult | None = None
    requests: int = 0
    error: str | None = None
    error_exit: int | None = None
    plan_lines: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Records read over every stream."""
        return sum(s.read for s in self.streams)

    @property
    def changed(self) -> int:
        """Records that changed the store."""
        return sum(s.changed for s in self.streams)

    @property
    def quarantined(self) -> int:
        """Records set aside with a reason."""
        return sum(s.quarantined for s in self.streams)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        push = self.push or PushResult()
        return {
            "connection": self.name,
            "connector": self.connector,
            "writes_enabled": self.writes,
            "read_only_reason": self.read_only_reason,
            "records_read": self.read,
            "records_changed": self.changed,
            "records_quarantined": self.quarantined,
            "streams": [asdict(s) for s in self.streams],
            "writes_planned": self.planned,
            "writes_applied": push.applied,
            "writes_unchanged": push.unchanged,
            "writes_confirmed_by_read_back": push.confirmed_by_read_back,
            "writes_failed": push.failed,
            "write_conflicts": push.conflicts,
            "conflicts_raised": self.conflicts,
            "write_cap": self.capped,
            "requests": self.requests,
            "error": self.error,
            "errors": push.errors[:20],
        }


@dataclass
class RunSummary:
    """A whole run."""

    run_id: str
    started_at: datetime
    as_of: date | None
    dry_run: bool
    connections: list[ConnectionSummary] = field(default_factory=list)
    evaluated: int = 0
    verdicts_changed: int = 0
    finished_at: datetime | None = None
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each phase (pull, evaluate, plan, push), over every connection."""

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        """Add the time spent inside the block to ``phase``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.perf_counter() - started

    @property
    def duration(self) -> float:
        """Seconds from start to finish."""
        end = self.finished_at or self.started_at
        return (end - self.started_at).total_seconds()

    @property
    def exit_code(self) -> ExitCode:
        """The run's exit code (see the exit-code table)."""
        codes = [c.error_exit for c in self.connections if c.error_exit is not None]
        if any(c.push and c.push.stopped for c in self.connections) or ExitCode.TEMPORARY in codes:
            return ExitCode.TEMPORARY
        if ExitCode.USAGE in codes:
            return ExitCode.USAGE
        partial = any(
            c.quarantined or c.capped or (c.push and (c.push.failed or c.push.conflicts)) or c.error
            for c in self.connections
        )
        return ExitCode.PARTIAL if partial else ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (also stored with the run)."""
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_seconds": round(self.duration, 3),
            "phase_seconds": {phase: round(seconds, 3) for phase, seconds in self.phases.items()},
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "dry_run": self.dry_run,
            "parties_evaluated": self.evaluated,
            "verdicts_changed": self.verdicts_changed,
            "connections": [c.as_dict() for c in self.connections],
            "exit_code": int(self.exit_code),
        }
