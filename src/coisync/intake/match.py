"""Finding the party a certificate belongs to, by the named insured.

Names are compared with the compliance engine's matcher (:func:`coisync.compliance.name_match`),
against each party's legal name and aliases. Exactly one matching party is a match; none or
several send the certificate to review with the candidates named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coisync.compliance import name_match
from coisync.model import Party


@dataclass(frozen=True)
class PartyMatch:
    """The matched party id (or None), the candidates considered a match, and why."""

    party_id: str | None
    candidates: tuple[str, ...]
    reason: str | None

    @property
    def matched(self) -> bool:
        """True when exactly one party matched."""
        return self.party_id is not None


def match_party(insured_name: str | None, parties: Iterable[Party]) -> PartyMatch:
    """The one active party whose legal name or an alias matches the named insured."""
    if not insured_name:
        return PartyMatch(None, (), "the named insured could not be read; choose the party with --party")
    scored: list[tuple[float, str]] = []
    for party in parties:
        best = max(
            (name_match(name, insured_name) for name in (party.legal_name, *party.aliases)),
            key=lambda m: (m.matched, m.score),
        )
        if best.matched and party.active:
            scored.append((best.score, party.id))
    if not scored:
        return PartyMatch(
            None, (), f"no party matches the named insured {insured_name!r}; choose one with --party"
        )
    scored.sort(key=lambda item: (-item[0], item[1]))
    exact = [pid for score, pid in scored if score >= 100.0]
    if len(scored) == 1 or len(exact) == 1:
        winner = exact[0] if exact else scored[0][1]
        return PartyMatch(winner, tuple(pid for _, pid in scored), None)
    ids = tuple(pid for _, pid in scored)
    return PartyMatch(
        None,
        ids,
        f"the named insured {insured_name!r} matches several parties ({', '.join(ids)}); choose one",
    )
