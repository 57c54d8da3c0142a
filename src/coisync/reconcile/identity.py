"""Identity: the same party known to several connections becomes one canonical party.

Order of evidence: refs that already point at one entity (existing external ids); then an equal
tax id (score 100; two different tax ids never match); then the normalised legal name
(:func:`coisync.compliance.name_match`). Only parties of the same kind held by different
connections are compared. A pair at or above the auto-link threshold whose match is the best
for both sides (no tie) is linked through :func:`coisync.reconcile.links.link`; other matching
pairs go to the review list. A person's decision (``linked`` or ``rejected``) is never revisited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from coisync.compliance import name_match, normalize_name
from coisync.model import Party
from coisync.reconcile import links
from coisync.reconcile.tables import LINKED, REJECTED, REVIEW, identity_candidates
from coisync.store import Store, schema
from coisync.store.engine import read_connection

ACTOR = "coisync reconcile"


@dataclass(frozen=True)
class Candidate:
    """Two parties that may be one."""

    left_id: str
    right_id: str
    score: float
    basis: str


@dataclass
class IdentityResult:
    """What the identity step did."""

    linked: list[Candidate]
    review: list[Candidate]


def _holders(store: Store) -> dict[str, set[str]]:
    """Connections holding each party entity (through refs)."""
    t = schema.external_refs
    held: dict[str, set[str]] = defaultdict(set)
    with read_connection(store.engine) as conn:
        for row in conn.execute(sa.select(t.c.connection, t.c.entity_id).where(t.c.entity_kind == "party")):
            held[row.entity_id].add(row.connection)
    return held


def score(left: Party, right: Party) -> tuple[float, str] | None:
    """How likely two parties are one, and on what basis (None: not a match)."""
    if left.kind != right.kind:
        return None
    if left.tax_id and right.tax_id:
        same = "".join(c for c in left.tax_id if c.isalnum()) == "".join(
            c for c in right.tax_id if c.isalnum()
        )
        return (100.0, "tax_id") if same else None
    match = name_match(left.legal_name, right.legal_name)
    return (float(match.score), "name") if match.matched else None


def candidates(parties: list[Party], held: dict[str, set[str]]) -> list[Candidate]:
    """Matching pairs of parties held by different connections."""
    by_kind: dict[str, list[Party]] = defaultdict(list)
    for party in parties:
        if held.get(party.id):
            by_kind[party.kind.value].append(party)
    found: list[Candidate] = []
    for group in by_kind.values():
        group.sort(key=lambda p: p.id)
        keys = {p.id: normalize_name(p.legal_name) for p in group}
        for i, left in enumerate(group):
            for right in group[i + 1 :]:
                if held[left.id] & held[right.id] or not keys[left.id] or not keys[right.id]:
                    continue
                result = score(left, right)
                if result is not None:
                    found.append(Candidate(left.id, right.id, *result))
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


def _decided(store: Store) -> dict[tuple[str, str], str]:
    t = identity_candidates
    with read_connection(store.engine) as conn:
        rows = conn.execute(sa.select(t.c.left_id, t.c.right_id, t.c.state).where(t.c.kind == "party"))
        return {(r.left_id, r.right_id): r.state for r in rows}


def record(store: Store, candidate: Candidate, state: str, actor: str, change_id: int | None = None) -> None:
    """Store a candidate pair with its state (insert or update)."""
    t = identity_candidates
    key = (t.c.kind == "party", t.c.left_id == candidate.left_id, t.c.right_id == candidate.right_id)
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
                    kind="party", left_id=candidate.left_id, right_id=candidate.right_id, **values
                )
            )


def resolve_identities(store: Store, threshold: float) -> IdentityResult:
    """Link sure matches at or above ``threshold``; put the other matches on the review list."""
    held = _holders(store)
    parties = list(store.iter_parties())
    decided = _decided(store)
    pairs = [
        c for c in candidates(parties, held) if decided.get((c.left_id, c.right_id)) not in (LINKED, REJECTED)
    ]
    sure, unsure = _unique(pairs)
    result = IdentityResult([], [])
    moved: set[str] = set()
    for c in sure:
        if c.score < threshold or c.left_id in moved or c.right_id in moved:
            unsure.append(c)
            continue
        change = links.link(
            store, "party", c.right_id, c.left_id, ACTOR, f"{c.basis} match, score {c.score:.0f}"
        )
        record(store, c, LINKED, ACTOR, change.change_id)
        moved.update((c.left_id, c.right_id))
        result.linked.append(c)
    for c in unsure:
        if decided.get((c.left_id, c.right_id)) != REVIEW:
            record(store, c, REVIEW, ACTOR)
        result.review.append(c)
    return result


__all__ = ["ACTOR", "Candidate", "IdentityResult", "candidates", "record", "resolve_identities", "score"]
