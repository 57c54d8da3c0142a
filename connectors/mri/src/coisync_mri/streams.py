"""MRI's streams: buildings (properties), leases (agreements), occupants (parties), insurance rows (policies).

All read incrementally by ``LASTUPDATEDATE`` (rows with ``LastUpdate >=`` the cursor, a closed
bound: rows sharing the last value are read again and dropped as duplicates). MRI lists rows
in key order, not by ``LastUpdate``, so the streams declare ``sorted = False`` and the cursor
moves only after the last batch. The lease-level APIs need ``BLDGID``, so those streams read
building by building (the configured buildings, or every building the buildings API lists),
all from the same cursor.

Occupants have no API of their own: each lease row names its occupant (``MasterOccupantID``,
``OccupantName``), so the occupant stream reads the lease API and hands over one party per
occupant. Lease and insurance rows get :data:`~coisync_mri.api.KEY_FIELD` before mapping.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from coisync.connector import Cursor, PlatformRecord, Quarantined, RecordBatch, Stream, batch_records
from coisync.connector.mapped import NUMERIC_ID, identified_record
from coisync.http import AuthError
from coisync.model import EntityKind
from coisync_mri.api import (
    BUILDINGS_API,
    INSURANCE_API,
    KEY_FIELD,
    LEASES_API,
    NOTES_API,
    MriApi,
    lease_key,
    mri_time,
    policy_key,
)
from coisync_mri.notes import NoteCategories, latest_notes, with_note

if TYPE_CHECKING:
    from coisync_mri.connector import MriConnector

log = logging.getLogger("coisync.connector.mri")

CODE_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
"""Building and lease codes (MRI's ``BLDGID``, ``LEASID``)."""
LEASE_KEY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
POLICY_KEY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[0-9]+$")


class MriStream(Stream):
    """One MRI read API, incremental by ``LASTUPDATEDATE``."""

    cursor_field = "LastUpdate"
    sorted = False  # MRI lists rows in key order
    bound = "closed"
    api: ClassVar[str]
    per_building: ClassVar[bool] = True
    id_pattern: ClassVar[re.Pattern[str]] = CODE_ID
    keyed_by: ClassVar[Callable[[Mapping[str, Any]], str] | None] = None

    def __init__(self, connector: MriConnector) -> None:
        self.connector = connector
        self.api_client = MriApi(connector)

    def raw_rows(self, cursor: Cursor) -> Iterator[Any]:
        """The API's rows changed since ``cursor``, building by building where the API needs it."""
        since = cursor.request_value()
        filters = {"LASTUPDATEDATE": mri_time(since) if since else None}
        if not self.per_building:
            yield from self.api_client.rows(self.api, **filters)
            return
        for building in self.api_client.building_ids():
            yield from self.api_client.rows(self.api, BLDGID=building, **filters)

    def prepare(self, raw: Any) -> Any:
        """Add the record key to a row (a non-object is passed on to be quarantined)."""
        keyed = type(self).keyed_by
        if keyed is None or not isinstance(raw, Mapping):
            return raw
        return {**raw, KEY_FIELD: keyed(raw)}

    def items(self, cursor: Cursor) -> Iterator[PlatformRecord | Quarantined]:
        """Mapped records and quarantined rows."""
        mapping = self.connector.mapping.record(self.platform_type)
        for raw in self.raw_rows(cursor):
            yield identified_record(self, self.prepare(raw), mapping, id_pattern=self.id_pattern)

    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        """Yield the rows changed since ``cursor`` (see the module docs)."""
        yield from batch_records(self.name, self.items(cursor), cursor, batch_size=self.batch_size)


class BuildingStream(MriStream):
    """Buildings: properties."""

    name: ClassVar[str] = "buildings"
    entity: ClassVar[str] = EntityKind.PROPERTY.value
    platform_type: ClassVar[str] = "building"
    api = BUILDINGS_API
    per_building = False


class LeaseStream(MriStream):
    """Commercial leases: agreements (the occupant is the party, the building the property).

    Each lease row also carries the values of the lease's latest coisync notes
    (:func:`~coisync_mri.notes.with_note`: the compliance note's status and detail, the flag
    note's flags), read from the building's notes, so what coisync wrote as a note reads back
    like a field.
    """

    name: ClassVar[str] = "leases"
    entity: ClassVar[str] = EntityKind.AGREEMENT.value
    platform_type: ClassVar[str] = "lease"
    api = LEASES_API
    id_pattern = LEASE_KEY
    keyed_by = lease_key

    def coisync_notes(self, building: str, categories: NoteCategories) -> dict[str, dict[str, str | None]]:
        """The latest coisync notes per lease of a building; none when the notes API is refused (403)."""
        try:
            return latest_notes(self.api_client.rows(NOTES_API, BLDGID=building), categories)
        except AuthError as exc:
            log.warning(
                "stream %s: lease notes are not readable (%s); leases are read without them", self.name, exc
            )
            return {}

    def raw_rows(self, cursor: Cursor) -> Iterator[Any]:
        """The changed lease rows of each building, with their latest coisync note."""
        since = cursor.request_value()
        categories = self.connector.config.note_categories()
        for building in self.api_client.building_ids():
            rows = list(
                self.api_client.rows(
                    LEASES_API, BLDGID=building, LASTUPDATEDATE=mri_time(since) if since else None
                )
            )
            if not rows:
                continue
            notes = self.coisync_notes(building, categories)
            yield from (with_note(row, notes) if isinstance(row, Mapping) else row for row in rows)


class OccupantStream(MriStream):
    """Occupants named by the lease rows: parties (tenants); one record per occupant per read."""

    name: ClassVar[str] = "occupants"
    entity: ClassVar[str] = EntityKind.PARTY.value
    platform_type: ClassVar[str] = "occupant"
    api = LEASES_API
    id_pattern = NUMERIC_ID

    def items(self, cursor: Cursor) -> Iterator[PlatformRecord | Quarantined]:
        """One record per occupant: the latest of its lease rows."""
        latest: dict[str, PlatformRecord] = {}
        for item in super().items(cursor):
            if isinstance(item, Quarantined):
                yield item
                continue
            known = latest.get(item.platform_id)
            if known is None or (item.cursor_value or "") > (known.cursor_value or ""):
                latest[item.platform_id] = item
        yield from latest.values()


class InsuranceStream(MriStream):
    """Insurance rows of the leases (assumed API): one policy line each."""

    name: ClassVar[str] = "insurance"
    entity: ClassVar[str] = "policy"
    platform_type: ClassVar[str] = "insurance"
    api = INSURANCE_API
    id_pattern = POLICY_KEY
    keyed_by = policy_key


__all__ = ["BuildingStream", "InsuranceStream", "LeaseStream", "MriStream", "OccupantStream"]
