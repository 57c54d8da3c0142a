"""Talking to VTS's Lease API: paths, cursor-paged lists, single reads and time spellings.

Lists page with ``page[size]`` and the ``page[after]`` cursor of ``links.next`` (the ``cursor``
paginator of the HTTP seam); ``filter[updated_since]`` takes ``YYYY-MM-DD HH:MM:SS`` in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Any

from coisync.http import JsonApiCursorPaginator, NotFoundError
from coisync.mapping.parsing import parse_datetime

if TYPE_CHECKING:
    from coisync_vts.connector import VtsConnector

API = "/api/v1"
CONNECT_PATH = "/api/connect/v1"
ASSETS, TENANTS, LEASES = f"{API}/assets", f"{API}/tenants", f"{API}/leases"
TENANT_CONTACTS = f"{API}/tenant_contacts"
CERTIFICATES = f"{API}/insurance_certificates"
"""The **assumed** insurance resource (VTS publishes none)."""
CERTIFICATE_TYPE = "insurance_certificates"
TENANT_UPDATES = f"{API}/tenant_updates"
"""Comments on tenants (documented list; coisync's reconcile flags are written there)."""
TENANT_UPDATE_TYPE = "tenant_updates"


def vts_time(value: str) -> str:
    """A cursor value as ``filter[updated_since]`` wants it: ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    moment = parse_datetime(value)
    assert moment is not None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def related_id(resource: Mapping[str, Any], name: str) -> str | None:
    """The id of a to-one relationship of a JSON:API resource, or ``None``."""
    relationships = resource.get("relationships")
    rel = relationships.get(name) if isinstance(relationships, Mapping) else None
    data = rel.get("data") if isinstance(rel, Mapping) else None
    found = data.get("id") if isinstance(data, Mapping) else None
    return None if found is None else str(found)


class VtsApi:
    """The Lease API as the connector's session reaches it."""

    def __init__(self, connector: VtsConnector) -> None:
        self.connector = connector

    def resources(self, path: str, **filters: Any) -> Iterator[Any]:
        """Every resource of a list, page by page; ``filters`` become ``filter[name]`` (``None`` left out)."""
        paginator = JsonApiCursorPaginator(page_size=self.connector.config.page_size)
        params = {f"filter[{k}]": v for k, v in filters.items() if v is not None}
        for page in self.connector.session.paginate(path, paginator, params):
            yield from page.records

    def resource(self, path: str) -> dict[str, Any] | None:
        """One resource (``data`` of the document), or ``None`` when VTS answers 404."""
        try:
            response = self.connector.session.request("GET", path)
        except NotFoundError:
            return None
        body = response.json()
        data = body.get("data") if isinstance(body, dict) else None
        return data if isinstance(data, dict) else None


__all__ = [
    "API",
    "ASSETS",
    "CERTIFICATES",
    "CERTIFICATE_TYPE",
    "CONNECT_PATH",
    "LEASES",
    "TENANTS",
    "TENANT_CONTACTS",
    "TENANT_UPDATES",
    "TENANT_UPDATE_TYPE",
    "VtsApi",
    "related_id",
    "vts_time",
]
