"""The MRI API emulator: one endpoint, the composite Basic user, OData-v3 envelopes, per-row errors.

``GET|POST /mriapiservices/api.asp?$api=NAME&$format=json&<params>`` (platforms.md §2, §8.2):

* Auth: HTTP Basic with the composite user name (:mod:`coisync_mri.emulator.access`); any
  wrong part gives 401 with an empty body that does not say which [CODE/2ND].
  An API missing from the partner manifest gives 403 (**assumed**, :class:`MriSettings`).
* Reads: ``$top`` (default and maximum 300, **assumed**) and ``$skip``; ``nextLink`` only while
  more rows exist; ``LASTUPDATEDATE`` returns rows with ``LastUpdate >=`` it [CODE]. Rows are
  listed in key order, not by ``LastUpdate`` (**assumed**).
* Writes: see :mod:`coisync_mri.emulator.writes` (200 with per-row ``Error.Message``).
* Errors: 400 plain text for unknown or malformed parameters [CODE/INF]; an injected 500 carries
  SQL Server's "deadlocked" text; 429 has no rate headers unless
  ``MriSettings.retry_after_on_429`` (**assumed** switch). Unknown ``$api`` names: 404 (**assumed**).

Not emulated: ``$format=xml``, ``$filter``, the data-pipeline URL form, vendor insurance
(``MRI_S-PMAP_VendorInsurance``), residential APIs.
"""

from __future__ import annotations

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
    RateLimiter,
    RateWindow,
    Router,
    json_response,
    read_json,
)
from coisync_mri.emulator.access import DEMO_CREDENTIALS, authenticate
from coisync_mri.emulator.envelope import envelope, filter_time, row_time, time_key, write_envelope
from coisync_mri.emulator.seed import DEMO_SEED, lease_key, seed_state
from coisync_mri.emulator.settings import (
    ALL_APIS,
    API_PATH,
    BUILDINGS_API,
    DEADLOCK_MESSAGE,
    INSURANCE_API,
    LEASES_API,
    NOTES_API,
    REFERENCE_TYPES_API,
    MriSettings,
)
from coisync_mri.emulator.writes import RowError, row_failure, save_insurance_row, save_note_row

COMMON_PARAMS = frozenset({"$api", "$format", "$top", "$skip"})
API_PARAMS: dict[str, frozenset[str]] = {
    BUILDINGS_API: frozenset({"BLDGID", "LASTUPDATEDATE"}),
    LEASES_API: frozenset({"BLDGID", "LEASEID", "LASTUPDATEDATE"}),
    NOTES_API: frozenset({"BLDGID", "LEASEID", "LASTUPDATEDATE", "OLDESTNOTEDATE"}),
    INSURANCE_API: frozenset({"BLDGID", "LEASEID", "LASTUPDATEDATE"}),
    REFERENCE_TYPES_API: frozenset(),
}
"""Query parameters each API takes besides ``$api``/``$format``/``$top``/``$skip``."""
REQUIRES_BUILDING = frozenset({LEASES_API, NOTES_API, INSURANCE_API})
WRITABLE = frozenset({NOTES_API, INSURANCE_API})
POLICY_ID_START = 1000


class MriEmulator(Emulator):
    """MRI's API endpoint over a state directory.

    Args:
        state_dir: Where the state file lives.
        clock: The time source.
        seed: Seeds ids and fault decisions.
        credentials: Composite user name (``ClientID/Database/UserID/PartnerKey``) to password;
            :data:`DEMO_CREDENTIALS` when omitted.
        settings: Behaviour switches (all assumed).
    """

    name = "mri"

    def __init__(
        self,
        state_dir: Path | str,
        clock: Clock | None = None,
        seed: int = 0,
        *,
        credentials: Mapping[str, str] | None = None,
        settings: MriSettings | None = None,
    ) -> None:
        self.settings = settings or MriSettings()
        self.credentials = dict(credentials or DEMO_CREDENTIALS)
        self.ids = IdSequences(seed, {"policy": POLICY_ID_START})
        windows = [RateWindow(limit, seconds) for limit, seconds in self.settings.rate_windows]
        self.limiter = RateLimiter(windows) if windows else None
        super().__init__(state_dir, clock, seed)

    # ------------------------------------------------------------------ base hooks

    def routes(self, router: Router) -> None:
        """The one endpoint."""
        router.add(API_PATH, ["GET", "POST"], self.handle)

    def is_login_path(self, path: str) -> bool:
        """Every call authenticates, so ``login_failure`` applies to the endpoint."""
        return path == API_PATH

    def admit(self, request: Request) -> Response | None:
        """The emulator's own rate windows, when configured (MRI documents none)."""
        if self.limiter is None:
            return None
        decision = self.limiter.hit(self.clock.now())
        if decision.allowed:
            return None
        return self._too_many(decision.retry_after)

    def error_response(self, error: HttpError) -> Response:
        """Plain text, as MRI answers errors; a 401 has an empty body."""
        body = "" if error.status == 401 else (error.message or "error")
        response = Response(body, status=error.status, content_type="text/plain; charset=utf-8")
        for key, value in error.headers.items():
            response.headers[key] = value
        return response

    def fault_response(self, rule: FaultRule) -> Response:
        """500 with the deadlock text; 429 without rate headers unless switched on; 503 with Retry-After."""
        if rule.kind == "500":
            return self.error_response(HttpError(500, message=DEADLOCK_MESSAGE))
        if rule.kind == "429":
            return self._too_many(rule.retry_after)
        return self.error_response(
            HttpError(503, message="Service Unavailable", headers={"Retry-After": str(rule.retry_after)})
        )

    def login_failure_response(self, request: Request) -> Response:
        """The same opaque 401 as wrong credentials."""
        return self.error_response(HttpError(401))

    def corrupt_record(self, record: Any) -> Any:
        """A row whose id fields read ``#corrupt#`` and whose dates are impossible."""
        if not isinstance(record, dict):
            return "\u0000corrupt"
        broken = dict(record)
        for key, value in record.items():
            if key.endswith("ID") and key != "UserID":
                broken[key] = "#corrupt#"
            elif isinstance(value, str) and value[:4].isdigit() and value[4:5] == "-":
                broken[key] = "2025-13-45T00:00:00"
        return broken

    def _too_many(self, retry_after: int) -> Response:
        headers = {"Retry-After": str(retry_after)} if self.settings.retry_after_on_429 else {}
        return self.error_response(HttpError(429, message="Too Many Requests", headers=headers))

    # ------------------------------------------------------------------ seeding and state

    def next_policy_id(self, state: dict[str, Any]) -> str:
        """The next zero-padded policy id."""
        return f"{self.ids.next(state, 'policy'):010d}"

    def seed(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        """Add buildings, leases, insurance rows and notes (format: :mod:`coisync_mri.emulator.seed`)."""
        with self.store.transaction() as state:
            added = seed_state(state, data, self.clock.now(), lambda: self.next_policy_id(state))
            for policy_id in added["insurance"]:
                if policy_id.isdigit():
                    self.ids.observe(state, "policy", int(policy_id))
            return added

    def seed_demo(self) -> dict[str, list[str]]:
        """Seed the one-building demo portfolio."""
        return self.seed(DEMO_SEED)

    def lock_lease(self, building_id: str, lease_id: str, user: str = "JSMITH") -> None:
        """Lock a lease as another MRI user editing it would; writes touching it then fail per row."""
        with self.store.transaction() as state:
            state.setdefault("locks", {})[lease_key(building_id, lease_id)] = user

    def unlock_lease(self, building_id: str, lease_id: str) -> None:
        """Release a lease lock."""
        with self.store.transaction() as state:
            state.setdefault("locks", {}).pop(lease_key(building_id, lease_id), None)

    def update_insurance(self, policy_id: str, **fields: str) -> None:
        """Change an insurance row as an MRI user would (new ``LastUpdate``)."""
        with self.store.transaction() as state:
            row = state["insurance"][policy_id]
            row.update(fields)
            row["LastUpdate"], row["UserID"] = row_time(self.clock.now()), "JSMITH"

    # ------------------------------------------------------------------ the endpoint

    def handle(self, request: Request) -> Response:
        """Authenticate, check the API and its parameters, then read or write."""
        user = authenticate(request, self.credentials)
        api = request.args.get("$api", "")
        if not api:
            raise HttpError(400, message="The $api parameter is required")
        if api not in ALL_APIS:
            raise HttpError(self.settings.unknown_api_status, message=f"API {api} was not found")
        manifest = self.settings.manifest
        if manifest is not None and api not in manifest:
            raise HttpError(403, message=f"API {api} is not in the manifest of this partner key")
        if request.args.get("$format", "").lower() != "json":
            raise HttpError(400, message="Invalid value for parameter $format: this endpoint answers json")
        unknown = sorted(set(request.args) - COMMON_PARAMS - API_PARAMS[api])
        if unknown:
            raise HttpError(400, message=f"Invalid parameter: {unknown[0]}")
        if request.method == "POST":
            if api not in WRITABLE:
                raise HttpError(405, message=f"API {api} does not accept POST", headers={"Allow": "GET"})
            return self._write(request, api, user)
        if api in REQUIRES_BUILDING and not request.args.get("BLDGID"):
            raise HttpError(400, message="Parameter BLDGID is required")
        rows = self._rows(request, api)
        return json_response(envelope(request, api, rows, self.settings.max_top))

    def _rows(self, request: Request, api: str) -> list[dict[str, Any]]:
        args = request.args
        with self.store.reading() as state:
            if api == REFERENCE_TYPES_API:
                return [dict(r) for r in state.get("reference_types", ())]
            source: list[dict[str, Any]]
            if api == BUILDINGS_API:
                source = [state.get("buildings", {})[k] for k in sorted(state.get("buildings", {}))]
            elif api == LEASES_API:
                source = [state.get("leases", {})[k] for k in sorted(state.get("leases", {}))]
            elif api == INSURANCE_API:
                table = state.get("insurance", {})
                source = sorted(table.values(), key=lambda r: (r["BuildingID"], r["LeaseID"], r["PolicyID"]))
            else:
                source = list(state.get("notes", ()))
            rows = [dict(r) for r in source]
        checks: list[Callable[[dict[str, Any]], bool]] = []
        building, lease = args.get("BLDGID"), args.get("LEASEID")
        if building:
            checks.append(lambda r: r.get("BuildingID") == building)
        if lease:
            checks.append(lambda r: r.get("LeaseID") == lease)
        if "LASTUPDATEDATE" in args:
            since = filter_time(args["LASTUPDATEDATE"])
            checks.append(lambda r: time_key(str(r.get("LastUpdate", ""))) >= since)
        if "OLDESTNOTEDATE" in args:
            oldest = filter_time(args["OLDESTNOTEDATE"], "OLDESTNOTEDATE")
            checks.append(lambda r: time_key(str(r.get("NoteDate", ""))) >= oldest)
        return [r for r in rows if all(check(r) for check in checks)]

    def _write(self, request: Request, api: str, user: str) -> Response:
        body = read_json(request)
        rows = body.get("value") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise HttpError(400, message='The request body must be {"odata.metadata": ..., "value": [rows]}')
        answers: list[dict[str, Any]] = []
        now = self.clock.now()
        with self.store.transaction() as state:
            for row in rows:
                try:
                    if api == INSURANCE_API:
                        saved = save_insurance_row(
                            state,
                            row,
                            user=user,
                            now=now,
                            settings=self.settings,
                            next_policy_id=lambda: self.next_policy_id(state),
                        )
                    else:
                        saved = save_note_row(state, row, user=user, now=now, settings=self.settings)
                except RowError as error:
                    answers.append(row_failure(row, str(error)))
                else:
                    answers.append(saved)
        return json_response(write_envelope(request, api, answers))


__all__ = ["API_PARAMS", "DEMO_CREDENTIALS", "MriEmulator"]
