"""Procore's streams: company vendors (parties) and their insurances (policy lines).

Both are read incrementally with ``filters[updated_at]=START...END``: START is the saved
cursor (closed bound, so records sharing the last timestamp are read again and dropped as
duplicates), END is the time the read started, a signpost: a record changed while the read runs
is left for the next one. Procore lists records in id order, not by ``updated_at``, so the
streams declare ``sorted = False`` and the cursor moves only after the last batch.

Paging is by page number, so a record leaving the window mid-read shifts the pages after it and
could hide a record from this read. The ``Total`` header tells: when it changes between pages,
the read hands over what it saw but keeps the cursor where it started, and the next read covers
the window again (duplicates are absorbed by content hash).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from coisync.connector import Cursor, RecordBatch, Stream, batch_records
from coisync.connector.mapped import NUMERIC_ID, identified_record
from coisync.http import Page, PageNumberLinkPaginator, SystemClock
from coisync.mapping.parsing import parse_datetime
from coisync.model import EntityKind

if TYPE_CHECKING:
    from coisync_procore.connector import ProcoreConnector

log = logging.getLogger("coisync.connector.procore")

BEGINNING = "1970-01-01T00:00:00Z"
"""START of the ``updated_at`` window on a first read."""


def procore_time(value: str | float) -> str:
    """A timestamp (text or Unix seconds) as Procore spells it: ``2026-01-01T00:00:00Z``."""
    moment = (
        datetime.fromtimestamp(value, tz=UTC) if isinstance(value, int | float) else parse_datetime(value)
    )
    assert moment is not None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ProcoreStream(Stream):
    """A Procore list endpoint read through ``page_link`` paging and an ``updated_at`` window."""

    cursor_field = "updated_at"
    sorted = False  # Procore lists in ascending id order
    bound = "closed"
    reads_ahead = True  # the next page is fetched while this one's records are identified

    def __init__(self, connector: ProcoreConnector) -> None:
        self.connector = connector

    def path(self) -> str:
        """The list endpoint."""
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """Query parameters besides paging and the window."""
        return {}

    def window(self, cursor: Cursor) -> str:
        """``START...END``: from the cursor (or the beginning) to now."""
        start = cursor.request_value()
        now = (self.connector.clock or SystemClock()).now()
        return f"{procore_time(start) if start else BEGINNING}...{procore_time(now)}"

    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        """Yield the records changed since ``cursor`` (see the module docs)."""
        mapping = self.connector.mapping.record(self.platform_type)
        params = {**self.params(), "filters[updated_at]": self.window(cursor)}
        paginator = PageNumberLinkPaginator(page_size=self.connector.config.page_size)
        totals: set[str | None] = set()

        def items() -> Iterator[Any]:
            # Nothing else uses the session while a listing is read: its next page is fetched
            # while this one's records are identified.
            for page in self.connector.session.paginate(self.path(), paginator, params, read_ahead=1):
                totals.add(_total(page))
                for raw in page.records:
                    yield identified_record(self, raw, mapping, id_pattern=NUMERIC_ID)

        for batch in batch_records(self.name, items(), cursor, batch_size=self.batch_size):
            if len(totals) > 1 and batch.cursor != cursor:
                log.warning(
                    "stream %s: the listing changed while it was read (Total %s); "
                    "the cursor stays put and the next read covers the window again",
                    self.name,
                    " -> ".join(sorted(str(t) for t in totals)),
                )
                batch = RecordBatch(
                    stream=batch.stream, records=batch.records, quarantined=batch.quarantined, cursor=cursor
                )
            yield batch


def _total(page: Page) -> str | None:
    headers: Mapping[str, str] = page.response.headers
    return headers.get("Total")


class VendorStream(ProcoreStream):
    """The company's vendors: parties of kind vendor."""

    name: ClassVar[str] = "vendors"
    entity: ClassVar[str] = EntityKind.PARTY.value
    platform_type: ClassVar[str] = "vendor"

    def path(self) -> str:
        """``/rest/v1.0/vendors`` (the company is a query parameter)."""
        return "/rest/v1.0/vendors"

    def params(self) -> dict[str, Any]:
        """``company_id``."""
        return {"company_id": self.connector.config.company_id}


class InsuranceStream(ProcoreStream):
    """The company's vendor insurances: one policy line each."""

    name: ClassVar[str] = "insurances"
    entity: ClassVar[str] = "policy"
    platform_type: ClassVar[str] = "insurance"

    def path(self) -> str:
        """``/rest/v1.0/companies/{company_id}/insurances``."""
        return f"/rest/v1.0/companies/{self.connector.config.company_id}/insurances"


__all__ = ["BEGINNING", "InsuranceStream", "ProcoreStream", "VendorStream", "procore_time"]
