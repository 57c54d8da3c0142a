"""Readers for canonical JSON documents and JSONL, yielding records or problems one by one.

JSONL is streamed a line at a time (a 100k-record file never sits in memory); a JSON document
(one envelope, a list of envelopes, or a portfolio object) is read whole, so large portfolios
belong in JSONL. Each reader reports progress as bytes consumed.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from coisync.errors import InputError
from coisync.ingest.problems import ImportProblem
from coisync.ingest.records import ValidRecord, parse_data, parse_envelope, unknown_version
from coisync.model import FORMAT_VERSION
from coisync.model.records import PORTFOLIO_KEYS

Progress = Callable[[int], None]
"""Called with the number of bytes consumed since the previous call."""

ReadResult = ValidRecord | list[ImportProblem]


def _no_progress(_: int) -> None:
    return None


def read_jsonl(path: Path, progress: Progress = _no_progress) -> Iterator[ReadResult]:
    """One envelope per line; blank lines, a UTF-8 byte-order mark and CRLF endings are fine."""
    name = str(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            progress(len(raw))
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if not raw.strip():
                continue
            yield parse_envelope(raw, file=name, line=number)


def read_json_document(path: Path, progress: Progress = _no_progress) -> Iterator[ReadResult]:
    """A single envelope, a list of envelopes, or a portfolio object."""
    name = str(path)
    raw = path.read_bytes()
    progress(len(raw))
    try:
        document: Any = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"{name} is not valid JSON ({exc}); fix the file or export it again") from exc
    if isinstance(document, list):
        for index, element in enumerate(document):
            yield parse_envelope(json.dumps(element), file=name, item=f"[{index}]")
        return
    if not isinstance(document, dict):
        raise InputError(f"{name}: expected a JSON object or a list of records")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        reason = "format_version is missing" if version is None else unknown_version(version)
        raise InputError(f"{name}: {reason}")
    if "type" in document or "data" in document:
        yield parse_envelope(json.dumps(document), file=name, item="record")
        return
    unknown = sorted(set(document) - set(PORTFOLIO_KEYS) - {"format_version"})
    if unknown:
        raise InputError(
            f"{name}: unknown portfolio keys {', '.join(unknown)}; expected {', '.join(PORTFOLIO_KEYS)}"
        )
    for key, record_type in PORTFOLIO_KEYS.items():
        items = document.get(key, [])
        if not isinstance(items, list):
            raise InputError(f"{name}: {key} must be a list of records")
        for index, data in enumerate(items):
            yield parse_data(record_type, data, file=name, item=f"{key}[{index}]")
