"""The VTS Lease API emulator: HTTP Basic, JSON:API documents, cursor pages, the XML auth check.

Routes (platforms.md §3, §8.3; shapes from VTS's published OpenAPI fragments):

* ``GET /api/connect/v1`` → ``<Connect><ID>166</ID><Authorized>true</Authorized></Connect>``.
* ``GET /api/v1/{assets,tenants,global_tenants,leases,tenant_contacts}`` and ``/{id}``;
  ``GET /api/v1/tenants/{tenant_id}/contacts``; lists take ``page[size|after|before]`` and
  their documented ``filter[...]`` parameters (an unknown ``filter``/``page`` parameter is a
  400, **assumed**).
* The **assumed** ``insurance_certificates`` resource (:mod:`coisync_vts.emulator.certificates`),
  served only while :attr:`VtsSettings.insurance_certificates` is on; off, its paths are 404.
* ``GET /api/v1/tenant_updates`` (documented) and the **assumed**
  ``POST /api/v1/tenants/{tenant_id}/tenant_updates`` (:mod:`coisync_vts.emulator.updates`).

Wrong or missing credentials: 401 with the text "HTTP Basic: Access denied.". A resource
outside :attr:`VtsSettings.authorized_resources`: 403 "API not authorized for use". Other errors
are ``{"errors": [{"detail": ...}]}``; 429 carries ``Retry-After`` (**assumed**).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import (
    Clock,
    Emulator,
    FaultRule,
    HttpError,
    IdSequences,
    Router,
    iso_utc,
    json_response,
    read_json,
    xml_response,
)
from coisync_vts.emulator.certificates import checked_attributes, create_certificate, update_certificate
from coisync_vts.emulator.documents import errors_body, paged, resource
from coisync_vts.emulator.filters import FILTERS, Check, record_checks
from coisync_vts.emulator.seed import DEMO_SEED, ID_STARTS, seed_state
from coisync_vts.emulator.settings import (
    ACCESS_DENIED,
    API_BASE,
    CERTIFICATES,
    CONNECT_PATH,
    NOT_AUTHORIZED,
    RATE_LIMITED,
    TENANT_UPDATES,
    VtsSettings,
)
from coisync_vts.emulator.updates import checked_update, create_update

DEMO_CREDENTIALS: dict[str, str] = {"vts-sandbox-key": "vts-sandbox-secret"}
"""API key to secret of a fresh emulator when none are given (sandbox only)."""


class VtsEmulator(Emulator):
    """VTS's Lease API over a state directory.

    Args:
        state_dir: Where the state file lives.
        clock: The time source.
        seed: Seeds ids and fault decisions.
        credentials: API key to API secret; :data:`DEMO_CREDENTIALS` when omitted.
        settings: Behaviour switches (all assumed).
    """

    name = "vts"

    def __init__(
        self,
        state_dir: Path | str,
        clock: Clock | None = None,
        seed: int = 0,
        *,
        credentials: Mapping[str, str] | None = None,
        settings: VtsSettings | None = None,
    ) -> None:
        self.settings = settings or VtsSettings()
        self.credentials = dict(credentials or DEMO_CREDENTIALS)
        self.ids = IdSequences(seed, ID_STARTS, max_step=1)
        super().__init__(state_dir, clock, seed)

    # ------------------------------------------------------------------ base hooks

    def routes(self, router: Router) -> None:
        """The auth check, the real resources and, when switched on, the assumed certificates."""
        router.add(CONNECT_PATH, ["GET"], self.connect)
        for kind in ("assets", "tenants", "global_tenants", "leases", "tenant_contacts"):
            router.add(f"{API_BASE}/{kind}", ["GET"], self._lister(kind))
            router.add(f"{API_BASE}/{kind}/<record_id>", ["GET"], self._getter(kind))
        router.add(f"{API_BASE}/tenants/<tenant_id>/contacts", ["GET"], self.tenant_contacts)
        router.add(f"{API_BASE}/{TENANT_UPDATES}", ["GET"], self._lister(TENANT_UPDATES))
        if self.settings.tenant_update_writes:
            router.add(f"{API_BASE}/tenants/<tenant_id>/{TENANT_UPDATES}", ["POST"], self.add_update)
        if self.settings.insurance_certificates:
            router.add(f"{API_BASE}/{CERTIFICATES}", ["GET"], self._lister(CERTIFICATES))
            router.add(f"{API_BASE}/{CERTIFICATES}/<record_id>", ["GET"], self._getter(CERTIFICATES))
            router.add(f"{API_BASE}/leases/<lease_id>/{CERTIFICATES}", ["POST"], self.create)
            router.add(f"{API_BASE}/leases/<lease_id>/{CERTIFICATES}/<record_id>", ["PATCH"], self.update)

    def is_login_path(self, path: str) -> bool:
        """Every call authenticates with HTTP Basic, so ``login_failure`` applies to all of them."""
        return path.startswith("/api/")

    def error_response(self, error: HttpError) -> Response:
        """401: VTS's plain text; otherwise ``{"errors": [{"detail": ...}]}``."""
        if error.status == 401:
            response = Response(ACCESS_DENIED, status=401, content_type="text/plain; charset=utf-8")
            response.headers["WWW-Authenticate"] = 'Basic realm="Application"'
            return response
        payload = error.payload if error.payload is not None else errors_body(error.message or "error")
        return json_response(payload, error.status, error.headers)

    def fault_response(self, rule: FaultRule) -> Response:
        """429 "Rate limit exceeded" and 503 with ``Retry-After``; 500 without."""
        messages = {429: RATE_LIMITED, 503: "Service Unavailable", 500: "Internal Server Error"}
        status = int(rule.kind)
        headers = {"Retry-After": str(rule.retry_after)} if status in (429, 503) else {}
        return self.error_response(HttpError(status, message=messages[status], headers=headers))

    def login_failure_response(self, request: Request) -> Response:
        """The same 401 as wrong credentials."""
        return self.error_response(HttpError(401))

    # ------------------------------------------------------------------ seeding and state

    def seed(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        """Add records (format: :mod:`coisync_vts.emulator.seed`); the ids added per kind."""
        with self.store.transaction() as state:
            added = seed_state(state, data, self.now_iso(), lambda kind: str(self.ids.next(state, kind)))
            for kind, ids in added.items():
                for record_id in ids:
                    if record_id.isdigit():
                        self.ids.observe(state, kind, int(record_id))
            return added

    def seed_demo(self) -> dict[str, list[str]]:
        """Seed the one-asset demo portfolio."""
        return self.seed(DEMO_SEED)

    def touch(self, kind: str, record_id: str, **attributes: Any) -> None:
        """Change a record as a VTS user would (new ``updated_at``)."""
        with self.store.transaction() as state:
            record = state[kind][record_id]
            record["attributes"].update(attributes)
            record["attributes"]["updated_at"] = self.now_iso()

    # ------------------------------------------------------------------ handlers

    def connect(self, request: Request) -> Response:
        """The auth check."""
        self._authenticate(request)
        return xml_response(
            f"<Connect><ID>{self.settings.account_id}</ID><Authorized>true</Authorized></Connect>"
        )

    def _lister(self, kind: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            return self.listing(request, kind, record_checks(request, kind, self.settings))

        return handler

    def _getter(self, kind: str) -> Callable[..., Response]:
        def handler(request: Request, record_id: str) -> Response:
            self._authorize(request, kind)
            with self.store.reading() as state:
                record = state.get(kind, {}).get(record_id)
                if record is None:
                    raise HttpError(
                        404, message=f"Requested {kind.rstrip('s').replace('_', ' ')} does not exist"
                    )
                return json_response({"data": self._render(state, kind, record, request)})

        return handler

    def tenant_contacts(self, request: Request, tenant_id: str) -> Response:
        """A tenant's contacts (404 for an unknown tenant)."""
        checks = record_checks(request, "tenant_contacts", self.settings)
        with self.store.reading() as state:
            if tenant_id not in state.get("tenants", {}):
                raise HttpError(404, message="Referenced tenant not found")
        return self.listing(
            request, "tenant_contacts", [*checks, lambda r: r["rel"].get("tenant") == tenant_id]
        )

    def listing(self, request: Request, kind: str, checks: list[Check]) -> Response:
        """One page of ``kind`` records passing ``checks``."""
        self._authorize(request, kind)
        with self.store.reading() as state:
            records = [r for r in state.get(kind, {}).values() if all(check(r) for check in checks)]
            body = paged(request, records, lambda r: self._render(state, kind, r, request), self.settings)
        return json_response(body)

    def create(self, request: Request, lease_id: str) -> Response:
        """Create a certificate of a lease (assumed resource)."""
        self._authorize(request, CERTIFICATES)
        attributes = checked_attributes(read_json(request), creating=True)
        with self.store.transaction() as state:
            lease = state.get("leases", {}).get(lease_id)
            if lease is None:
                raise HttpError(404, message="Requested lease does not exist")
            record_id = str(self.ids.next(state, CERTIFICATES))
            record = create_certificate(state, lease, attributes, record_id, self.now_iso())
            return json_response({"data": self._render(state, CERTIFICATES, record, request)}, 201)

    def update(self, request: Request, lease_id: str, record_id: str) -> Response:
        """Change a certificate of a lease (assumed resource)."""
        self._authorize(request, CERTIFICATES)
        attributes = checked_attributes(read_json(request), creating=False, record_id=record_id)
        with self.store.transaction() as state:
            record = state.get(CERTIFICATES, {}).get(record_id)
            if record is None or record["rel"].get("lease") != lease_id:
                raise HttpError(404, message="Requested insurance certificate does not exist")
            update_certificate(state, record, attributes, self.now_iso())
            return json_response({"data": self._render(state, CERTIFICATES, record, request)})

    def add_update(self, request: Request, tenant_id: str) -> Response:
        """Add a tenant update (assumed write)."""
        self._authorize(request, TENANT_UPDATES)
        attributes = checked_update(read_json(request), self.settings)
        with self.store.transaction() as state:
            if tenant_id not in state.get("tenants", {}):
                raise HttpError(404, message="Referenced tenant not found")
            record_id = str(self.ids.next(state, TENANT_UPDATES))
            record = create_update(state, tenant_id, attributes, record_id, self.now_iso())
            return json_response({"data": self._render(state, TENANT_UPDATES, record, request)}, 201)

    # ------------------------------------------------------------------ helpers

    def _render(
        self, state: Mapping[str, Any], kind: str, record: Mapping[str, Any], request: Request
    ) -> dict[str, Any]:
        contacts: list[str] = []
        if kind == "leases":
            contacts = sorted(
                (
                    c["id"]
                    for c in state.get("tenant_contacts", {}).values()
                    if record["id"] in c.get("lease_ids", ())
                ),
                key=lambda i: (len(i), i),
            )
        return resource(kind, record, request.host_url.rstrip("/"), self.settings, contacts)

    def _authenticate(self, request: Request) -> str:
        """The API key, or a 401."""
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise HttpError(401)
        try:
            key, sep, secret = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            key, sep, secret = "", "", ""
        expected = self.credentials.get(key)
        if not sep or expected is None or not hmac.compare_digest(expected.encode(), secret.encode()):
            raise HttpError(401)
        return key

    def _authorize(self, request: Request, kind: str) -> None:
        self._authenticate(request)
        allowed = self.settings.authorized_resources
        if allowed is not None and kind not in allowed:
            raise HttpError(403, message=NOT_AUTHORIZED)


def stamp(seconds: float) -> str:
    """Unix seconds as VTS spells ``updated_at`` (``2025-03-01T10:15:32Z``)."""
    return iso_utc(seconds)


__all__ = ["DEMO_CREDENTIALS", "FILTERS", "VtsEmulator", "stamp"]
