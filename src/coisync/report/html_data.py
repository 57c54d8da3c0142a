"""The party table's data for the HTML report: compact, and safe inside a ``<script>`` block.

Parties are arrays, not objects, and finding fields are indices into one table of distinct
strings, so 100k parties stay a few tens of megabytes. :func:`embed_json` escapes ``<``, ``>``
and ``&`` as JSON ``\\u`` escapes, so no name can close the ``<script>`` element holding it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from coisync.report.model import STATUSES, FindingRow, PartyRow, Report

KINDS: tuple[str, ...] = ("tenant", "vendor", "contractor")

PARTY_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "status",
    "properties",
    "earliest_expiration",
    "open_findings",
    "top_codes",
    "findings",
)
"""Layout of one party array; ``kind`` and ``status`` index ``kinds`` and ``statuses``."""

FINDING_FIELDS: tuple[str, ...] = (
    "code",
    "outcome",
    "severity",
    "coverage_type",
    "limit_key",
    "required",
    "found",
    "evidence",
    "clause",
    "clause_text",
    "message",
    "certificate_id",
    "policy_number",
    "waiver_id",
    "agreement_id",
    "property_id",
)
"""Layout of one finding array: indices into ``strings``, -1 for none."""

_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def embed_json(data: Any) -> Markup:
    """JSON text that can sit inside ``<script type="application/json">`` without ending it."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return Markup(text.translate(_ESCAPES))  # noqa: S704 - markup characters are escaped above


class _Strings:
    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found


def _finding(f: FindingRow, intern: _Strings) -> list[int]:
    return [intern(getattr(f, name)) for name in FINDING_FIELDS]


def table_data(report: Report, labels: dict[str, str]) -> dict[str, Any]:
    """The data the party table script reads."""
    intern = _Strings()
    property_index: dict[str, int] = {}
    properties: list[list[str]] = []
    for group in sorted(report.by_property, key=lambda g: (g.label, g.key)):
        property_index[group.key] = len(properties)
        properties.append([group.key, group.label, group.detail or ""])

    def prop(pid: str) -> int:
        if pid not in property_index:
            property_index[pid] = len(properties)
            properties.append([pid, pid, ""])
        return property_index[pid]

    status_index = {s: i for i, s in enumerate(STATUSES)}
    kind_index = {k: i for i, k in enumerate(KINDS)}
    parties = [_party(p, status_index, kind_index, prop, intern) for p in report.parties]
    return {
        "fields": {"party": list(PARTY_FIELDS), "finding": list(FINDING_FIELDS)},
        "statuses": list(STATUSES),
        "labels": labels,
        "kinds": list(KINDS),
        "properties": properties,
        "strings": intern.values,
        "parties": parties,
    }


def _party(
    p: PartyRow,
    status_index: dict[str, int],
    kind_index: dict[str, int],
    prop: Callable[[str], int],
    intern: _Strings,
) -> list[Any]:
    return [
        p.id,
        p.name,
        kind_index.get(p.kind, 0),
        status_index[p.status],
        [prop(pid) for pid in p.property_ids],
        p.earliest_expiration.isoformat() if p.earliest_expiration else "",
        len(p.open_findings),
        ", ".join(p.top_codes()),
        [_finding(f, intern) for f in p.findings],
    ]
