"""Compare each party's copies across systems, and against the canonical truth.

For every party held by at least one connection, the certificate lines each connection holds
(refs of kind certificate) are grouped by coverage. The canonical truth of a coverage is the
line with the latest expiration (the newest certificate, wherever it arrived). Flags:

* ``<field>_disagrees`` (``policy_number``, ``insurer``, ``expiration_date``, ``limit``): two
  connections hold different values for the same coverage; flagged on every holder's line, with
  each value and its source;
* ``expired`` / ``expiring``: a line a system shows is past its expiration, or inside the
  largest expiring window;
* ``certificate_missing``: the party has an agreement in force (or its verdict says requirements
  apply and nothing is on file) and no certificate in any system;
* ``coverage_missing``: a system holds the party but lacks a coverage another system holds;
* ``agreement_drift``: one agreement (linked across systems by identity) is in force in one
  system and ended in another. Each system's view of a linked agreement is what that system
  last said of its status and dates (the ref's ``last_known["seen"]``), not the canonical body,
  which holds one truth; a system that states no status is judged by its dates. Two different
  agreements of a party (another property, an earlier lease) are never compared;
* ``party_unknown``: the party is under requirements (an agreement in force there in any
  system; for a party without agreements, a verdict other than ``not_required``, at its
  properties) at a property two or more connections hold, and one of those connections holds
  parties of its kind but not this party (:mod:`coisync.reconcile.presence`); flagged in the
  connections that know it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from coisync.model import Agreement, AgreementStatus, Certificate, CoverageLine, Party
from coisync.reconcile import presence
from coisync.store import Store, schema
from coisync.store.engine import read_connection
from coisync.store.queries import load
from coisync.sync.assemble import HEADLINE_LIMIT, SEEN
from coisync.sync.tables import verdicts

RecordKey = tuple[str, str, str]
"""``(connection, platform_type, platform_id)`` of the platform record a flag concerns."""


@dataclass(frozen=True)
class Flag:
    """One reconciliation flag with its evidence.

    Attributes:
        party_id: The canonical party.
        party_name: Its legal name.
        connection: The system the flag belongs to.
        record: The platform record it concerns (a policy line or the party's record).
        entity: ``(kind, id)`` of the canonical entity behind ``record``.
        kind: The flag kind (see the module docs).
        coverage_type: The coverage concerned, if any.
        detail: One line of evidence for people.
        values: Each source's value (``connection`` -> value) where values differ.
        evidence: Structured evidence beyond ``values`` (``party_unknown``: each property with
            its agreements, the systems knowing the party and those lacking it).
    """

    party_id: str
    party_name: str
    connection: str
    record: RecordKey
    entity: tuple[str, str]
    kind: str
    coverage_type: str | None
    detail: str
    values: Mapping[str, Any] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "party_id": self.party_id,
            "party_name": self.party_name,
            "connection": self.connection,
            "record": "/".join(self.record),
            "platform_type": self.record[1],
            "platform_id": self.record[2],
            "kind": self.kind,
            "coverage_type": self.coverage_type,
            "detail": self.detail,
            "values": dict(self.values),
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True)
class Copy:
    """One coverage line as one connection holds it."""

    connection: str
    record: RecordKey
    certificate_id: str
    line: CoverageLine
    insurer: str | None


def _field_values(copy: Copy) -> dict[str, Any]:
    money = copy.line.limits.get(HEADLINE_LIMIT.get(copy.line.coverage_type, ""))
    limit = money.amount if money is not None else None
    return {
        "policy_number": copy.line.policy_number,
        "insurer": copy.insurer,
        "expiration_date": copy.line.expiration_date.isoformat() if copy.line.expiration_date else None,
        "limit": str(limit) if limit is not None else None,
    }


@dataclass
class Holdings:
    """Everything the store knows of parties, per connection."""

    parties: dict[str, Party] = field(default_factory=dict)
    party_records: dict[str, list[RecordKey]] = field(default_factory=lambda: defaultdict(list))
    copies: dict[str, list[Copy]] = field(default_factory=lambda: defaultdict(list))
    agreements: dict[str, list[tuple[str, Agreement]]] = field(default_factory=lambda: defaultdict(list))
    """Per party: ``(connection, that system's view of the agreement)`` for every ref of its agreements."""
    statuses: dict[str, str] = field(default_factory=dict)
    property_holders: dict[str, set[str]] = field(default_factory=dict)
    """Per canonical property, the connections holding a ref to it."""
    property_names: dict[str, str] = field(default_factory=dict)
    carries: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per connection, the party kinds it holds (:func:`coisync.reconcile.presence.party_kinds`)."""


def load_holdings(store: Store, carries: Mapping[str, frozenset[str]] | None = None) -> Holdings:
    """Parties, their platform records, certificate lines and agreements, by connection.

    ``carries`` gives the party kinds each connection holds; without it no connection is said to
    lack a party (no ``party_unknown`` flag).
    """
    held = Holdings(carries=dict(carries or {}))
    t = schema.external_refs
    with read_connection(store.engine) as conn:
        refs = conn.execute(
            sa.select(
                t.c.connection,
                t.c.platform_type,
                t.c.platform_id,
                t.c.entity_kind,
                t.c.entity_id,
                sa.case((t.c.entity_kind == "agreement", t.c.last_known), else_=None).label("known"),
            )
        )
        by_entity: dict[tuple[str, str], list[RecordKey]] = defaultdict(list)
        seen: dict[RecordKey, dict[str, Any]] = {}
        for row in refs:
            key = (row.connection, row.platform_type, row.platform_id)
            by_entity[(row.entity_kind, row.entity_id)].append(key)
            if row.known:
                said = json.loads(row.known).get(SEEN)
                if isinstance(said, dict):
                    seen[key] = said
        c = schema.certificates
        for row in conn.execute(sa.select(c.c.id, c.c.body).where(c.c.is_latest.is_(True))):
            for record in by_entity.get(("certificate", row.id), ()):
                certificate = load(Certificate, row.body)
                insurers = {i.letter: i.name for i in certificate.insurers}
                for line in certificate.lines:
                    held.copies[certificate.party_id or ""].append(
                        Copy(record[0], record, certificate.id, line, insurers.get(line.insurer_letter or ""))
                    )
        v = verdicts
        held.statuses = {
            row.party_id: row.status for row in conn.execute(sa.select(v.c.party_id, v.c.status))
        }
        a = schema.agreements
        for row in conn.execute(sa.select(a.c.id, a.c.body)):
            agreement = load(Agreement, row.body)
            for record in by_entity.get(("agreement", row.id), ()):
                held.agreements[agreement.party_id].append((record[0], _view(agreement, seen.get(record))))
    for (kind, entity_id), records in by_entity.items():
        if kind == "property":
            held.property_holders[entity_id] = {r[0] for r in records}
    held.property_names = {p.id: p.name for p in store.iter_properties()}
    for party in store.iter_parties():
        records = by_entity.get(("party", party.id), [])
        if records:
            held.parties[party.id] = party
            held.party_records[party.id] = sorted(records)
    return held


def _view(agreement: Agreement, seen: Mapping[str, Any] | None) -> Agreement:
    """The agreement as one system last stated it (the canonical body when it stated nothing)."""
    if seen is None:
        return agreement

    def day(name: str) -> date | None:
        value = seen.get(name)
        return date.fromisoformat(str(value)[:10]) if value else None

    status = seen.get("status")
    return agreement.model_copy(
        update={
            "status": AgreementStatus(status) if status else AgreementStatus.ACTIVE,
            "start_date": day("start_date"),
            "end_date": day("end_date"),
        }
    )


def _drift(agreements: list[tuple[str, Agreement]], as_of: date) -> list[tuple[Agreement, dict[str, str]]]:
    """Agreements in force in one system and ended in another, with each system's state."""
    states: dict[str, dict[str, bool]] = defaultdict(dict)
    by_id: dict[str, Agreement] = {}
    for connection, agreement in agreements:
        by_id.setdefault(agreement.id, agreement)
        conn_states = states[agreement.id]
        conn_states[connection] = conn_states.get(connection, False) or _in_force(agreement, as_of)
    return [
        (by_id[aid], {k: "active" if v else "ended" for k, v in sorted(found.items())})
        for aid, found in sorted(states.items())
        if len(set(found.values())) > 1
    ]


def _in_force(agreement: Agreement, as_of: date) -> bool:
    if agreement.status is not AgreementStatus.ACTIVE:
        return False
    started = agreement.start_date is None or agreement.start_date <= as_of
    return started and (agreement.end_date is None or agreement.end_date >= as_of)


def _places(
    party: Party, agreements: list[tuple[str, Agreement]], status: str | None, as_of: date
) -> dict[str, tuple[str, ...]]:
    """Where the party is under requirements: property -> its agreements in force there."""
    if not agreements:
        required = status is not None and status != "not_required"
        return dict.fromkeys(party.property_ids, ()) if required else {}
    places: dict[str, set[str]] = defaultdict(set)
    for _, agreement in agreements:
        if _in_force(agreement, as_of):
            places[agreement.property_id].add(agreement.id)
    return {p: tuple(sorted(ids)) for p, ids in places.items()}


def compare_party(held: Holdings, party: Party, as_of: date, window: int) -> list[Flag]:
    """Every flag of one party."""
    flags: list[Flag] = []
    party_records = held.party_records[party.id]
    connections = sorted({r[0] for r in party_records})
    party_record = {r[0]: r for r in party_records}

    def on_party(
        connection: str,
        kind: str,
        coverage: str | None,
        detail: str,
        values: Mapping[str, Any],
        evidence: Mapping[str, Any] | None = None,
    ) -> None:
        record = party_record[connection]
        flags.append(
            Flag(
                party.id,
                party.legal_name,
                connection,
                record,
                ("party", party.id),
                kind,
                coverage,
                detail,
                values,
                evidence or {},
            )
        )

    copies = held.copies.get(party.id, [])
    by_coverage: dict[str, list[Copy]] = defaultdict(list)
    for copy in copies:
        by_coverage[copy.line.coverage_type].append(copy)
    for coverage, group in sorted(by_coverage.items()):
        truth = max(group, key=lambda c: (c.line.expiration_date or date.min, c.connection))
        truth_values = _field_values(truth)
        for name in ("policy_number", "insurer", "expiration_date", "limit"):
            seen = {c.connection: _field_values(c)[name] for c in group if _field_values(c)[name] is not None}
            if len(set(seen.values())) > 1:
                detail = f"{coverage} {name} differs: " + ", ".join(
                    f"{k}={v}" for k, v in sorted(seen.items())
                )
                detail += f" (current: {truth_values[name]} from {truth.connection})"
                for c in group:
                    flags.append(
                        Flag(
                            party.id,
                            party.legal_name,
                            c.connection,
                            c.record,
                            ("certificate", c.certificate_id),
                            f"{name}_disagrees",
                            coverage,
                            detail,
                            seen,
                        )
                    )
        for c in group:
            expires = c.line.expiration_date
            if expires is None:
                continue
            kind = (
                "expired"
                if expires <= as_of
                else "expiring"
                if expires <= as_of + timedelta(days=window)
                else None
            )
            if kind:
                flags.append(
                    Flag(
                        party.id,
                        party.legal_name,
                        c.connection,
                        c.record,
                        ("certificate", c.certificate_id),
                        kind,
                        coverage,
                        f"{coverage} {kind} {expires.isoformat()} in {c.connection}",
                        {c.connection: expires.isoformat()},
                    )
                )
        holders = {c.connection for c in group}
        for connection in connections:
            if connection not in holders and connection in party_record:
                on_party(
                    connection,
                    "coverage_missing",
                    coverage,
                    f"{coverage} held by {', '.join(sorted(holders))} but not by {connection}",
                    dict.fromkeys(sorted(holders), "present"),
                )
    agreements = held.agreements.get(party.id, [])
    required = any(_in_force(a, as_of) for _, a in agreements) or held.statuses.get(party.id) == "missing"
    if not copies and required:
        why = "agreement in force" if agreements else "requirements apply"
        for connection in connections:
            on_party(
                connection,
                "certificate_missing",
                None,
                f"{why} and no certificate in any system ({', '.join(connections)})",
                {},
            )
    drifting = _drift(agreements, as_of)
    if drifting:
        values: dict[str, str] = {}
        for _, states in drifting:
            for conn, state in states.items():
                values[conn] = "; ".join(filter(None, (values.get(conn), state)))
        detail = "; ".join(
            f"agreement {a.id} at {a.property_id}: " + ", ".join(f"{k} {v}" for k, v in states.items())
            for a, states in drifting
        )
        for connection in connections:
            if connection in values:
                on_party(connection, "agreement_drift", None, detail, values)
    places = _places(party, agreements, held.statuses.get(party.id), as_of)
    kind = party.kind.value
    found = presence.absences(
        kind, connections, places, held.property_holders, held.carries, held.property_names
    )
    for connection in connections:
        parts = presence.flag_parts(found, connection, kind)
        if parts is not None:
            on_party(connection, presence.KIND, None, *parts)
    return flags


def compare(held: Holdings, as_of: date, window: int) -> list[Flag]:
    """Every flag of every party, in party order."""
    flags: list[Flag] = []
    for party_id in sorted(held.parties):
        flags.extend(compare_party(held, held.parties[party_id], as_of, window))
    return flags


def kinds(flags: Iterable[Flag]) -> list[str]:
    """The distinct flag kinds raised."""
    return sorted({f.kind for f in flags})


__all__ = ["Copy", "Flag", "Holdings", "RecordKey", "compare", "compare_party", "kinds", "load_holdings"]
