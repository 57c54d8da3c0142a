"""Procore list semantics: ``page``/``per_page`` paging and ``filters[...]`` parameters.

A list response is a JSON array with headers ``Total`` (all matching records), ``Per-Page``
and ``Link`` (RFC 5988, absolute URLs, rels ``first``, ``prev``, ``next``, ``last``; ``prev``
only after page 1, ``next`` only before the last page).

Filters:

* ``filters[updated_at]=START...END``: ISO 8601 timestamps (or dates); START inclusive and,
  assumed, END inclusive too (``ProcoreSettings.updated_at_end_inclusive``).
* ``filters[include_deleted]=with|only``: add deleted records (tombstones), or list only them.
* ``filters[vendor_id]=ID`` or ``filters[vendor_id][]=ID``: records of those vendors.

A listing is filtered and ordered once per state of the emulator and then paged from memory
(:meth:`coisync.sandbox.emulator.StateStore.derived`), as a platform pages an indexed query:
a page costs its own records, not the whole collection.

Assumed: records are listed in ascending ``id`` order; a page past the last one is empty; an
unparsable ``page``, ``per_page`` or filter value is a 400.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import HttpError, json_response, parse_iso_utc
from coisync_procore.emulator.settings import ProcoreSettings


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpError(400, message=f"{name} must be a positive integer") from None
    if value < 1:
        raise HttpError(400, message=f"{name} must be a positive integer")
    return value


def filter_records(
    request: Request,
    records: Iterable[dict[str, Any]],
    settings: ProcoreSettings,
    *,
    filterable: tuple[str, ...] = ("updated_at", "include_deleted"),
) -> list[dict[str, Any]]:
    """Apply the ``filters[...]`` parameters a list endpoint supports.

    Args:
        request: The list request.
        records: Stored records (with ``updated_at`` Unix seconds and ``deleted_at``).
        settings: Emulator settings (END inclusivity).
        filterable: The filters this endpoint honours; others are ignored, as Procore does for
            endpoints that do not support them.

    Raises:
        HttpError: 400 for a malformed filter value.
    """
    args = request.args
    checks: list[Callable[[dict[str, Any]], bool]] = []

    deleted_mode = args.get("filters[include_deleted]") if "include_deleted" in filterable else None
    if deleted_mode not in (None, "", "with", "only"):
        raise HttpError(400, message="filters[include_deleted] must be 'with' or 'only'")
    if deleted_mode == "only":
        checks.append(lambda r: r.get("deleted_at") is not None)
    elif deleted_mode != "with":
        checks.append(lambda r: r.get("deleted_at") is None)

    window = args.get("filters[updated_at]") if "updated_at" in filterable else None
    if window:
        start_text, sep, end_text = window.partition("...")
        try:
            start = parse_iso_utc(start_text) if start_text else -math.inf
            end = parse_iso_utc(end_text) if sep and end_text else math.inf
        except ValueError:
            raise HttpError(400, message="filters[updated_at] must be START...END in ISO 8601") from None
        if settings.updated_at_end_inclusive:
            checks.append(lambda r: start <= r["updated_at"] <= end)
        else:
            checks.append(lambda r: start <= r["updated_at"] < end)

    if "vendor_id" in filterable:
        raw_ids = args.getlist("filters[vendor_id][]") + args.getlist("filters[vendor_id]")
        if raw_ids:
            try:
                wanted = {int(v) for raw in raw_ids for v in raw.split(",") if v.strip()}
            except ValueError:
                raise HttpError(400, message="filters[vendor_id] must be vendor ids") from None
            checks.append(lambda r: r.get("vendor_id") in wanted)

    selected = [r for r in records if all(check(r) for check in checks)]
    selected.sort(key=lambda r: int(r["id"]))
    return selected


def listing_key(request: Request, settings: ProcoreSettings, *scope: Any) -> tuple[Any, ...]:
    """What a filtered listing depends on besides the state: the path's scope, every query
    parameter but ``page`` and ``per_page``, and the END inclusivity setting."""
    args = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k not in ("page", "per_page")))
    return (request.path, *scope, args, settings.updated_at_end_inclusive)


def paginated_response(
    request: Request,
    records: list[dict[str, Any]],
    render: Callable[[dict[str, Any]], dict[str, Any]],
    settings: ProcoreSettings,
) -> Response:
    """One page of ``records`` as a JSON array with ``Total``, ``Per-Page`` and ``Link`` headers.

    Args:
        request: The list request (its URL and query build the links).
        records: Every matching record, already filtered and ordered.
        render: Turns a stored record into its response shape.
        settings: Emulator settings (default and maximum ``per_page``).
    """
    page = _int_param(request, "page", 1)
    per_page = min(_int_param(request, "per_page", settings.default_per_page), settings.max_per_page)
    total = len(records)
    last = max(1, math.ceil(total / per_page))
    chunk = records[(page - 1) * per_page : page * per_page]

    def link(target: int, rel: str) -> str:
        query = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "per_page")]
        query += [("page", str(target)), ("per_page", str(per_page))]
        return f'<{request.base_url}?{urlencode(query)}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    headers = {"Total": str(total), "Per-Page": str(per_page), "Link": ", ".join(links)}
    return json_response([render(r) for r in chunk], 200, headers)
