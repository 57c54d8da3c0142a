"""CSV input: one file per record type, flat columns, certificates one row per coverage line.

Columns are documented in ``docs/import.md``. The record type comes from ``--type`` or a
``type`` column. Empty cells are absent values; list cells separate items with ``|``.
Certificate rows are grouped by ``certificate_id``; a certificate's rows must be consecutive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coisync.errors import InputError
from coisync.ingest.csv_columns import (
    CERTIFICATE_COLUMNS,
    FLAT_COLUMNS,
    build_certificate,
    build_flat,
    limit_column,
)
from coisync.ingest.problems import ImportProblem
from coisync.ingest.readers import Progress, ReadResult, _no_progress
from coisync.ingest.records import parse_data, unknown_type

CSV_TYPES = (*FLAT_COLUMNS, "certificate")


def _check_columns(name: str, header: list[str], record_type: str | None) -> None:
    if record_type is not None and record_type not in CSV_TYPES:
        raise InputError(
            f"{name}: {record_type} records cannot be imported from CSV; use JSON or JSONL "
            f"(CSV takes {', '.join(CSV_TYPES)})"
        )
    if record_type is None and "type" not in header:
        raise InputError(f"{name}: the record type is unknown; pass --type or add a 'type' column")
    allowed: set[str] = {"type"}
    for kind in [record_type] if record_type else CSV_TYPES:
        allowed |= set(CERTIFICATE_COLUMNS if kind == "certificate" else FLAT_COLUMNS[kind])
    unknown = [
        c
        for c in header
        if c not in allowed and not (limit_column(c) and (record_type in (None, "certificate")))
    ]
    if unknown:
        raise InputError(
            f"{name}: unknown column(s) {', '.join(unknown)}; see docs/import.md for the columns"
        )


def read_csv(
    path: Path, record_type: str | None = None, progress: Progress = _no_progress
) -> Iterator[ReadResult]:
    """Records of a CSV file; ``record_type`` overrides a ``type`` column."""
    name = str(path)
    with path.open("rb") as binary:
        counted = _CountingReader(binary, progress)
        text = io.TextIOWrapper(io.BufferedReader(counted), encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError(f"{name}: cannot read the CSV header ({exc})") from exc
        _check_columns(name, header, record_type)
        group: list[tuple[int, dict[str, str]]] = []
        group_id: str | None = None
        finished: set[str] = set()
        line = 1
        try:
            for cells in reader:
                start, line = line + 1, reader.line_num
                row = {h: c.strip() for h, c in zip(header, cells, strict=False) if c.strip()}
                if not row:
                    continue
                kind = record_type or row.pop("type", None)
                row.pop("type", None)
                if kind == "certificate":
                    cid = row.get("certificate_id") or row.get("id") or ""
                    if group and cid != group_id:
                        yield _certificate(name, group, finished)
                        group = []
                    group_id = cid
                    group.append((start, row))
                    continue
                if group:
                    yield _certificate(name, group, finished)
                    group, group_id = [], None
                if kind not in FLAT_COLUMNS:
                    yield [ImportProblem(name, unknown_type(kind), line=start, field="type")]
                    continue
                yield parse_data(kind, build_flat(kind, row), file=name, line=start, lax=True)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError(f"{name}: cannot read line {line + 1} ({exc})") from exc
        if group:
            yield _certificate(name, group, finished)


def _certificate(name: str, rows: list[tuple[int, dict[str, str]]], finished: set[str]) -> ReadResult:
    first_line = rows[0][0]
    cid = rows[0][1].get("certificate_id") or rows[0][1].get("id")
    if not cid:
        return [
            ImportProblem(
                name,
                "certificate_id is empty",
                line=first_line,
                record_type="certificate",
                field="certificate_id",
            )
        ]
    if cid in finished:
        return [
            ImportProblem(
                name,
                "rows of one certificate must be consecutive; this id appeared earlier in the file",
                line=first_line,
                record_type="certificate",
                record_id=cid,
                field="certificate_id",
            )
        ]
    finished.add(cid)
    data, problems = build_certificate([row for _, row in rows])
    if problems:
        return [
            ImportProblem(
                name, reason, line=first_line, record_type="certificate", record_id=cid, field=column
            )
            for column, reason in problems
        ]
    line_of = {index: line for index, (line, _) in enumerate(rows)}
    return parse_data("certificate", data, file=name, line=first_line, lax=True, line_of=line_of)


class _CountingReader(io.RawIOBase):
    """A binary stream that reports how many bytes were read through it."""

    def __init__(self, inner: Any, progress: Progress) -> None:
        self._inner = inner
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        self._progress(len(data))
        return len(data)
