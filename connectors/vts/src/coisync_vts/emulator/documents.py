"""VTS's wire conventions: JSON:API resources, cursor pages with ``links``, ``updated_since``.

* A resource is ``{"id": "1", "type": "leases", "attributes": {...}, "relationships": {...}}``;
  ids are strings, relationships carry ``data`` (``{"id", "type"}``, a list, or ``null``) and,
  for leases and certificates, ``links.related``.
* Lists are ordered by id. ``page[after]`` / ``page[before]`` are the base64 of an id
  (``MzE2NjQ=`` is ``31664``); ``links.self`` is the request, ``links.next`` / ``links.prev``
  appear only while there are records after / before the page.
* ``filter[updated_since]`` is ``YYYY-MM-DD[ HH:MM[:SS]]`` in UTC (a ``T`` separator and a
  trailing ``Z`` are accepted too, **assumed**).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlencode

from werkzeug.wrappers import Request

from coisync.sandbox.emulator import HttpError
from coisync_vts.emulator.settings import API_BASE, CERTIFICATES, TENANT_UPDATES, VtsSettings

_SINCE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?Z?$")

RELATED_TYPES: dict[str, str] = {
    "tenant": "tenants",
    "asset": "assets",
    "lease": "leases",
    "global_tenant": "global_tenants",
    "ultimate_parent": "global_tenants",
    "multi_building_asset": "multi_building_asset",
}
"""The JSON:API ``type`` of each to-one relationship the emulator renders."""

RELATIONSHIPS: dict[str, tuple[str, ...]] = {
    "assets": ("multi_building_asset",),
    "tenants": ("global_tenant",),
    "global_tenants": ("ultimate_parent",),
    "leases": ("tenant", "contacts", "asset"),
    "tenant_contacts": ("tenant",),
    CERTIFICATES: ("lease", "tenant"),
    TENANT_UPDATES: ("tenant", "asset"),
}
"""Relationships rendered per resource (fragments; ``leases.asset`` and certificates **assumed**;
of a tenant update's, only ``tenant`` and ``asset``: the emulator keeps no users)."""

LINKED = frozenset({"tenant", "asset", "lease"})
"""To-one relationships rendered with ``links.related`` (as the lease fragment shows)."""


def id_key(value: str) -> tuple[int, int | str]:
    """Sort key of an id: numbers by value, then other ids (global tenants' UUIDs) as text."""
    return (0, int(value)) if value.isdigit() else (1, value)


def encode_cursor(record_id: str) -> str:
    """The opaque cursor of a record: base64 of its id."""
    return base64.b64encode(record_id.encode()).decode()


def decode_cursor(value: str, name: str) -> str:
    """The id inside a cursor (percent-encoded spellings accepted).

    Raises:
        HttpError: 400 when the cursor is not base64 of an id.
    """
    text = unquote(value)
    try:
        decoded = base64.b64decode(text, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if not decoded:
        raise HttpError(400, message=f"Invalid {name} cursor")
    return decoded


def since_time(value: str) -> datetime:
    """The instant of a ``filter[updated_since]`` value.

    Raises:
        HttpError: 400 for any other spelling.
    """
    found = _SINCE.match(value.strip())
    if found is None:
        raise HttpError(400, message="filter[updated_since] must be formatted YYYY-MM-DD HH:MM:SS")
    day, hour, minute, second = found.groups()
    try:
        return datetime.fromisoformat(f"{day}T{hour or '00'}:{minute or '00'}:{second or '00'}+00:00")
    except ValueError:
        raise HttpError(400, message="filter[updated_since] is not a valid date") from None


def record_time(value: str | None) -> datetime | None:
    """A record's ``updated_at`` as an instant (``None`` when it has none)."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def relationship(name: str, value: Any, base_url: str) -> dict[str, Any]:
    """One relationship object: ``data`` (one, many or ``null``) and, for some, ``links.related``."""
    if name == "contacts":
        ids = list(value or ())
        return {
            "data": [{"id": i, "type": "tenant_contacts"} for i in ids],
            "links": {"related": f"{base_url}{API_BASE}/tenant_contacts"},
        }
    kind = RELATED_TYPES[name]
    data = None if value is None else {"id": str(value), "type": kind}
    rendered: dict[str, Any] = {"data": data}
    if name in LINKED:
        rendered["links"] = {"related": f"{base_url}{API_BASE}/{kind}/{value}" if value is not None else None}
    return rendered


def resource(
    kind: str, record: Mapping[str, Any], base_url: str, settings: VtsSettings, contacts: Sequence[str] = ()
) -> dict[str, Any]:
    """A stored record as a JSON:API resource."""
    rel = record.get("rel") or {}
    names = [
        n
        for n in RELATIONSHIPS[kind]
        if not (kind == "leases" and n == "asset" and not settings.lease_asset_relationship)
    ]
    relationships = {
        name: relationship(name, contacts if name == "contacts" else rel.get(name), base_url)
        for name in names
    }
    return {
        "id": str(record["id"]),
        "type": kind,
        "attributes": dict(record.get("attributes") or {}),
        "relationships": relationships,
    }


def page_size(request: Request, settings: VtsSettings) -> int:
    """``page[size]``: the default when absent, clamped to the maximum.

    Raises:
        HttpError: 400 when it is not a positive whole number.
    """
    raw = request.args.get("page[size]")
    if raw is None:
        return settings.page_size
    if not raw.isdigit() or int(raw) < 1:
        raise HttpError(400, message="page[size] must be a positive integer")
    return min(int(raw), settings.max_page_size)


def paged(
    request: Request,
    records: Sequence[Mapping[str, Any]],
    render: Callable[[Mapping[str, Any]], dict[str, Any]],
    settings: VtsSettings,
) -> dict[str, Any]:
    """The list document of ``records`` (already filtered) for the page the request asks for."""
    size = page_size(request, settings)
    ordered = sorted(records, key=lambda r: id_key(str(r["id"])))
    after, before = request.args.get("page[after]"), request.args.get("page[before]")
    if after is not None and before is not None:
        raise HttpError(400, message="page[after] and page[before] cannot be combined")
    if after is not None:
        mark = id_key(decode_cursor(after, "page[after]"))
        rest = [r for r in ordered if id_key(str(r["id"])) > mark]
        chosen, earlier, later = rest[:size], len(ordered) > len(rest), len(rest) > size
    elif before is not None:
        mark = id_key(decode_cursor(before, "page[before]"))
        head = [r for r in ordered if id_key(str(r["id"])) < mark]
        chosen, earlier, later = head[-size:], len(head) > size, len(head) < len(ordered)
    else:
        chosen, earlier, later = ordered[:size], False, len(ordered) > size
    links: dict[str, str] = {"self": request.url}
    if chosen and later:
        links["next"] = page_link(request, "page[after]", encode_cursor(str(chosen[-1]["id"])), settings)
    if chosen and earlier:
        links["prev"] = page_link(request, "page[before]", encode_cursor(str(chosen[0]["id"])), settings)
    return {"data": [render(r) for r in chosen], "links": links}


def page_link(request: Request, name: str, cursor: str, settings: VtsSettings) -> str:
    """The request's URL with its cursor replaced (twice-encoded when the setting says so)."""
    params = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page[after]", "page[before]")]
    query = urlencode(params)
    value = (
        quote(quote(cursor, safe=""), safe="") if settings.double_encoded_links else quote(cursor, safe="")
    )
    cursor_part = f"{quote(name, safe='')}={value}"
    base = f"{request.host_url.rstrip('/')}{request.path}"
    return f"{base}?{query}&{cursor_part}" if query else f"{base}?{cursor_part}"


def errors_body(detail: str, **extra: Any) -> dict[str, Any]:
    """VTS's error document."""
    return {"errors": [{"detail": detail, **extra}]}


__all__ = [
    "RELATIONSHIPS",
    "decode_cursor",
    "encode_cursor",
    "errors_body",
    "id_key",
    "page_link",
    "page_size",
    "paged",
    "record_time",
    "relationship",
    "resource",
    "since_time",
]
