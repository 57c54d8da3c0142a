"""The party table's data for the HTML report: compact, and safe inside a ``<script>`` block.

Two JSON blocks, each embedded once: the table's rows (parsed when the page opens) and every
party's findings (parsed the first time a party is opened, so it does not delay the table).
Parties are arrays, not objects, and finding fields are indices into one table of distinct
strings, so 100k parties stay a few tens of megabytes. :func:`embed_json` escapes ``<``, ``>``
and ``&`` as JSON ``\\u`` escapes, so no name can close the ``<script>`` element holding it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from markupsafe import Markup

from coisync.report.model import STATUSES, FindingRow, PartyRow, Report, top_codes

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
    "name_rank",
)
"""Layout of one party array; ``kind``, ``status`` and ``top_codes`` index ``kinds``,
``statuses`` and ``top_codes``;
``name_rank`` is the party's place in name order (case-insensitive), so the page need not sort
100k names before it can show them."""

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

_ESCAPES: tuple[tuple[str, str], ...] = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def embed_json(data: Any) -> Markup:
    """JSON text that can sit inside ``<script type="application/json">`` without ending it."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - markup characters are escaped above


class _Strings:
    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def many(self, values: tuple[str | None, ...]) -> list[int]:
        """The index of each value, -1 for None; new values are appended."""
        index, strings, out = self._index, self.values, []
        for value in values:
            if value is None:
                out.append(-1)
                continue
            found = index.get(value)
            if found is None:
                found = index[value] = len(strings)
                strings.append(value)
            out.append(found)
        return out


_FINDING_VALUES = attrgetter(*FINDING_FIELDS)


def _finding(f: FindingRow, intern: _Strings) -> list[int]:
    values: tuple[str | None, ...] = _FINDING_VALUES(f)
    return intern.many(values)


def table_data(report: Report, labels: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The party table's data and the findings' data (read only when a party is opened)."""
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
    names = [p.name.lower() for p in report.parties]
    rank = [0] * len(names)
    for position, index in enumerate(sorted(range(len(names)), key=names.__getitem__)):
        rank[index] = position
    tops = _Strings()
    parties = [
        _party(p, r, status_index, kind_index, prop, tops) for p, r in zip(report.parties, rank, strict=True)
    ]
    findings = [[_finding(f, intern) for f in p.findings] for p in report.parties]
    table = {
        "fields": list(PARTY_FIELDS),
        "statuses": list(STATUSES),
        "labels": labels,
        "kinds": list(KINDS),
        "properties": properties,
        "top_codes": tops.values,
        "parties": parties,
    }
    return table, {"fields": list(FINDING_FIELDS), "strings": intern.values, "findings": findings}


def _party(
    p: PartyRow,
    name_rank: int,
    status_index: dict[str, int],
    kind_index: dict[str, int],
    prop: Callable[[str], int],
    tops: _Strings,
) -> list[Any]:
    open_findings = p.open_findings
    return [
        p.id,
        p.name,
        kind_index.get(p.kind, 0),
        status_index[p.status],
        [prop(pid) for pid in p.property_ids],
        p.earliest_expiration.isoformat() if p.earliest_expiration else "",
        len(open_findings),
        tops.many((", ".join(top_codes(open_findings)),))[0],
        name_rank,
    ]
