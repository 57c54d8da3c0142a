"""Printing results: rich tables on a terminal, JSON for machines, CSV that is formula-safe.

Untrusted text (names from platforms and PDFs) goes through :func:`safe_text` before it reaches a
rich renderable, so markup in a vendor's name is shown, not interpreted; CSV cells go through
:func:`csv_cell`, so a value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
cannot run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def console(stderr: bool = False) -> Console:
    """A rich console; plain text when not writing to a terminal."""
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def safe_text(value: object) -> str:
    """Untrusted text made inert for rich markup."""
    if value is None:
        return ""
    return escape(str(value))


def csv_cell(value: object) -> str:
    """A CSV cell that spreadsheet software will not evaluate as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str], stream: IO[str] | None = None) -> None:
    """Write formula-safe CSV rows."""
    writer = csv.writer(stream or sys.stdout, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    """JSON text for ``--json`` output: indented, stable key order kept as built."""
    return json.dumps(data, indent=2, default=_default, ensure_ascii=False)


def emit_json(data: Any) -> None:
    """Print ``--json`` output."""
    sys.stdout.write(to_json(data) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Table:
    """A rich table whose cells are escaped untrusted text.

    A cell too wide for the terminal folds onto more lines instead of being cut: ids shown
    here are what people copy into the next command.
    """
    result = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        result.add_column(column, overflow="fold")
    for row in rows:
        result.add_row(*(safe_text(v) for v in row))
    return result
