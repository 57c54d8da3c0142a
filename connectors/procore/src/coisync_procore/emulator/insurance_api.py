"""The insurance endpoints: three path families, each with list, create, show, update, delete, sync.

* ``/rest/v1.0/companies/{company_id}/insurances`` [DOC]: company-level records; create needs
  ``vendor_id`` in the body (422 ``{"errors": {"vendor_id": ["can't be blank"]}}``).
* ``/rest/v1.0/companies/{company_id}/vendors/{vendor_id}/insurances`` [DOC]; its ``sync`` is
  assumed (``ProcoreSettings.vendor_level_sync``); ``/{id}`` under it is assumed.
* ``/rest/v1.0/projects/{project_id}/vendors/{vendor_id}/insurances`` (+ ``sync``) [DOC]:
  project-level records, separate from the company-level ones (assumed).

Writes are wrapped ``{"insurance": {...}}``; create answers 201, update 200, delete 204 and
keeps a tombstone that ``filters[include_deleted]`` shows (assumed). A second live record with
an ``origin_id`` already used in the company is refused with 409 (on sync: an item in
``errors`` with ``"code": 409``). Sync ``{"updates": [...]}`` answers 200
``{"entities": [...], "errors": [...]}`` where each error is (assumed shape) ``{"index", "id",
"origin_id", "code": <HTTP status>, "errors": {field: [messages]}}``; an item with ``id`` updates that record, one without
``id`` but with a known ``origin_id`` updates that record (assumed), anything else is created.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import (
    Clock,
    HttpError,
    IdSequences,
    Router,
    StateStore,
    json_response,
    read_json,
)
from coisync.sandbox.emulator.routing import empty_response
from coisync_procore.emulator.insurance_writes import InsuranceWriter, Outcome, Scope
from coisync_procore.emulator.insurances import parse_write, render
from coisync_procore.emulator.listing import filter_records, listing_key, paginated_response
from coisync_procore.emulator.settings import ProcoreSettings
from coisync_procore.emulator.uploads import UploadService

Guard = Callable[[Callable[..., Response]], Callable[..., Response]]


class InsuranceApi:
    """Handlers for the insurance endpoints.

    Args:
        store: The emulator's state store.
        ids: The emulator's id sequences.
        clock: The emulator clock.
        settings: The emulator settings.
        uploads: The attachment service.
    """

    def __init__(
        self,
        store: StateStore,
        ids: IdSequences,
        clock: Clock,
        settings: ProcoreSettings,
        uploads: UploadService,
    ) -> None:
        self.store = store
        self.ids = ids
        self.clock = clock
        self.settings = settings
        self.writer = InsuranceWriter(ids, clock, settings, uploads)

    def register(self, router: Router, guard: Guard) -> None:
        """Add every insurance route, each wrapped in the auth/company ``guard``."""
        families: list[tuple[str, Callable[..., Scope], bool]] = [
            ("/rest/v1.0/companies/<int:company_id>/insurances", self._company_scope, True),
            (
                "/rest/v1.0/companies/<int:company_id>/vendors/<int:vendor_id>/insurances",
                self._company_vendor_scope,
                self.settings.vendor_level_sync,
            ),
            (
                "/rest/v1.0/projects/<int:project_id>/vendors/<int:vendor_id>/insurances",
                self._project_vendor_scope,
                True,
            ),
        ]
        for base, resolve, with_sync in families:
            router.add(base, ["GET"], guard(self._bind(resolve, self._list)))
            router.add(base, ["POST"], guard(self._bind(resolve, self._create)))
            if with_sync:
                router.add(f"{base}/sync", ["PATCH"], guard(self._bind(resolve, self._sync)))
            item = f"{base}/<int:insurance_id>"
            router.add(item, ["GET"], guard(self._bind(resolve, self._show)))
            router.add(item, ["PATCH"], guard(self._bind(resolve, self._update)))
            router.add(item, ["DELETE"], guard(self._bind(resolve, self._delete)))

    @staticmethod
    def _bind(resolve: Callable[..., Scope], action: Callable[..., Response]) -> Callable[..., Response]:
        def handler(request: Request, insurance_id: int | None = None, **path: int) -> Response:
            scope = resolve(**path)
            if insurance_id is None:
                return action(request, scope)
            return action(request, scope, insurance_id)

        return handler

    # ------------------------------------------------------------------ scopes

    def _company_scope(self, company_id: int) -> Scope:
        with self.store.reading() as state:
            if str(company_id) not in state.get("companies", {}):
                raise HttpError(404, message=f"Company {company_id} not found")
        return Scope(company_id)

    def _company_vendor_scope(self, company_id: int, vendor_id: int) -> Scope:
        self._company_scope(company_id)
        with self.store.reading() as state:
            vendor = state.get("vendors", {}).get(str(vendor_id))
        if vendor is None or vendor["company_id"] != company_id:
            raise HttpError(404, message=f"Vendor {vendor_id} not found")
        return Scope(company_id, vendor_id)

    def _project_vendor_scope(self, project_id: int, vendor_id: int) -> Scope:
        with self.store.reading() as state:
            project = state.get("projects", {}).get(str(project_id))
        if project is None:
            raise HttpError(404, message=f"Project {project_id} not found")
        scope = self._company_vendor_scope(int(project["company_id"]), vendor_id)
        return Scope(scope.company_id, vendor_id, project_id)

    # ------------------------------------------------------------------ handlers

    def _list(self, request: Request, scope: Scope) -> Response:
        def select(state: dict[str, Any]) -> list[dict[str, Any]]:
            records = [r for r in state.get("insurances", {}).values() if scope.contains(r)]
            return filter_records(
                request, records, self.settings, filterable=("updated_at", "include_deleted", "vendor_id")
            )

        with self.store.reading():
            selected = self.store.derived(listing_key(request, self.settings, scope), select)
            return paginated_response(request, selected, lambda r: render(r, self.settings), self.settings)

    def _create(self, request: Request, scope: Scope) -> Response:
        changes = self._parse(_unwrap(request))
        with self.store.transaction() as state:
            outcome = self.writer.create(state, scope, changes, request.host_url)
            return self._answer(outcome)  # an error raises inside the transaction: rolled back

    def _show(self, request: Request, scope: Scope, insurance_id: int) -> Response:
        with self.store.reading() as state:
            record = self._live(state, scope, insurance_id)
            return json_response(render(record, self.settings))

    def _update(self, request: Request, scope: Scope, insurance_id: int) -> Response:
        changes = self._parse(_unwrap(request))
        with self.store.transaction() as state:
            record = self._live(state, scope, insurance_id)
            outcome = self.writer.update(state, scope, record, changes, request.host_url)
            return self._answer(outcome)

    def _delete(self, request: Request, scope: Scope, insurance_id: int) -> Response:
        with self.store.transaction() as state:
            record = self._live(state, scope, insurance_id)
            record["deleted_at"] = record["updated_at"] = self.clock.now()
        return empty_response(204)

    def _sync(self, request: Request, scope: Scope) -> Response:
        body = read_json(request)
        updates = body.get("updates") if isinstance(body, dict) else None
        if not isinstance(updates, list):
            raise HttpError(400, message="param is missing or the value is empty: updates")
        if len(updates) > self.settings.sync_max_items:
            raise HttpError(
                422, {"errors": {"updates": [f"at most {self.settings.sync_max_items} items per request"]}}
            )
        entities: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        with self.store.transaction() as state:
            for index, item in enumerate(updates):
                outcome = self.writer.sync_one(state, scope, item, request.host_url)
                if outcome.record is not None:
                    entities.append(render(outcome.record, self.settings))
                    continue
                known = item if isinstance(item, dict) else {}
                errors.append(
                    {
                        "index": index,
                        "id": known.get("id"),
                        "origin_id": known.get("origin_id"),
                        "code": outcome.status,
                        "errors": outcome.errors or {},
                    }
                )
        return json_response({"entities": entities, "errors": errors})

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _parse(payload: dict[str, Any]) -> dict[str, Any]:
        changes, errors = parse_write(payload)
        if errors:
            raise HttpError(422, {"errors": errors})
        return changes

    @staticmethod
    def _live(state: dict[str, Any], scope: Scope, insurance_id: int) -> dict[str, Any]:
        record: dict[str, Any] | None = state.get("insurances", {}).get(str(insurance_id))
        if record is None or record["deleted_at"] is not None or not scope.contains(record):
            raise HttpError(404, message=f"Insurance {insurance_id} not found")
        return record

    def _answer(self, outcome: Outcome) -> Response:
        if outcome.record is None:
            raise HttpError(outcome.status, {"errors": outcome.errors or {}})
        return json_response(render(outcome.record, self.settings), outcome.status)


def _unwrap(request: Request) -> dict[str, Any]:
    body = read_json(request)
    inner = body.get("insurance") if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise HttpError(400, message="param is missing or the value is empty: insurance")
    return inner
