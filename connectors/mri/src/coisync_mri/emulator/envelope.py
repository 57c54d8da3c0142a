"""MRI's wire conventions: the OData-v3 envelope, ``$top``/``$skip`` paging and MRI time spellings.

* Envelope: ``{"odata.metadata": ..., "nextLink": ..., "value": [...]}``; ``nextLink`` is the
  same URL with ``%24top``/``%24skip`` advanced and appears only while more rows exist.
* Row timestamps (``LastUpdate``): ``2025-03-01T10:15:32.123`` (milliseconds, no zone; the
  emulator keeps UTC). Dates: ``2024-02-22T00:00:00``.
* ``LASTUPDATEDATE`` filter: ``YYYY-MM-DD HH:mm:ss.SSS`` (also accepted without the fraction or
  the time, **assumed**); rows with ``LastUpdate >=`` it are returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request

from coisync.sandbox.emulator import HttpError
from coisync_mri.emulator.settings import API_PATH

_FILTER_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?)?$")
_ROW_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?$")


def row_time(seconds: float) -> str:
    """Unix seconds as a row's ``LastUpdate``: ``2025-03-01T10:15:32.123``."""
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def row_date(value: str) -> str:
    """An ISO date (``2024-02-22``) as MRI spells dates: ``2024-02-22T00:00:00``."""
    return f"{value[:10]}T00:00:00"


def _parts_to_key(day: str, clock: str | None, fraction: str | None) -> str:
    millis = (fraction or "0")[:3].ljust(3, "0")
    return f"{day}T{clock or '00:00:00'}.{millis}"


def filter_time(value: str, name: str = "LASTUPDATEDATE") -> str:
    """A ``LASTUPDATEDATE`` value as a comparable row-time key.

    Raises:
        HttpError: 400 (plain text) for any other spelling.
    """
    match = _FILTER_TIME.match(value.strip())
    if match is None:
        raise HttpError(400, message=f"Invalid value for parameter {name}: expected YYYY-MM-DD HH:mm:ss.SSS")
    try:
        datetime.fromisoformat(f"{match.group(1)}T{match.group(2) or '00:00:00'}")
    except ValueError:
        raise HttpError(400, message=f"Invalid value for parameter {name}: not a date") from None
    return _parts_to_key(match.group(1), match.group(2), match.group(3))


def time_key(value: str) -> str:
    """A row's ``LastUpdate`` (or a date) as the same comparable key as :func:`filter_time`."""
    match = _ROW_TIME.match(value.strip())
    if match is None:
        return value
    return _parts_to_key(match.group(1), match.group(2), match.group(3))


def parse_row_date(value: Any) -> str | None:
    """A written date (``2024-02-22``, ``2024-02-22T00:00:00``, 7-digit fractions) as MRI's date, or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _ROW_TIME.match(text)
    day = match.group(1) if match else text
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        return None
    return row_date(day)


def paging(request: Request, max_top: int) -> tuple[int, int]:
    """``($top, $skip)`` of a request; ``$top`` defaults to and is clamped at ``max_top`` (assumed).

    Raises:
        HttpError: 400 when either is not a whole number (``$top`` at least 1).
    """
    values = []
    for name, default, least in (("$top", max_top, 1), ("$skip", 0, 0)):
        raw = request.args.get(name)
        if raw is None:
            values.append(default)
            continue
        try:
            number = int(raw)
        except ValueError:
            raise HttpError(400, message=f"Invalid value for parameter {name}") from None
        if number < least:
            raise HttpError(400, message=f"Invalid value for parameter {name}")
        values.append(number)
    return min(values[0], max_top), values[1]


def metadata_url(request: Request, api: str) -> str:
    """``.../api.asp?$api=NAME&$metadata#MRI.<name>-container/<name>`` (name lowercased)."""
    lowered = api.lower()
    return f"{_endpoint(request)}?$api={api}&$metadata#MRI.{lowered}-container/{lowered}"


def _endpoint(request: Request) -> str:
    return request.host_url.rstrip("/") + API_PATH


def envelope(request: Request, api: str, rows: Sequence[dict[str, Any]], max_top: int) -> dict[str, Any]:
    """One page of ``rows`` in MRI's envelope, with ``nextLink`` while more rows exist."""
    top, skip = paging(request, max_top)
    page = [dict(row) for row in rows[skip : skip + top]]
    body: dict[str, Any] = {"odata.metadata": metadata_url(request, api)}
    if skip + top < len(rows):
        params = [(k, v) for k, v in request.args.items(multi=True) if k not in ("$top", "$skip")]
        params += [("$top", str(top)), ("$skip", str(skip + top))]
        body["nextLink"] = f"{_endpoint(request)}?{urlencode(params)}"
    body["value"] = page
    return body


def write_envelope(request: Request, api: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The answer to a POST: the envelope with one row per posted row (errors inside)."""
    return {"odata.metadata": metadata_url(request, api), "value": [dict(row) for row in rows]}


__all__ = [
    "envelope",
    "filter_time",
    "metadata_url",
    "paging",
    "parse_row_date",
    "row_date",
    "row_time",
    "time_key",
    "write_envelope",
]
