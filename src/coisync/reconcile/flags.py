"""Which flags go where (``[reconcile]`` in coisync.toml), and the values the planner writes.

A connection receives flags in the coisync-owned fields its mapping assigns to the job
``reconcile`` (target ``reconcile_flags``):

* Procore: an insurance's ``origin_data`` (the flags of that insurance line);
* Yardi: the vendor's or tenant's user-defined field ``COIReconcile`` (every flag of the party);
* MRI: a flag note on each lease of the occupant (``NoteReference2`` ``REC-...``; every flag of
  the occupant in MRI);
* VTS: a tenant update (comment) on the tenant (every flag of the tenant in VTS).

MRI and VTS keep notes rather than fields; their text is :mod:`coisync.connector.flagnote`'s.
Connections without such a field, or read-only ones, get none; the report says so. Settings::

    [reconcile]
    auto_link_threshold = 95           # 0-100: links at or above are made automatically
    flags = ["expired", ...]           # flag kinds written back (default: every kind)

    [reconcile.connections.procore]
    flags = ["expired"]                # per connection override; [] writes nothing there
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coisync.errors import ConfigError
from coisync.model import EntityKind
from coisync.reconcile.compare import Flag
from coisync.store import schema
from coisync.sync.plan import DesiredIndex
from coisync.sync.plan_diff import PlannedRef

TARGET = "reconcile_flags"
"""The canonical target of the flag text in mappings (``job = "reconcile"``)."""

KINDS = (
    "policy_number_disagrees",
    "insurer_disagrees",
    "expiration_date_disagrees",
    "limit_disagrees",
    "expired",
    "expiring",
    "certificate_missing",
    "coverage_missing",
    "agreement_drift",
    "party_unknown",
)
"""Every flag kind."""

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class ReconcileSettings:
    """``[reconcile]`` of coisync.toml."""

    auto_link_threshold: float = 95.0
    flags: tuple[str, ...] = KINDS
    per_connection: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def kinds_for(self, connection: str) -> tuple[str, ...]:
        """The flag kinds written into ``connection``."""
        return self.per_connection.get(connection, self.flags)


def _kinds(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(key, "must be a list of flag kinds", f"use some of {', '.join(KINDS)}")
    unknown = [v for v in value if v not in KINDS]
    if unknown:
        raise ConfigError(key, f"unknown flag kind {unknown[0]!r}", f"use one of {', '.join(KINDS)}")
    return tuple(value)


def load_settings(config: Mapping[str, Any]) -> ReconcileSettings:
    """Read ``[reconcile]``; errors name the key.

    Raises:
        ConfigError: An unknown key, or a value of the wrong type or range.
    """
    section = config.get("reconcile", {})
    if not isinstance(section, dict):
        raise ConfigError("reconcile", "must be a table", "write [reconcile] with its keys below it")
    unknown = sorted(set(section) - {"auto_link_threshold", "flags", "connections"})
    if unknown:
        raise ConfigError(
            f"reconcile.{unknown[0]}", "unknown key", "use auto_link_threshold, flags or connections"
        )
    threshold = section.get("auto_link_threshold", 95.0)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 100:
        raise ConfigError(
            "reconcile.auto_link_threshold", f"{threshold!r} is not a score", "use a number from 0 to 100"
        )
    flags = _kinds(section["flags"], "reconcile.flags") if "flags" in section else KINDS
    per: dict[str, tuple[str, ...]] = {}
    for name, table in (section.get("connections") or {}).items():
        if not isinstance(table, dict) or set(table) - {"flags"}:
            raise ConfigError(
                f"reconcile.connections.{name}", "must be a table with only flags", "flags = [...]"
            )
        if "flags" in table:
            per[name] = _kinds(table["flags"], f"reconcile.connections.{name}.flags")
    return ReconcileSettings(float(threshold), flags, per)


def flag_text(flags: Iterable[Flag]) -> str:
    """The text written into one record: one line per flag, sorted, with its evidence."""
    lines = sorted({f"[coisync reconcile] {f.kind}: {f.detail}" for f in flags})
    text = "\n".join(lines)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _agreement_parties(conn: Connection, ids: list[str]) -> dict[str, str]:
    """The party of each agreement (by id)."""
    t = schema.agreements
    return {
        row.id: row.party_id
        for row in conn.execute(sa.select(t.c.id, t.c.party_id).where(t.c.id.in_(ids)))
        if row.party_id
    }


def desired_index(flags: Iterable[Flag], settings: ReconcileSettings) -> DesiredIndex:
    """The planner's source of desired values for the ``reconcile`` job.

    A party's record gets every flag of that party in that connection (Yardi's vendor or tenant
    user-defined field, VTS's tenant update: the system's one place for them), and so does an
    agreement's record (MRI's lease note: the lease is where MRI keeps notes on its occupant); a
    policy line's record gets the flags of that line (Procore's insurance). A record without
    flags gets an empty text, so a flag that no longer applies is cleared.
    """
    per_record: dict[tuple[str, str, str], list[Flag]] = defaultdict(list)
    per_party: dict[tuple[str, str], list[Flag]] = defaultdict(list)
    for flag in flags:
        if flag.kind in settings.kinds_for(flag.connection):
            per_record[flag.record].append(flag)
            per_party[(flag.connection, flag.party_id)].append(flag)

    def index(conn: Connection, refs: Sequence[PlannedRef]) -> dict[tuple[str, str], dict[str, Any]]:
        agreement_ids = [r.entity_id for r in refs if r.entity_kind is EntityKind.AGREEMENT]
        party_of = _agreement_parties(conn, agreement_ids) if agreement_ids else {}
        values: dict[tuple[str, str], dict[str, Any]] = {}
        for ref in refs:
            if ref.entity_kind is EntityKind.PARTY:
                chosen = per_party.get((ref.connection, ref.entity_id), [])
            elif ref.entity_kind is EntityKind.AGREEMENT:
                chosen = per_party.get((ref.connection, party_of.get(ref.entity_id, "")), [])
            else:
                chosen = per_record.get((ref.connection, ref.platform_type, ref.platform_id), [])
            values[(ref.entity_kind.value, ref.entity_id)] = {TARGET: flag_text(chosen)}
        return values

    return index


__all__ = ["KINDS", "TARGET", "ReconcileSettings", "desired_index", "flag_text", "load_settings"]
