"""What went wrong with one input record: file, line (or item), field and reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class ImportProblem:
    """One record (or a whole file) that could not be imported.

    ``line`` is the 1-based line in the file (JSONL, CSV); ``item`` locates a record inside a
    JSON document (``certificates[2]``); ``field`` is the dotted path inside the record's data.
    """

    file: str
    reason: str
    line: int | None = None
    item: str | None = None
    record_type: str | None = None
    record_id: str | None = None
    field: str | None = None

    def where(self) -> str:
        """``file:line`` or ``file item``: where to look."""
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.item is not None:
            return f"{self.file} {self.item}"
        return self.file

    def __str__(self) -> str:
        parts = [self.where()]
        if self.record_type:
            parts.append(f"{self.record_type} {self.record_id}" if self.record_id else self.record_type)
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts) + f": {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "file": self.file,
            "line": self.line,
            "item": self.item,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "field": self.field,
            "reason": self.reason,
        }


def field_path(loc: tuple[int | str, ...]) -> str | None:
    """A pydantic error location as a dotted path (``lines.0.limits.each_occurrence``)."""
    return ".".join(str(part) for part in loc) or None


def validation_problems(
    exc: ValidationError,
    *,
    file: str,
    line: int | None = None,
    item: str | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
    strip: int = 0,
    line_of: dict[int, int] | None = None,
) -> list[ImportProblem]:
    """One problem per pydantic error; ``strip`` drops leading location parts (envelope keys).

    ``line_of`` maps a coverage line index to its CSV row so an error in ``lines.2`` points at
    the row that held that line.
    """
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = tuple(error["loc"])[strip:]
        at = line
        if line_of and len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int):
            at = line_of.get(loc[1], line)
        problems.append(
            ImportProblem(
                file=file,
                line=at,
                item=item,
                record_type=record_type,
                record_id=record_id,
                field=field_path(loc),
                reason=str(error["msg"]),
            )
        )
    return problems
