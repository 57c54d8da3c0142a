"""Insurance write operations shared by create, update and sync: validation against vendors,
``origin_id`` uniqueness (409), attachments, timestamps.

Every operation runs inside the caller's state transaction and returns an :class:`Outcome`
instead of raising, so sync can collect per-item errors while single writes turn them into
HTTP errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coisync.sandbox.emulator import Clock, IdSequences
from coisync_procore.emulator.insurances import (
    Errors,
    find_by_origin,
    new_record,
    origin_conflict,
    parse_write,
)
from coisync_procore.emulator.settings import ProcoreSettings
from coisync_procore.emulator.uploads import UploadService


@dataclass(frozen=True)
class Scope:
    """Which records a path addresses."""

    company_id: int
    vendor_id: int | None = None
    project_id: int | None = None

    def contains(self, record: dict[str, Any]) -> bool:
        """Whether ``record`` lies in this scope (tombstones included)."""
        return (
            record["company_id"] == self.company_id
            and record["project_id"] == self.project_id
            and (self.vendor_id is None or record["vendor_id"] == self.vendor_id)
        )


@dataclass
class Outcome:
    """The result of one write: the stored record, or an HTTP status with field errors."""

    status: int
    record: dict[str, Any] | None = None
    errors: Errors | None = None


class InsuranceWriter:
    """Applies insurance writes to the state document.

    Args:
        ids: The emulator's id sequences.
        clock: The emulator clock.
        settings: The emulator settings.
        uploads: The attachment service.
    """

    def __init__(
        self, ids: IdSequences, clock: Clock, settings: ProcoreSettings, uploads: UploadService
    ) -> None:
        self.ids = ids
        self.clock = clock
        self.settings = settings
        self.uploads = uploads

    def sync_one(self, state: dict[str, Any], scope: Scope, item: Any, base_url: str) -> Outcome:
        """Upsert one sync item: by ``id``, else by a known ``origin_id`` (assumed), else create."""
        if not isinstance(item, dict):
            return Outcome(422, errors={"base": ["each update must be an object"]})
        changes, errors = parse_write(item)
        if errors:
            return Outcome(422, errors=errors)
        records = state.setdefault("insurances", {})
        if item.get("id") is not None:
            record = records.get(str(item["id"]))
            if record is None or record["deleted_at"] is not None or not scope.contains(record):
                return Outcome(404, errors={"id": [f"insurance {item['id']} not found"]})
            return self.update(state, scope, record, changes, base_url)
        origin_id = changes.get("origin_id")
        if self.settings.sync_upsert_by_origin_id and origin_id is not None:
            existing = find_by_origin(records, scope.company_id, origin_id)
            if existing is not None and scope.contains(existing):
                return self.update(state, scope, existing, changes, base_url)
        return self.create(state, scope, changes, base_url)

    def create(self, state: dict[str, Any], scope: Scope, changes: dict[str, Any], base_url: str) -> Outcome:
        """Create a record in ``scope`` from validated ``changes`` (``vendor_id`` from the path or body)."""
        vendor_id = scope.vendor_id if scope.vendor_id is not None else changes.get("vendor_id")
        if vendor_id is None:
            return Outcome(422, errors={"vendor_id": ["can't be blank"]})
        vendor = state.get("vendors", {}).get(str(vendor_id))
        if vendor is None or vendor["company_id"] != scope.company_id:
            return Outcome(422, errors={"vendor_id": ["is invalid"]})  # assumed wording
        records = state.setdefault("insurances", {})
        keep = self.settings.tombstones_keep_origin_id
        if origin_conflict(records, scope.company_id, changes.get("origin_id"), None, tombstones_count=keep):
            return Outcome(409, errors={"origin_id": ["has already been taken"]})
        record = new_record(
            self.ids.next(state, "insurance"),
            scope.company_id,
            scope.project_id,
            self.clock.now(),
            self.settings,
        )
        record["vendor_id"] = vendor_id
        problem = self._apply(state, record, changes, base_url)
        if problem:
            return Outcome(422, errors=problem)
        records[str(record["id"])] = record
        return Outcome(201, record)

    def update(
        self,
        state: dict[str, Any],
        scope: Scope,
        record: dict[str, Any],
        changes: dict[str, Any],
        base_url: str,
    ) -> Outcome:
        """Apply validated ``changes`` to ``record``; on the vendor paths the path's vendor wins (assumed)."""
        if scope.vendor_id is not None:
            changes.pop("vendor_id", None)  # assumed: the path's vendor wins
        elif "vendor_id" in changes:
            vendor = state.get("vendors", {}).get(str(changes["vendor_id"]))
            if changes["vendor_id"] is None:
                return Outcome(422, errors={"vendor_id": ["can't be blank"]})
            if vendor is None or vendor["company_id"] != scope.company_id:
                return Outcome(422, errors={"vendor_id": ["is invalid"]})
        if "origin_id" in changes and origin_conflict(
            state.get("insurances", {}),
            scope.company_id,
            changes["origin_id"],
            record["id"],
            tombstones_count=self.settings.tombstones_keep_origin_id,
        ):
            return Outcome(409, errors={"origin_id": ["has already been taken"]})
        candidate = dict(record)
        problem = self._apply(state, candidate, changes, base_url)
        if problem:
            return Outcome(422, errors=problem)
        candidate["updated_at"] = self.clock.now()
        record.update(candidate)
        return Outcome(200, record)

    def _apply(
        self, state: dict[str, Any], record: dict[str, Any], changes: dict[str, Any], base_url: str
    ) -> Errors:
        upload_ids = changes.get("upload_ids")
        record.update({k: v for k, v in changes.items() if k != "upload_ids"})
        if upload_ids:
            if not self.settings.attachments:
                return {"upload_ids": ["attachments are switched off in this emulator"]}
            added, problems = self.uploads.attach(state, record["company_id"], upload_ids, base_url)
            if problems:
                return {"upload_ids": problems}
            record["attachments"] = [*record.get("attachments", []), *added]
        return {}
