"""Test data for report tests: a generated portfolio in a SQLite store, plus hostile names.

The sandbox generator names per-category templates (``tenant_fitness``, ``vendor_hvac``) that the
built-in library does not ship, so agreements are pointed at the nearest built-in template.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from coisync.model import RECORD_MODELS
from coisync.sandbox.portfolio import generate
from coisync.store import Store

AS_OF = date(2026, 6, 1)
"""The day every report test judges on."""
GENERATED_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SEED, SIZE = 7, 600
"""The generated portfolio: 600 records, about 190 parties at 5 properties."""

HOSTILE_NAMES = (
    '<img src=x onerror="window.__pwned=1">Evil Tenant LLC',
    "<script>window.__pwned=1</script>Script Vendor Inc",
    '=HYPERLINK("http://attacker.example/","click")',
    "Café & Søn </script><!-- Ünïcode",
    "[bold red]Markup[/] Holdings",
)
"""Party names a platform might send: HTML, a spreadsheet formula, a script terminator, rich markup."""

BUILTIN_FOR = {
    "tenant": {"restaurant": "tenant_restaurant", "retail": "tenant_retail"},
    "vendor": {"roofing": "vendor_high", "elevator": "vendor_high", "security": "vendor_medium"},
}


def builtin_template(kind: str, category: str) -> str:
    """The built-in template closest to the generator's per-category name."""
    if kind == "contractor":
        return "contractor"
    if kind == "tenant":
        return BUILTIN_FOR["tenant"].get(category, "tenant_office")
    return BUILTIN_FOR["vendor"].get(category, "vendor_low")


def portfolio_records(seed: int, size: int, hostile: bool = True) -> Iterator[dict[str, Any]]:
    """Generated envelopes with templates the library knows; the first parties get hostile names."""
    kinds: dict[str, tuple[str, str]] = {}
    renamed = 0
    for record in generate(seed, size):
        data = dict(record["data"])
        if record["type"] == "party":
            kinds[data["id"]] = (data["kind"], data["category"])
            if hostile and renamed < len(HOSTILE_NAMES):
                data["legal_name"] = HOSTILE_NAMES[renamed]
                renamed += 1
        if record["type"] == "agreement":
            data["template"] = builtin_template(*kinds[data["party_id"]])
        yield {**record, "data": data}


def load(store: Store, records: Iterable[dict[str, Any]]) -> int:
    """Validate envelopes and write them to the store in record-type order; returns the count."""
    batches: dict[str, list[Any]] = {name: [] for name in RECORD_MODELS}
    for record in records:
        model = RECORD_MODELS[record["type"]]
        batches[record["type"]].append(model.model_validate_json(json.dumps(record["data"])))
    for name, models in batches.items():
        if models:
            store.upsert(name, models)
    return sum(len(m) for m in batches.values())


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    """Write envelopes as JSONL."""
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return path
