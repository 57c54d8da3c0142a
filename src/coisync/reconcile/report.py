"""The reconciliation report: terminal table, JSON, and formula-safe CSV."""

from __future__ import annotations

import csv
import io

from rich.table import Table

from coisync.cli.output import csv_cell, safe_text, table
from coisync.reconcile.run import ReconcileResult

COLUMNS = ("party", "system", "record", "flag", "coverage", "evidence")


def rows(result: ReconcileResult) -> list[list[str]]:
    """One row per flag."""
    return [
        [f.party_name, f.connection, "/".join(f.record[1:]), f.kind, f.coverage_type or "", f.detail]
        for f in result.flags
    ]


def flags_table(result: ReconcileResult) -> Table:
    """The flags as a rich table (untrusted text made safe)."""
    return table(f"reconcile {result.run_id}", COLUMNS, [[safe_text(c) for c in row] for row in rows(result)])


def flags_csv(result: ReconcileResult) -> str:
    """The flags as CSV; every cell guarded against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(result):
        writer.writerow([csv_cell(c) for c in row])
    return out.getvalue()


__all__ = ["COLUMNS", "flags_csv", "flags_table", "rows"]
