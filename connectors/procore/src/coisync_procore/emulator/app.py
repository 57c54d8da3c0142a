"""The Procore API emulator: OAuth, company/vendor context, insurances, attachments, rate limits.

Faithful to Procore's documentation where it speaks (platforms.md §4 and §8.4); everything else
is marked "assumed" and switchable through :class:`ProcoreSettings`.

* ``POST /oauth/token`` (the real one lives on ``login.procore.com``; served on the same host here).
* Every ``/rest/*`` call needs ``Authorization: Bearer`` (401 otherwise) and, except
  ``/rest/v1.0/me`` and ``/rest/v1.0/companies``, a ``Procore-Company-Id`` header (400
  ``Missing Procore-Company-Id header!`` otherwise). Assumed: auth is checked first; a header
  naming an unknown company is 403 (``ProcoreSettings.unknown_company_status``).
* ``GET /rest/v1.0/vendors?company_id=`` (query style assumed), paged, ``filters[updated_at]``.
* Insurances: see :mod:`coisync_procore.emulator.insurance_api`; attachments:
  :mod:`coisync_procore.emulator.uploads`.
* ``X-Rate-Limit-*`` and ``Date`` on every response, 429 + ``Retry-After``: see
  :mod:`coisync_procore.emulator.ratelimit`. Fault injection (503 + ``Retry-After``, dropped
  and lost responses, ...) comes from the emulator base under ``/__emulator/faults``.
* Errors use ``{"error": {"code", "message", "details"}}``, validation ``{"errors": {...}}``;
  the ``code`` names (``bad_request``, ``not_found``...) are assumed.

Not emulated yet: webhooks (hooks, triggers, deliveries and the v2 payload POSTs), the
``authorization_code`` grant, custom fields (``custom_field_<id>``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import (
    Clock,
    Emulator,
    HttpError,
    IdSequences,
    Router,
    iso_utc,
    json_response,
)
from coisync_procore.emulator.insurance_api import InsuranceApi
from coisync_procore.emulator.listing import filter_records, listing_key, paginated_response
from coisync_procore.emulator.oauth import TokenService
from coisync_procore.emulator.ratelimit import RateDecision, RateLimiter
from coisync_procore.emulator.seed import DEMO_SEED, seed_state
from coisync_procore.emulator.settings import ProcoreSettings
from coisync_procore.emulator.uploads import STORAGE_PREFIX, UploadService

DEMO_CREDENTIALS: dict[str, str] = {"coisync-sandbox-client": "coisync-sandbox-client-secret"}
"""The app registered in a fresh emulator when no credentials are given (sandbox only)."""

ID_STARTS = {
    "company": 4_264_000,
    "project": 298_000,
    "vendor": 2_627_000,
    "insurance": 2**32 + 1,
    "attachment": 9_000_000_000,
}
"""Where each id sequence starts; insurance and attachment ids exceed 32 bits [DOC: "IDs may exceed 32 bits"]."""

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "unprocessable_entity",
    429: "too_many_requests",
    500: "internal_server_error",
    503: "service_unavailable",
}
_RATE_KEY = "coisync.procore.rate"
COMPANY_HEADER = "Procore-Company-Id"

Handler = Callable[..., Response]


class ProcoreEmulator(Emulator):
    """The Procore platform as a WSGI app.

    Args:
        state_dir: Directory for ``procore.json`` and uploaded files.
        clock: The time source (``now()``, and ``sleep()`` for the ``slow`` fault).
        seed: Seeds ids, tokens, upload ids and fault decisions.
        credentials: ``client_id -> client_secret`` of the apps allowed to get tokens
            (default :data:`DEMO_CREDENTIALS`).
        settings: Behaviour switches (rate windows, paging, assumed behaviours).
    """

    name = "procore"
    login_paths = frozenset({"/oauth/token"})

    def __init__(
        self,
        state_dir: Path | str,
        clock: Clock | None = None,
        seed: int = 0,
        credentials: Mapping[str, str] | None = None,
        settings: ProcoreSettings | None = None,
    ) -> None:
        self.settings = settings or ProcoreSettings()
        self.credentials = dict(credentials or DEMO_CREDENTIALS)
        self.ids = IdSequences(seed, ID_STARTS)
        self.limiter = RateLimiter([self.settings.spike_window, self.settings.hourly_window])
        super().__init__(state_dir, clock, seed)

    # ------------------------------------------------------------------ setup

    def routes(self, router: Router) -> None:
        """Register Procore's routes (called by the base constructor)."""
        self.tokens = TokenService(self.store, self.clock, self.seed_value, self.credentials, self.settings)
        self.uploads = UploadService(self.store, self.ids, self.seed_value)
        self.insurances = InsuranceApi(self.store, self.ids, self.clock, self.settings, self.uploads)
        router.add("/oauth/token", ["POST"], self.tokens.token_endpoint)
        router.add("/rest/v1.0/me", ["GET"], self._guard(self._me, company_header=False))
        router.add("/rest/v1.0/companies", ["GET"], self._guard(self._companies, company_header=False))
        router.add("/rest/v1.0/vendors", ["GET"], self._guard(self._vendors))
        self.insurances.register(router, self._guard)
        if self.settings.attachments:
            router.add(
                "/rest/v1.0/companies/<int:company_id>/uploads", ["POST"], self._guard(self.uploads.create)
            )
            router.add(f"{STORAGE_PREFIX}/<upload_id>", ["PUT"], self.uploads.put_bytes)
            router.add(f"{STORAGE_PREFIX}/<upload_id>", ["GET"], self.uploads.get_bytes)

    def seed(self, data: dict[str, Any]) -> dict[str, list[int]]:
        """Add companies, projects, vendors and insurances (format: :mod:`coisync_procore.emulator.seed`).

        Returns:
            The seeded ids by kind.

        Raises:
            ValueError: When a record is invalid; nothing is stored then.
        """
        with self.store.transaction() as state:
            return seed_state(state, data, self.ids, self.clock, self.settings)

    def seed_demo(self) -> dict[str, list[int]]:
        """Seed :data:`~coisync_procore.emulator.seed.DEMO_SEED`."""
        return self.seed(DEMO_SEED)

    # ------------------------------------------------------------------ base hooks

    def admit(self, request: Request) -> Response | None:
        """Count every request (failed ones too) against the spike and hourly windows."""
        if request.path == "/oauth/token" and not self.settings.limit_token_endpoint:
            return None
        decision = self.limiter.hit(self.clock.now())
        request.environ[_RATE_KEY] = decision
        if decision.allowed:
            return None
        return self.error_response(
            HttpError(429, message="Rate limit exceeded", headers={"Retry-After": str(decision.retry_after)})
        )

    def finalize(self, request: Request, response: Response) -> None:
        """Add ``Date`` and the ``X-Rate-Limit-*`` headers of the nearer window."""
        super().finalize(request, response)
        decision: RateDecision | None = request.environ.get(_RATE_KEY)
        if decision is not None:
            response.headers.update(decision.headers())

    def error_response(self, error: HttpError) -> Response:
        """Procore's error shape ``{"error": {"code", "message", "details"}}`` unless the handler built one."""
        payload = error.payload
        if payload is None:
            code = _CODES.get(error.status, "error")
            payload = {"error": {"code": code, "message": error.message or code, "details": None}}
        return json_response(payload, error.status, error.headers)

    def login_failure_response(self, request: Request) -> Response:
        """What ``/oauth/token`` answers while the ``login_failure`` fault fires."""
        payload = {"error": "invalid_client", "error_description": "Client authentication failed."}
        return json_response(payload, 401, {"Cache-Control": "no-store"})

    # ------------------------------------------------------------------ guards and context

    def _guard(self, handler: Handler, *, company_header: bool = True) -> Handler:
        def guarded(request: Request, **args: Any) -> Response:
            self.tokens.authenticate(request)
            if company_header:
                self._company_from_header(request)
            return handler(request, **args)

        return guarded

    def _company_from_header(self, request: Request) -> int:
        raw = request.headers.get(COMPANY_HEADER, "").strip()
        if not raw:
            raise HttpError(400, message="Missing Procore-Company-Id header!")
        if not raw.isdigit():
            raise HttpError(400, message="Procore-Company-Id must be a company id")  # assumed
        with self.store.reading() as state:
            if raw not in state.get("companies", {}):
                status = self.settings.unknown_company_status  # assumed
                raise HttpError(status, message="You do not have access to this company")
        return int(raw)

    def _me(self, request: Request) -> Response:
        # Assumed shape: a service account's minimal profile.
        client_id = self.tokens.authenticate(request)
        return json_response(
            {"id": 1, "login": f"{client_id}@service-accounts.procore.sandbox", "name": "coisync sandbox"}
        )

    def _companies(self, request: Request) -> Response:
        with self.store.reading() as state:
            companies = [
                dict(c, updated_at=0.0, deleted_at=None) for c in state.get("companies", {}).values()
            ]
        ordered = filter_records(request, companies, self.settings, filterable=())
        return paginated_response(
            request, ordered, lambda c: {k: c[k] for k in ("id", "name", "is_active")}, self.settings
        )

    def _vendors(self, request: Request) -> Response:
        raw = request.args.get("company_id", "")
        if not raw.isdigit():
            raise HttpError(400, message="company_id is required")  # assumed wording
        company_id = int(raw)

        def select(state: dict[str, Any]) -> list[dict[str, Any]]:
            vendors = [v for v in state.get("vendors", {}).values() if v["company_id"] == company_id]
            return filter_records(request, vendors, self.settings, filterable=("updated_at",))

        with self.store.reading() as state:
            if str(company_id) not in state.get("companies", {}):
                raise HttpError(404, message=f"Company {company_id} not found")
            selected = self.store.derived(listing_key(request, self.settings, company_id), select)
            return paginated_response(request, selected, self._render_vendor, self.settings)

    @staticmethod
    def _render_vendor(vendor: dict[str, Any]) -> dict[str, Any]:
        # Assumed: a subset of Procore's vendor fields, enough for context and matching.
        keys = (
            "id",
            "name",
            "abbreviated_name",
            "is_active",
            "email_address",
            "business_phone",
            "origin_id",
            "origin_data",
        )
        body = {k: vendor.get(k) for k in keys}
        body["updated_at"] = iso_utc(vendor["updated_at"])
        return body
