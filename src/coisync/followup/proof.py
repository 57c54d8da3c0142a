"""Documented proof: a party's audit trail as an audit-ready bundle (JSON, CSV, HTML timeline).

Rows come from the one hash-chained audit log; each keeps its ``seq``, ``hash`` and
``prev_hash`` so it can be checked against the log, and the bundle states whether the whole
chain verified when it was exported. The CSV is formula-guarded and the HTML is autoescaped
and self-contained (no script, no external resource).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from coisync.cli.output import csv_cell
from coisync.followup.notices import template_environment
from coisync.store import AuditEntry, Store

CSV_COLUMNS = (
    "seq", "time", "party_id", "party_name", "actor", "action", "track", "step", "channel",
    "recipients", "message_id", "content_hash", "outcome", "error", "hash", "prev_hash",
)  # fmt: skip


@dataclass(frozen=True)
class ProofBundle:
    """A party's audit rows and the chain's state at export time."""

    party_id: str
    party_name: str
    exported_at: str
    chain: dict[str, Any]
    entries: tuple[AuditEntry, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "party": {"id": self.party_id, "legal_name": self.party_name},
            "exported_at": self.exported_at,
            "chain": self.chain,
            "entries": [_entry(e) for e in self.entries],
        }


def _entry(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "time": e.at,
        "actor": e.actor,
        "action": e.action,
        "subject": e.subject,
        "payload": e.payload,
        "hash": e.hash,
        "prev_hash": e.prev_hash,
    }


def _about(entry: AuditEntry, party_id: str) -> bool:
    if entry.subject == f"party:{party_id}":
        return True
    payload = entry.payload
    return isinstance(payload, dict) and payload.get("party_id") == party_id


def collect(store: Store, party_id: str) -> ProofBundle:
    """Every audit row about a party, with the chain's verification."""
    party = store.get_party(party_id)
    entries = tuple(e for e in store.audit.entries() if _about(e, party_id))
    return ProofBundle(
        party_id=party_id,
        party_name=party.legal_name if party else "",
        exported_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
        chain=store.audit.verify().as_dict(),
        entries=entries,
    )


def to_json(bundle: ProofBundle) -> str:
    """The bundle as JSON."""
    return json.dumps(bundle.as_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _row(bundle: ProofBundle, entry: AuditEntry) -> list[object]:
    p = entry.payload if isinstance(entry.payload, dict) else {}
    recipients = p.get("recipients") or []
    return [
        entry.seq, entry.at, bundle.party_id, bundle.party_name, entry.actor, entry.action, p.get("track"),
        p.get("step"), p.get("channel"), "; ".join(map(str, recipients)), p.get("message_id"),
        p.get("content_hash"), p.get("outcome") or p.get("reason"), p.get("error"), entry.hash, entry.prev_hash,
    ]  # fmt: skip


def to_csv(bundle: ProofBundle) -> str:
    """The bundle as formula-safe CSV, one row per audit entry."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in bundle.entries:
        writer.writerow([csv_cell(value) for value in _row(bundle, entry)])
    return out.getvalue()


def to_html(bundle: ProofBundle) -> str:
    """The bundle as a self-contained, escaped HTML timeline."""
    env = template_environment(None)
    rows = [dict(zip(CSV_COLUMNS, _row(bundle, e), strict=True)) for e in bundle.entries]
    return env.get_template("timeline.html.j2").render(bundle=bundle, rows=rows, chain=bundle.chain)
