"""Platform records to canonical entities and refs, through the connector's mapping.

Each record is mapped forward once; what the mapping leaves to the platform builds the
canonical entity (see docs/sync.md for the standard targets), what coisync owns is kept in the
ref's ``last_known["read"]`` so the planner can compare it with what coisync wants. A record
whose content hash equals its ref's is unchanged and skipped before any mapping work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from coisync.connector import PlatformRecord, Quarantined
from coisync.mapping.engine import MappedRecord, RecordMapping
from coisync.model import (
    Agreement,
    CanonicalModel,
    Certificate,
    CoverageLine,
    EntityKind,
    ExternalRef,
    Party,
    Property,
)
from coisync.store.refs import RefKey
from coisync.sync.identity import canonical_id
from coisync.sync.values import flatten, jsonable

HEADLINE_LIMIT: dict[str, str] = {
    "general_liability": "each_occurrence",
    "umbrella": "each_occurrence",
    "excess_liability": "each_occurrence",
    "liquor_liability": "each_occurrence",
    "auto_liability": "combined_single_limit",
    "workers_compensation": "el_each_accident",
    "professional_liability": "each_claim",
    "cyber": "each_claim",
    "pollution_liability": "each_claim",
    "property": "building",
}
"""Where a platform's single ``limit`` goes, per coverage type (docs/sync.md)."""

ENTITY_OF: dict[str, EntityKind] = {
    "party": EntityKind.PARTY,
    "property": EntityKind.PROPERTY,
    "agreement": EntityKind.AGREEMENT,
    "policy": EntityKind.CERTIFICATE,
    "certificate": EntityKind.CERTIFICATE,
}
RECORD_TYPE_OF: dict[EntityKind, str] = {
    EntityKind.PARTY: "party",
    EntityKind.PROPERTY: "property",
    EntityKind.AGREEMENT: "agreement",
    EntityKind.CERTIFICATE: "certificate",
}


class AssemblyError(ValueError):
    """A mapped record cannot become a canonical entity; the message says why."""


@dataclass
class Assembled:
    """One batch, ready to write in one transaction."""

    models: dict[str, list[CanonicalModel]] = field(default_factory=dict)
    refs: list[ExternalRef] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    changed_parties: set[str] = field(default_factory=set)
    unchanged: int = 0
    resolved: list[RefKey] = field(default_factory=list)

    def add(self, record_type: str, model: CanonicalModel) -> None:
        """Queue one entity for its record table."""
        self.models.setdefault(record_type, []).append(model)


REF_TARGETS = ("party_ref", "property_ref")

SEEN = "seen"
SEEN_TARGETS: dict[EntityKind, tuple[str, ...]] = {EntityKind.AGREEMENT: ("status", "start_date", "end_date")}
"""What the platform says of these targets is kept in the ref's ``last_known["seen"]``: once
reconciliation links one agreement held by several systems, each system's own status and dates
stay comparable (agreement drift)."""


def ref_pairs(values: Mapping[str, Any], name: str, defaults: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(platform type, platform id)`` pairs a ``*_ref`` target points at.

    ``party_ref.<type>`` names the record type; a plain ``party_ref`` means the connector's one
    record type of that entity (``defaults``).
    """
    refs = values.get(name)
    if refs in (None, ""):
        return []
    if isinstance(refs, Mapping):
        return [(str(kind), str(pid)) for kind, pid in refs.items() if pid not in (None, "")]
    default = defaults.get(name)
    if default is None:
        raise AssemblyError(f"{name} needs a record type: map it to {name}.<platform type>")
    return [(default, str(refs))]


def related_keys(connection: str, values: Mapping[str, Any], defaults: Mapping[str, str]) -> list[RefKey]:
    """Keys of the records a mapped record points at."""
    keys: list[RefKey] = []
    for name in REF_TARGETS:
        try:
            keys.extend((connection, kind, pid) for kind, pid in ref_pairs(values, name, defaults))
        except AssemblyError:
            continue
    return keys


class Assembler:
    """Builds canonical entities for one connection's records."""

    def __init__(
        self, connection: str, ref_defaults: Mapping[str, str] | None = None, now: datetime | None = None
    ) -> None:
        self.connection = connection
        self.ref_defaults = dict(ref_defaults or {})
        self.now = now or datetime.now(tz=UTC)

    def entity_id(self, key: RefKey, known: Mapping[RefKey, ExternalRef]) -> str:
        """The canonical id a platform record belongs to."""
        ref = known.get(key)
        return ref.entity_id if ref is not None else canonical_id(*key)

    def related_id(
        self, values: Mapping[str, Any], name: str, known: Mapping[RefKey, ExternalRef]
    ) -> str | None:
        """The canonical id of the record a ``*_ref`` target points at."""
        for kind, pid in ref_pairs(values, name, self.ref_defaults):
            return self.entity_id((self.connection, kind, pid), known)
        return None

    def assemble(
        self,
        records: Iterable[PlatformRecord],
        mapping: RecordMapping,
        entity: str,
        known: Mapping[RefKey, ExternalRef],
        existing: Mapping[str, CanonicalModel],
        *,
        force: bool = False,
        mapped_records: Mapping[RefKey, MappedRecord] | None = None,
    ) -> Assembled:
        """Map and build a batch; ``known`` holds refs of the records and what they point at.

        ``mapped_records`` holds records already mapped (by key), so they are not mapped twice.
        """
        out = Assembled()
        kind = ENTITY_OF.get(entity)
        if kind is None:
            raise AssemblyError(f"records of entity kind {entity!r} are not synced")
        owned = {c.spec.target for c in mapping.writable()}
        for record in records:
            key = (self.connection, record.platform_type, record.platform_id)
            previous = known.get(key)
            if not force and previous is not None and previous.content_hash == record.content_hash:
                out.unchanged += 1
                continue
            mapped = (mapped_records or {}).get(key) or mapping.forward(record.raw)
            if not mapped.ok:
                out.quarantined.append(self._quarantine(record, mapped.reason))
                continue
            entity_id = self.entity_id(key, known)
            try:
                model, party_id = self._build(kind, entity_id, mapped.values, known, existing.get(entity_id))
            except (ValidationError, AssemblyError, ValueError) as exc:
                out.quarantined.append(self._quarantine(record, _reason(exc)))
                continue
            out.add(RECORD_TYPE_OF[kind], model)
            if party_id:
                out.changed_parties.add(party_id)
            read = {t: jsonable(v) for t, v in flatten(mapped.values).items() if t in owned}
            written = previous.last_known.get("written", {}) if previous is not None else {}
            out.refs.append(
                ExternalRef(
                    connection=self.connection,
                    platform_type=record.platform_type,
                    platform_id=record.platform_id,
                    entity_kind=kind,
                    entity_id=entity_id,
                    version=record.version,
                    content_hash=record.content_hash,
                    last_known={"read": read, "written": written, **_seen(kind, mapped.values)},
                    updated_at=self.now,
                )
            )
        return out

    def _quarantine(self, record: PlatformRecord, reason: str) -> Quarantined:
        return Quarantined(
            stream=record.stream,
            raw=record.raw,
            reason=reason,
            platform_type=record.platform_type,
            platform_id=record.platform_id,
        )

    def _build(
        self,
        kind: EntityKind,
        entity_id: str,
        values: Mapping[str, Any],
        known: Mapping[RefKey, ExternalRef],
        current: CanonicalModel | None,
    ) -> tuple[CanonicalModel, str | None]:
        if kind is EntityKind.PARTY:
            party = self._party(entity_id, values, known, current if isinstance(current, Party) else None)
            return party, party.id
        if kind is EntityKind.PROPERTY:
            return self._property(entity_id, values, current if isinstance(current, Property) else None), None
        if kind is EntityKind.AGREEMENT:
            agreement = self._agreement(
                entity_id, values, known, current if isinstance(current, Agreement) else None
            )
            return agreement, agreement.party_id
        certificate = self._policy(entity_id, values, known)
        return certificate, certificate.party_id

    def _party(
        self,
        entity_id: str,
        values: Mapping[str, Any],
        known: Mapping[RefKey, ExternalRef],
        current: Party | None,
    ) -> Party:
        data: dict[str, Any] = (
            current.model_dump(context={"canonical": True}) if current else {"id": entity_id}
        )
        for name in ("legal_name", "kind", "category", "tax_id", "active"):
            if values.get(name) is not None:
                data[name] = values[name]
        contact = {k: values[k] for k in ("email", "phone") if values.get(k)}
        if contact and not data.get("contacts"):
            data["contacts"] = [{"role": "insurance", **contact}]
        place = self.related_id(values, "property_ref", known)
        if place and place not in data.get("property_ids", ()):
            data["property_ids"] = [*data.get("property_ids", ()), place]
        data.setdefault("kind", "vendor")
        if not data.get("legal_name"):
            raise AssemblyError("legal_name is missing")
        return Party.model_validate(data, strict=False)

    def _property(self, entity_id: str, values: Mapping[str, Any], current: Property | None) -> Property:
        data: dict[str, Any] = current.model_dump() if current else {"id": entity_id}
        for name in ("name", "address", "owner_entity", "manager", "lender", "time_zone"):
            if values.get(name) is not None:
                data[name] = values[name]
        if not data.get("name"):
            raise AssemblyError("name is missing")
        data.setdefault("owner_entity", data["name"])
        return Property.model_validate(data, strict=False)

    def _agreement(
        self,
        entity_id: str,
        values: Mapping[str, Any],
        known: Mapping[RefKey, ExternalRef],
        current: Agreement | None,
    ) -> Agreement:
        data: dict[str, Any] = current.model_dump() if current else {"id": entity_id, "kind": "lease"}
        party_id = self.related_id(values, "party_ref", known)
        property_id = self.related_id(values, "property_ref", known)
        if not party_id or not property_id:
            raise AssemblyError("an agreement needs party_ref and property_ref")
        data.update(party_id=party_id, property_id=property_id)
        for name in ("kind", "start_date", "end_date", "status", "template"):
            if values.get(name) is not None:
                data[name] = values[name]
        return Agreement.model_validate(data, strict=False)

    def _policy(
        self, entity_id: str, values: Mapping[str, Any], known: Mapping[RefKey, ExternalRef]
    ) -> Certificate:
        party_id = self.related_id(values, "party_ref", known)
        if not party_id:
            raise AssemblyError("a policy needs party_ref (the insured's platform id)")
        coverage = values.get("coverage_type")
        if not coverage:
            raise AssemblyError("coverage_type is missing")
        limits: dict[str, Any] = {}
        if values.get("limit") is not None and coverage in HEADLINE_LIMIT:
            limits[HEADLINE_LIMIT[coverage]] = values["limit"]
        limits.update(values.get("limits") or {})
        insurer = values.get("insurer") or {}
        # One validation per model level that names its own errors (the line's, then the
        # certificate's): pydantic validates what is nested inside each at native speed.
        line = CoverageLine.model_validate(
            {
                "coverage_type": coverage,
                "insurer_letter": "A" if insurer.get("name") else None,
                "policy_number": values.get("policy_number"),
                "effective_date": values.get("effective_date"),
                "expiration_date": values.get("expiration_date"),
                "additional_insured": values.get("additional_insured"),
                "subrogation_waived": values.get("subrogation_waived"),
                "limits": limits,
            },
            strict=False,
        )
        insurers = (
            [{"letter": "A", "name": insurer["name"], "naic": insurer.get("naic")}]
            if insurer.get("name")
            else []
        )
        return Certificate.model_validate(
            {
                "id": entity_id,
                "party_id": party_id,
                "insured": {"name": str(values.get("insured_name") or party_id)},
                "insurers": insurers,
                "lines": [line],
                "provenance": {"source": "platform", "connection": self.connection},
            },
            strict=False,
        )


def _seen(kind: EntityKind, values: Mapping[str, Any]) -> dict[str, Any]:
    seen = {t: jsonable(values[t]) for t in SEEN_TARGETS.get(kind, ()) if values.get(t) is not None}
    return {SEEN: seen} if seen else {}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        return f"{where}: {first['msg']}"
    return str(exc)
