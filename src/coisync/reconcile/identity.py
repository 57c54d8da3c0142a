"""Identity: the same party, property or agreement known to several connections becomes one.

Order of evidence: refs that already point at one entity (existing external ids); then the
matcher of the entity's kind (:mod:`coisync.reconcile.matching`: tax id then name for parties,
address then name for properties, dates for agreements of linked parties at linked properties).
Only entities held by different connections are compared. Kinds run in order (parties,
properties, agreements), so agreements are compared once their parties and properties are one.
A pair at or above the auto-link threshold whose match is the best for both sides (no tie) is
linked through :func:`coisync.reconcile.links.link`; other matching pairs go to the review list.
A person's decision (``linked`` or ``rejected``) is never revisited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from coisync.reconcile import links
from coisync.reconcile.matching import MATCHERS, Matcher, party_score
from coisync.reconcile.tables import LINKED, REJECTED, REVIEW, identity_candidates
from coisync.store import Store, schema
from coisync.store.engine import read_connection

ACTOR = "coisync reconcile"
KINDS = tuple(m.kind for m in MATCHERS)
"""Entity kinds identity links: ``party``, ``property``, ``agreement``."""

score = party_score
"""How likely two parties are one (kept under its first name)."""


@dataclass(frozen=True)
class Candidate:
    """Two entities of one kind that may be one."""

    left_id: str
    right_id: str
    score: float
    basis: str
    kind: str = "party"


@dataclass
class IdentityResult:
    """What the identity step did."""

    linked: list[Candidate]
    review: list[Candidate]


def _holders(store: Store, kind: str) -> dict[str, set[str]]:
    """Connections holding each entity of ``kind`` (through refs)."""
    t = schema.external_refs
    held: dict[str, set[str]] = defaultdict(set)
    with read_connection(store.engine) as conn:
        for row in conn.execute(sa.select(t.c.connection, t.c.entity_id).where(t.c.entity_kind == kind)):
            held[row.entity_id].add(row.connection)
    return held


def candidates(matcher: Matcher, entities: dict[str, Any], held: dict[str, set[str]]) -> list[Candidate]:
    """Matching pairs of entities held by different connections."""
    blocks: dict[Hashable, list[str]] = defaultdict(list)
    for entity_id in sorted(entities):
        key = matcher.block(entities[entity_id]) if held.get(entity_id) else None
        if key is not None:
            blocks[key].append(entity_id)
    found: list[Candidate] = []
    for group in blocks.values():
        for i, left in enumerate(group):
            for right in group[i + 1 :]:
                if held[left] & held[right]:
                    continue
                result = matcher.score(entities[left], entities[right])
                if result is not None:
                    found.append(Candidate(left, right, *result, kind=matcher.kind))
    return found


def _unique(pairs: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """Split pairs into mutual best matches without ties, and the rest."""
    best: dict[str, float] = defaultdict(float)
    count: dict[tuple[str, float], int] = defaultdict(int)
    for c in pairs:
        for side in (c.left_id, c.right_id):
            best[side] = max(best[side], c.score)
            count[(side, c.score)] += 1
    sure: list[Candidate] = []
    unsure: list[Candidate] = []
    for c in pairs:
        top = all(best[s] == c.score and count[(s, c.score)] == 1 for s in (c.left_id, c.right_id))
        (sure if top else unsure).append(c)
    return sure, unsure


def _decided(store: Store, kind: str) -> dict[tuple[str, str], str]:
    t = identity_candidates
    with read_connection(store.engine) as conn:
        rows = conn.execute(sa.select(t.c.left_id, t.c.right_id, t.c.state).where(t.c.kind == kind))
        return {(r.left_id, r.right_id): r.state for r in rows}


def record(store: Store, candidate: Candidate, state: str, actor: str, change_id: int | None = None) -> None:
    """Store a candidate pair with its state (insert or update)."""
    t = identity_candidates
    key = (t.c.kind == candidate.kind, t.c.left_id == candidate.left_id, t.c.right_id == candidate.right_id)
    values = {
        "score": candidate.score,
        "basis": candidate.basis,
        "state": state,
        "change_id": change_id,
        "actor": actor,
        "updated_at": datetime.now(tz=UTC),
    }
    with store.transaction() as conn:
        if conn.execute(sa.select(t.c.state).where(*key)).first():
            conn.execute(sa.update(t).where(*key).values(**values))
        else:
            conn.execute(
                sa.insert(t).values(
                    kind=candidate.kind, left_id=candidate.left_id, right_id=candidate.right_id, **values
                )
            )


def resolve_kind(store: Store, matcher: Matcher, threshold: float) -> IdentityResult:
    """Link one kind's sure matches at or above ``threshold``; the other matches go to review."""
    kind = matcher.kind
    decided = _decided(store, kind)
    pairs = [
        c
        for c in candidates(matcher, matcher.entities(store), _holders(store, kind))
        if decided.get((c.left_id, c.right_id)) not in (LINKED, REJECTED)
    ]
    sure, unsure = _unique(pairs)
    result = IdentityResult([], [])
    moved: set[str] = set()
    for c in sure:
        if c.score < threshold or c.left_id in moved or c.right_id in moved:
            unsure.append(c)
            continue
        change = links.link(
            store, kind, c.right_id, c.left_id, ACTOR, f"{c.basis} match, score {c.score:.0f}"
        )
        record(store, c, LINKED, ACTOR, change.change_id)
        moved.update((c.left_id, c.right_id))
        result.linked.append(c)
    for c in unsure:
        if decided.get((c.left_id, c.right_id)) != REVIEW:
            record(store, c, REVIEW, ACTOR)
        result.review.append(c)
    return result


def resolve_identities(store: Store, threshold: float) -> IdentityResult:
    """Every kind in turn (parties, properties, agreements); see the module docs."""
    result = IdentityResult([], [])
    for matcher in MATCHERS:
        found = resolve_kind(store, matcher, threshold)
        result.linked.extend(found.linked)
        result.review.extend(found.review)
    return result


def kind_of(store: Store, entity_id: str) -> str | None:
    """The kind of the stored entity ``entity_id`` (party, property or agreement), if any."""
    with read_connection(store.engine) as conn:
        for kind, table in (("party", schema.parties), ("property", schema.properties),
                            ("agreement", schema.agreements)):  # fmt: skip
            if conn.execute(sa.select(table.c.id).where(table.c.id == entity_id)).first():
                return kind
    return None


__all__ = [
    "ACTOR",
    "KINDS",
    "Candidate",
    "IdentityResult",
    "candidates",
    "kind_of",
    "record",
    "resolve_identities",
    "resolve_kind",
    "score",
]
