"""The report as CSV: one row per finding, so an auditor can sort and filter every item.

A party with nothing open still gets one row (finding columns empty), so every party in the
report appears. Cells go through :func:`coisync.cli.output.csv_cell`: a value starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'`` and cannot run as a
formula. The file is UTF-8 with a byte order mark and CRLF line ends, which is what
spreadsheet software needs to open non-ASCII names correctly on a double click.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from coisync.cli.output import csv_cell
from coisync.report.model import PartyRow, Report

BOM = "\ufeff"
"""Written first, so spreadsheet software reads the file as UTF-8."""

COLUMNS: tuple[str, ...] = (
    "party_id",
    "party_name",
    "kind",
    "category",
    "status",
    "property_ids",
    "owners",
    "earliest_expiration",
    "agreement_id",
    "property_id",
    "finding_code",
    "outcome",
    "severity",
    "coverage_type",
    "limit_key",
    "required",
    "found",
    "evidence",
    "clause",
    "clause_text",
    "certificate_id",
    "policy_number",
    "waiver_id",
    "message",
)
"""The CSV header, in order."""


def party_rows(party: PartyRow) -> Iterator[list[object]]:
    """The CSV rows of one party: one per finding, or one with empty finding columns."""
    head: list[object] = [
        party.id,
        party.name,
        party.kind,
        party.category,
        party.status,
        "; ".join(party.property_ids),
        "; ".join(party.owners),
        party.earliest_expiration.isoformat() if party.earliest_expiration else None,
    ]
    if not party.findings:
        yield head + [None] * (len(COLUMNS) - len(head))
        return
    for f in party.findings:
        yield [
            *head,
            f.agreement_id,
            f.property_id,
            f.code,
            f.outcome,
            f.severity,
            f.coverage_type,
            f.limit_key,
            f.required,
            f.found,
            f.evidence,
            f.clause,
            f.clause_text,
            f.certificate_id,
            f.policy_number,
            f.waiver_id,
            f.message,
        ]


def write_csv_report(report: Report, stream: IO[str], *, bom: bool = True) -> int:
    """Write the report as CSV; returns the number of data rows."""
    if bom:
        stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    written = 0
    for party in report.parties:
        for row in party_rows(party):
            writer.writerow([csv_cell(v) for v in row])
            written += 1
    return written
