"""Importing files: pick the reader by extension, feed the :class:`Ingestor`, summarise."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coisync.errors import InputError, UsageError
from coisync.ingest.csv_reader import read_csv
from coisync.ingest.ingestor import DEFAULT_BATCH_SIZE, Ingestor, IngestSummary
from coisync.ingest.problems import ImportProblem
from coisync.ingest.readers import Progress, ReadResult, read_json_document, read_jsonl
from coisync.ingest.records import ValidRecord
from coisync.store import Store

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}


@dataclass
class ImportReport:
    """The summary of an import run plus the files that could not be read at all."""

    summary: IngestSummary
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            **self.summary.as_dict(),
            "unreadable": [{"file": f, "reason": r} for f, r in self.unreadable],
        }


def file_format(path: Path) -> str:
    """``jsonl``, ``json`` or ``csv`` from the file name."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise UsageError(f"{path}: unknown file type; name it .jsonl, .json or .csv")
    return found


def read_file(path: Path, record_type: str | None, progress: Progress) -> Iterator[ReadResult]:
    """Records (or problems) of one file, in file order."""
    kind = file_format(path)
    if kind == "jsonl":
        return read_jsonl(path, progress)
    if kind == "json":
        return read_json_document(path, progress)
    return read_csv(path, record_type, progress)


def _check_readable(path: Path) -> str | None:
    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a file"
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    record_type: str | None = None,
    progress: Callable[[int], None] | None = None,
    actor: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportReport:
    """Import every file; invalid records are reported and skipped, the rest are written."""
    for path in paths:
        file_format(path)
    tick: Progress = progress or (lambda _: None)
    ingestor = Ingestor(store, batch_size=batch_size)
    unreadable: list[tuple[str, str]] = []
    for path in paths:
        problem = _check_readable(path)
        if problem:
            unreadable.append((str(path), problem))
            continue
        try:
            for result in read_file(path, record_type, tick):
                if isinstance(result, ValidRecord):
                    if record_type is not None and result.record_type != record_type:
                        ingestor.reject([_type_mismatch(result, record_type)], result.record_type)
                        continue
                    ingestor.add(result)
                else:
                    ingestor.reject(result)
        except InputError as exc:
            ingestor.flush()
            unreadable.append((str(path), str(exc)))
    summary = ingestor.finish(
        actor or _default_actor(),
        "import",
        ", ".join(Path(p).name for p in paths),
        {"files": [str(p) for p in paths]},
    )
    return ImportReport(summary, unreadable)


def _type_mismatch(record: ValidRecord, expected: str) -> ImportProblem:
    return ImportProblem(
        record.file,
        f"record is a {record.record_type}, but --type {expected} was given",
        line=record.line,
        item=record.item,
        record_type=record.record_type,
        record_id=record.record_id,
    )


def _default_actor() -> str:
    try:
        return f"import:{getpass.getuser()}"
    except (KeyError, OSError):
        return "import"
