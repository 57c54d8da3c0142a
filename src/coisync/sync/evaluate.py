"""The evaluate step: re-judge the parties whose inputs changed, or whose next review day came.

A party is re-evaluated when it is marked changed (any ingest path or pull marks it), when it
has no stored verdict yet, or when its ``next_review`` day has arrived (policies expire and enter
expiring windows without any record changing). Every party is judged again when the portfolio
settings, templates, ratings table or coisync version differ from those of the last evaluation
(:mod:`coisync.sync.basis`). Each verdict is stored with the
canonical values it asks platforms to show; the changed-party marks are cleared in the same
transaction, so a crash re-evaluates rather than forgets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.compliance import default_rules
from coisync.model import Property
from coisync.portfolio import PortfolioSettings, evaluate_party
from coisync.store import Store, bulk, schema
from coisync.store.engine import read_connection
from coisync.store.queries import party_bundles
from coisync.store.review import party_changes
from coisync.sync import basis, tables, workers
from coisync.sync.desired import desired_values, next_review
from coisync.sync.values import dumps

CHUNK = 500


@dataclass
class EvaluateResult:
    """What the evaluate step did."""

    evaluated: int = 0
    changed: int = 0


def parties_to_evaluate(conn: Connection, as_of: date, *, full: bool) -> list[str]:
    """Party ids due for evaluation (see the module docs)."""
    parties = schema.parties
    if full:
        return [row.id for row in conn.execute(sa.select(parties.c.id))]
    v = tables.verdicts
    marked = sa.select(party_changes.c.party_id)
    unjudged = sa.select(parties.c.id).where(~sa.exists().where(v.c.party_id == parties.c.id))
    due = sa.select(v.c.party_id).where(v.c.next_review.is_not(None), v.c.next_review <= as_of)
    ids: set[str] = set()
    for query in (marked, unjudged, due):
        ids.update(str(row[0]) for row in conn.execute(query))
    return sorted(ids)


def _upsert_verdicts(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert or replace verdicts, one statement for the whole list."""
    bulk.insert_rows(conn, tables.verdicts, rows, update_on=("party_id",))


def stored_hashes(conn: Connection, party_ids: list[str]) -> dict[str, str]:
    """Content hash of each listed party's stored verdict."""
    rows = bulk.select_in(conn, tables.verdicts, ("party_id", "content_hash"), {}, "party_id", party_ids)
    return {row.party_id: row.content_hash for row in rows}


def judge(conn: Connection, chunk: list[str], inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Verdict rows of a chunk of parties, read through ``conn`` (nothing is written).

    ``inputs``: ``properties``, ``settings``, ``as_of``, ``day``, ``started`` and ``rules``.
    """
    settings: PortfolioSettings = inputs["settings"]
    day: date = inputs["day"]
    rows: list[dict[str, Any]] = []
    for bundle in party_bundles(conn, chunk):
        verdict = evaluate_party(
            bundle, inputs["properties"], settings, as_of=inputs["as_of"], rules=inputs["rules"]
        )
        body = dumps(desired_values(verdict, bundle, day))
        review = next_review(bundle, settings.windows, day)
        digest = hashlib.sha256(f"{verdict.status.value}|{body}".encode()).hexdigest()
        rows.append(
            {
                "party_id": bundle.party.id,
                "status": verdict.status.value,
                "as_of": day,
                "next_review": review,
                "content_hash": digest,
                "body": body,
                "evaluated_at": inputs["started"],
            }
        )
    return rows


def _judge_in_worker(chunk: list[str]) -> list[dict[str, Any]]:
    """:func:`judge` inside a worker process (:mod:`coisync.sync.workers`)."""
    inputs = workers.state()
    if "rules" not in inputs:
        inputs["rules"] = list(default_rules())
    with read_connection(workers.engine()) as conn:
        return judge(conn, chunk, inputs)


def evaluate_changed(
    store: Store,
    settings: PortfolioSettings,
    *,
    as_of: date | None = None,
    progress: Callable[[int], None] | None = None,
    processes: int = 1,
) -> EvaluateResult:
    """Evaluate every party that is due and store the verdicts with their desired values.

    Without ``as_of`` each party is judged on today's date in its property's time zone; the
    UTC date decides which parties are due. With ``processes`` above 1, a large evaluation is
    judged in that many worker processes; the main process writes every verdict.
    """
    result = EvaluateResult()
    started = datetime.now(tz=UTC)
    day = as_of or started.date()
    settings_digest = basis.settings_digest(settings)
    with read_connection(store.engine) as conn:
        kept = basis.get(conn, *basis.EVALUATION)
        everything = kept is None or kept.get("digest") != settings_digest
        due = parties_to_evaluate(conn, day, full=everything)
        properties: Mapping[str, Property] = {p.id: p for p in store.iter_properties()}
    inputs: dict[str, Any] = {
        "properties": properties,
        "settings": settings,
        "as_of": as_of,
        "day": day,
        "started": started,
    }
    chunks = [due[start : start + CHUNK] for start in range(0, len(due), CHUNK)]
    local = {**inputs, "rules": list(default_rules())}

    def inline(chunk: list[str]) -> list[dict[str, Any]]:
        with read_connection(store.engine) as conn:
            return judge(conn, chunk, local)

    with workers.pool(store.url, processes, len(chunks), inputs) as executor:
        judged = workers.ordered(executor, _judge_in_worker, chunks, inline, ahead=2 * processes)
        for chunk, rows in zip(chunks, judged, strict=True):
            _store_verdicts(store, chunk, rows, started, result)
            if progress:
                progress(len(chunk))
    if everything or kept is None:
        with store.transaction() as conn:
            basis.put(conn, *basis.EVALUATION, {"digest": settings_digest}, None)
    return result


def _store_verdicts(
    store: Store, chunk: list[str], rows: list[dict[str, Any]], started: datetime, result: EvaluateResult
) -> None:
    """Write one chunk's verdicts and clear its parties' change marks, in one transaction."""
    with store.transaction() as conn:
        before = stored_hashes(conn, [str(r["party_id"]) for r in rows])
        for row in rows:
            if before.get(str(row["party_id"])) != row["content_hash"]:
                result.changed += 1
        _upsert_verdicts(conn, rows)
        conn.execute(
            party_changes.delete().where(
                party_changes.c.party_id.in_(chunk), party_changes.c.changed_at <= started
            )
        )
    result.evaluated += len(rows)
