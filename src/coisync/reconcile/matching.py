"""How alike two parties, properties or agreements are: one matcher per entity kind.

A matcher loads the entities of its kind, puts them in blocks (only entities in one block are
compared) and scores a pair 0-100 with the basis of the score, or None when they cannot be one:

* parties (of one kind): equal tax ids (100; two different tax ids never match), else the
  normalised legal name (:func:`coisync.compliance.name_match`);
* properties: the normalised address (:mod:`coisync.reconcile.address`: street number, street
  name, city, state, postal code) weighted 4:1 with the rapidfuzz similarity of the normalised
  names; without comparable addresses, matching names alone score at most
  :data:`NAME_ONLY_CAP` (never above the default auto-link threshold, so a person decides);
* agreements (of one kind, of the same canonical party at the same canonical property, so
  after those are linked): how close their start and end dates are (100 when equal, less the
  further apart, no match beyond :data:`DATE_TOLERANCE_DAYS`); with no dates to compare,
  :data:`NO_DATES_SCORE` (a person decides).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol

from rapidfuzz import fuzz

from coisync.compliance import name_match, normalize_name
from coisync.model import Agreement, Party, Property
from coisync.reconcile.address import address_score, parse_address
from coisync.store import Store

Score = tuple[float, str]
"""A score (0-100) and its basis."""

NAME_ONLY_CAP = 90.0
STREET_THRESHOLD = 85.0
"""Street names less alike than this are different streets."""
DATE_TOLERANCE_DAYS = 92
NO_DATES_SCORE = 80.0


class Matcher(Protocol):
    """Finds entities of one kind that may be one."""

    kind: ClassVar[str]

    def entities(self, store: Store) -> dict[str, Any]:
        """Every entity of the kind, by id."""

    def block(self, entity: Any) -> Hashable | None:
        """Entities are compared only within one block; None: never compared."""

    def score(self, left: Any, right: Any) -> Score | None:
        """How likely two entities are one (None: not a match)."""


@dataclass(frozen=True)
class PartyMatcher:
    """Parties: tax id, then normalised legal name."""

    kind: ClassVar[str] = "party"

    def entities(self, store: Store) -> dict[str, Any]:
        """Every party."""
        return {p.id: p for p in store.iter_parties()}

    def block(self, entity: Any) -> Hashable | None:
        """Parties of one kind with a comparable name."""
        return entity.kind.value if normalize_name(entity.legal_name) else None

    def score(self, left: Any, right: Any) -> Score | None:
        """See :func:`party_score`."""
        return party_score(left, right)


def party_score(left: Party, right: Party) -> Score | None:
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


@dataclass(frozen=True)
class PropertyMatcher:
    """Properties: normalised address and name."""

    kind: ClassVar[str] = "property"

    def entities(self, store: Store) -> dict[str, Any]:
        """Every property."""
        return {p.id: p for p in store.iter_properties()}

    def block(self, entity: Any) -> Hashable | None:
        """All properties are compared."""
        return "property"

    def score(self, left: Any, right: Any) -> Score | None:
        """See :func:`property_score`."""
        return property_score(left, right)


def _name_similarity(left: str, right: str) -> float:
    return float(fuzz.token_set_ratio(normalize_name(left), normalize_name(right)))


def property_score(left: Property, right: Property) -> Score | None:
    """How likely two properties are one building, and on what basis (None: not a match)."""
    names = _name_similarity(left.name, right.name)
    street = address_score(parse_address(left.address), parse_address(right.address))
    if street is None:
        return (min(names, NAME_ONLY_CAP), "name") if names >= 90 else None
    if street < STREET_THRESHOLD:
        return None
    return (round(0.8 * street + 0.2 * names, 1), "address")


@dataclass(frozen=True)
class AgreementMatcher:
    """Agreements of one party at one property: their dates."""

    kind: ClassVar[str] = "agreement"

    def entities(self, store: Store) -> dict[str, Any]:
        """Every agreement."""
        return {a.id: a for a in store.iter_agreements()}

    def block(self, entity: Any) -> Hashable | None:
        """Agreements of one kind, party and property."""
        return (entity.kind.value, entity.party_id, entity.property_id)

    def score(self, left: Any, right: Any) -> Score | None:
        """See :func:`agreement_score`."""
        return agreement_score(left, right)


def _day_score(left: date | None, right: date | None) -> float | None:
    if left is None or right is None:
        return None
    apart = abs((left - right).days)
    if apart > DATE_TOLERANCE_DAYS:
        return -1.0
    return 100.0 - 20.0 * apart / DATE_TOLERANCE_DAYS if apart else 100.0


def agreement_score(left: Agreement, right: Agreement) -> Score | None:
    """How likely two agreements are one, and on what basis (None: not a match)."""
    if (left.kind, left.party_id, left.property_id) != (right.kind, right.party_id, right.property_id):
        return None
    days = [
        s
        for s in (_day_score(left.start_date, right.start_date), _day_score(left.end_date, right.end_date))
        if s is not None
    ]
    if any(s < 0 for s in days):
        return None
    if not days:
        return (NO_DATES_SCORE, "party_property")
    return (round(sum(days) / len(days), 1), "dates")


MATCHERS: tuple[Matcher, ...] = (PartyMatcher(), PropertyMatcher(), AgreementMatcher())
"""In the order identity runs them: agreements last, once their parties and properties are linked."""

__all__ = [
    "MATCHERS",
    "AgreementMatcher",
    "Matcher",
    "PartyMatcher",
    "PropertyMatcher",
    "Score",
    "agreement_score",
    "party_score",
    "property_score",
]
