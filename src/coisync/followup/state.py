"""Chase cases and delivery attempts in the store, each change proven in the audit log.

Attempt states::

    uncertain ──► sent        the channel accepted it
        │    └──► failed      the channel refused it (retried on a later run)
        └──(a person)──► resolved_sent | not_sent   (``not_sent`` is sent on a later run)

Every state change and its audit row (``store.audit.append``) commit in one transaction, so the
hash-chained log holds every attempt: channel, recipients, message id, content hash, time, outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.errors import CoisyncError, ExitCode
from coisync.followup.tables import attempts, cases
from coisync.store import Store

UNCERTAIN, SENT, FAILED, RESOLVED_SENT, NOT_SENT = "uncertain", "sent", "failed", "resolved_sent", "not_sent"
DONE_STATES = frozenset({SENT, RESOLVED_SENT})
RETRY_STATES = frozenset({FAILED, NOT_SENT})
ACTOR = "coisync notify"


class AttemptNotFoundError(CoisyncError):
    """``--resolve-uncertain`` named an attempt that is not uncertain."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class CaseRow:
    """An open or closed chase."""

    case_id: str
    party_id: str
    track: str
    basis: str
    anchor: date
    state: str


@dataclass(frozen=True)
class AttemptRow:
    """One attempt to deliver one step on one channel."""

    attempt_id: str
    case_id: str
    party_id: str
    step: int
    channel: str
    recipients: list[str]
    state: str
    message_id: str | None
    content_hash: str
    as_of: date
    error: str | None
    created_at: datetime
    updated_at: datetime


def _now() -> datetime:
    return datetime.now(tz=UTC)


def _case(row: Any) -> CaseRow:
    return CaseRow(row.case_id, row.party_id, row.track, row.basis, row.anchor, row.state)


def _attempt(row: Any) -> AttemptRow:
    return AttemptRow(
        attempt_id=row.attempt_id,
        case_id=row.case_id,
        party_id=row.party_id,
        step=row.step,
        channel=row.channel,
        recipients=json.loads(row.recipients),
        state=row.state,
        message_id=row.message_id,
        content_hash=row.content_hash,
        as_of=row.as_of,
        error=row.error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def open_cases(conn: Connection, party_id: str) -> list[CaseRow]:
    """The party's open chases."""
    query = sa.select(cases).where(cases.c.party_id == party_id, cases.c.state == "open")
    return [_case(r) for r in conn.execute(query.order_by(cases.c.opened_at))]


def open_case(store: Store, conn: Connection, row: CaseRow) -> None:
    """Open a chase (audited)."""
    conn.execute(
        cases.insert().values(
            case_id=row.case_id,
            party_id=row.party_id,
            track=row.track,
            basis=row.basis,
            anchor=row.anchor,
            state="open",
            opened_at=_now(),
        )
    )
    payload = {"case_id": row.case_id, "track": row.track, "basis": row.basis, "anchor": row.anchor}
    store.audit.append(ACTOR, "followup.case.opened", f"party:{row.party_id}", payload, conn=conn)


def close_case(store: Store, conn: Connection, row: CaseRow, reason: str, cancelled_steps: int) -> None:
    """Close a chase with its reason; pending steps are cancelled (audited)."""
    conn.execute(
        cases.update()
        .where(cases.c.case_id == row.case_id)
        .values(state="closed", closed_reason=reason, closed_at=_now())
    )
    payload = {
        "case_id": row.case_id,
        "track": row.track,
        "reason": reason,
        "cancelled_steps": cancelled_steps,
    }
    store.audit.append(ACTOR, "followup.case.closed", f"party:{row.party_id}", payload, conn=conn)


def get_attempt(conn: Connection, attempt_id: str) -> AttemptRow | None:
    """One attempt, or None."""
    row = conn.execute(sa.select(attempts).where(attempts.c.attempt_id == attempt_id)).first()
    return _attempt(row) if row is not None else None


def _proof(row: AttemptRow, track: str, outcome: str, **extra: Any) -> dict[str, Any]:
    return {
        "attempt_id": row.attempt_id,
        "case_id": row.case_id,
        "track": track,
        "step": row.step + 1,
        "channel": row.channel,
        "recipients": row.recipients,
        "message_id": row.message_id,
        "content_hash": row.content_hash,
        "as_of": row.as_of,
        "outcome": outcome,
        **extra,
    }


def record_uncertain(store: Store, row: AttemptRow, track: str, run_id: str) -> None:
    """Record, in its own committed transaction, that a message is about to leave."""
    with store.transaction() as conn:
        values = {
            "case_id": row.case_id,
            "party_id": row.party_id,
            "step": row.step,
            "channel": row.channel,
            "recipients": json.dumps(row.recipients),
            "state": UNCERTAIN,
            "message_id": None,
            "content_hash": row.content_hash,
            "as_of": row.as_of,
            "run_id": run_id,
            "error": None,
            "updated_at": _now(),
        }
        if get_attempt(conn, row.attempt_id) is None:
            conn.execute(attempts.insert().values(attempt_id=row.attempt_id, created_at=_now(), **values))
        else:
            conn.execute(attempts.update().where(attempts.c.attempt_id == row.attempt_id).values(**values))
        store.audit.append(
            ACTOR,
            "followup.attempt.uncertain",
            f"party:{row.party_id}",
            _proof(row, track, UNCERTAIN),
            conn=conn,
        )


def record_outcome(
    store: Store,
    row: AttemptRow,
    track: str,
    state: str,
    *,
    message_id: str | None = None,
    error: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record how the send ended (``sent`` or ``failed``), with its audit row."""
    with store.transaction() as conn:
        conn.execute(
            attempts.update()
            .where(attempts.c.attempt_id == row.attempt_id)
            .values(state=state, message_id=message_id, error=error, updated_at=_now())
        )
        done = AttemptRow(**{**row.__dict__, "message_id": message_id, "state": state})
        proof = _proof(done, track, state, error=error, detail=detail or {})
        store.audit.append(ACTOR, f"followup.attempt.{state}", f"party:{row.party_id}", proof, conn=conn)


def uncertain_attempts(conn: Connection) -> list[AttemptRow]:
    """Every attempt still uncertain (a person must resolve it)."""
    query = sa.select(attempts).where(attempts.c.state == UNCERTAIN).order_by(attempts.c.created_at)
    return [_attempt(r) for r in conn.execute(query)]


def resolve_uncertain(store: Store, attempt_id: str, *, sent: bool, actor: str) -> AttemptRow:
    """A person's answer for an uncertain attempt: it was sent, or it was not (then it is sent again).

    Raises:
        AttemptNotFoundError: No uncertain attempt has that id.
    """
    with store.transaction() as conn:
        row = get_attempt(conn, attempt_id)
        if row is None or row.state != UNCERTAIN:
            raise AttemptNotFoundError(
                f"no uncertain attempt {attempt_id!r}; list them with `coisync notify --dry-run`"
            )
        state = RESOLVED_SENT if sent else NOT_SENT
        conn.execute(
            attempts.update()
            .where(attempts.c.attempt_id == attempt_id)
            .values(state=state, updated_at=_now())
        )
        track = conn.execute(
            sa.select(cases.c.track).where(cases.c.case_id == row.case_id)
        ).scalar_one_or_none()
        proof = _proof(row, str(track), state, resolved_by=actor)
        store.audit.append(actor, "followup.attempt.resolved", f"party:{row.party_id}", proof, conn=conn)
    return AttemptRow(**{**row.__dict__, "state": state})


def attempts_of_party(conn: Connection, party_id: str) -> list[AttemptRow]:
    """A party's attempts, oldest first."""
    query = sa.select(attempts).where(attempts.c.party_id == party_id).order_by(attempts.c.created_at)
    return [_attempt(r) for r in conn.execute(query)]


def attempt_states(conn: Connection, case_id: str) -> dict[tuple[int, str], str]:
    """The state of each (step, channel) of a chase."""
    query = sa.select(attempts.c.step, attempts.c.channel, attempts.c.state).where(
        attempts.c.case_id == case_id
    )
    return {(int(r.step), str(r.channel)): str(r.state) for r in conn.execute(query)}
