"""Party presence across systems: the ``party_unknown`` drift.

A party under requirements at a property that two or more connections hold (refs of several
connections point at the one canonical property) should be known to each of them that holds
parties of its kind. It is *unknown* to such a connection when that connection has no ref to
the party at all. Which party kinds a connection holds comes from its mapping
(:func:`party_kinds`): VTS holds tenants, Procore vendors, Yardi vendors and tenants, MRI
occupants (tenants); a connection that holds no party of that kind is not where the party
operates, so it is never said to lack it.

The flag is raised in the connections that know the party and hold the property (the lacking
one has no record to carry it), with the property, the agreements in force there, and who knows
and who lacks the party as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coisync.model import EntityKind, PartyKind

if TYPE_CHECKING:
    from coisync.connector import Connector
    from coisync.mapping.compiled import PlatformMapping

KIND = "party_unknown"
"""The flag kind."""

EVERY_KIND = frozenset(k.value for k in PartyKind)


def party_kinds(mapping: PlatformMapping) -> frozenset[str]:
    """The party kinds a connection's mapping gives its party records.

    A record's ``kind`` field yields its default and, when read from the platform through a
    code table that refuses unknown codes, the table's values; a kind read freely from the
    platform (or a party record without a kind field) may be any kind.
    """
    kinds: set[str] = set()
    for record in mapping.records.values():
        if record.spec.entity != EntityKind.PARTY.value:
            continue
        spec = next((c.spec for c in record.fields if c.spec.target == "kind"), None)
        if spec is None:
            return EVERY_KIND
        if spec.default is not None:
            kinds.add(str(spec.default))
        if spec.source:
            table = mapping.tables.get(spec.table or "")
            if table is None or table.unknown != "error":
                return EVERY_KIND
            kinds.update(table.values.values())
    return frozenset(kinds)


def carried_kinds(connectors: Iterable[Connector]) -> dict[str, frozenset[str]]:
    """Per connection name, the party kinds it holds (see :func:`party_kinds`)."""
    return {c.config.name: party_kinds(c.mapping) for c in connectors}


@dataclass(frozen=True)
class Absence:
    """A party under requirements at a shared property, unknown to some of its holders.

    Attributes:
        property_id: The canonical property.
        property_name: Its name.
        agreements: The party's agreements in force there (empty: its verdict says requirements apply).
        known_in: Connections holding the property that know the party.
        unknown_in: Connections holding the property and parties of its kind that do not.
    """

    property_id: str
    property_name: str
    agreements: tuple[str, ...]
    known_in: tuple[str, ...]
    unknown_in: tuple[str, ...]

    def describe(self, kind: str) -> str:
        """One line of evidence."""
        why = f"agreement {', '.join(self.agreements)} in force" if self.agreements else "requirements apply"
        return (
            f"{kind} at {self.property_name} ({self.property_id}) known in {', '.join(self.known_in)} "
            f"but unknown in {', '.join(self.unknown_in)}, which holds that property and its {kind}s ({why})"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "property_id": self.property_id,
            "property_name": self.property_name,
            "agreements": list(self.agreements),
            "known_in": list(self.known_in),
            "unknown_in": list(self.unknown_in),
        }


def absences(
    kind: str,
    known: Iterable[str],
    places: Mapping[str, tuple[str, ...]],
    holders: Mapping[str, set[str]],
    carries: Mapping[str, frozenset[str]],
    names: Mapping[str, str],
) -> list[Absence]:
    """Where a party of ``kind``, known to the connections ``known`` and under requirements at
    ``places`` (property -> agreements in force there), is unknown to a holder of the property.

    Args:
        holders: Per canonical property, the connections holding a ref to it.
        carries: Per connection, the party kinds it holds; a connection not listed holds none.
        names: Per canonical property, its name.
    """
    knowing = set(known)
    found: list[Absence] = []
    for property_id, agreements in sorted(places.items()):
        holding = holders.get(property_id, set())
        if len(holding) < 2:
            continue
        lacking = sorted(c for c in holding - knowing if kind in carries.get(c, frozenset()))
        knows = sorted(holding & knowing)
        if lacking and knows:
            found.append(
                Absence(
                    property_id, names.get(property_id, property_id), agreements, tuple(knows), tuple(lacking)
                )
            )
    return found


def flag_parts(
    found: list[Absence], connection: str, kind: str
) -> tuple[str, dict[str, str], dict[str, Any]] | None:
    """The detail, values and evidence of ``connection``'s flag (None when it knows of no absence)."""
    mine = [a for a in found if connection in a.known_in]
    if not mine:
        return None
    values: dict[str, str] = {}
    for absence in mine:
        values.update(dict.fromkeys(absence.known_in, "known"))
        values.update(dict.fromkeys(absence.unknown_in, "unknown"))
    detail = "; ".join(a.describe(kind) for a in mine)
    return detail, dict(sorted(values.items())), {"absences": [a.as_dict() for a in mine]}


__all__ = ["EVERY_KIND", "KIND", "Absence", "absences", "carried_kinds", "flag_parts", "party_kinds"]
