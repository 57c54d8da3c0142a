"""The :class:`Emulator` base class: a WSGI app with state, clock, request log and faults.

A platform emulator subclasses :class:`Emulator`, registers its routes in :meth:`Emulator.routes`
and overrides the hooks that shape its platform's behaviour (:meth:`Emulator.admit` for rate
limits, :meth:`Emulator.finalize` for headers every response carries, :meth:`Emulator.error_response`
for the platform's error body). The base class owns the request pipeline::

    control path? -> /__emulator/* (faults, state, requests; never logged or rate limited)
    before-faults (slow, drop, 429/503/500, login_failure) -> admit -> handler
    after-faults (malformed, lost_response) -> finalize -> log

Control surface (JSON):

* ``GET /__emulator/faults``, ``POST`` (a rule, a list of rules or ``{"rules": [...]}``),
  ``DELETE`` (clear all)
* ``GET /__emulator/state``: the state document without secrets
* ``GET /__emulator/requests``: the request log (``DELETE`` clears it)
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
from collections.abc import Iterable
from email.utils import formatdate
from pathlib import Path
from typing import Any, ClassVar

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator.clock import Clock, SystemClock, iso_utc
from coisync.sandbox.emulator.faults import (
    AFTER_KINDS,
    BEFORE_KINDS,
    WRITE_METHODS,
    FaultInjector,
    FaultRule,
    parse_rule,
)
from coisync.sandbox.emulator.requestlog import RequestLog, is_secret_key
from coisync.sandbox.emulator.routing import HttpError, Router, json_response, read_json
from coisync.sandbox.emulator.state import StateStore

log = logging.getLogger("coisync.sandbox.emulator")

CONTROL_PREFIX = "/__emulator"
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")


_ROUTE_COMPILE_LOCK = threading.Lock()
"""werkzeug compiles each route with ``ast``; CPython 3.11's ``ast`` is not safe to use from two
threads at once ("AST constructor recursion depth mismatch"), so emulators built concurrently
(served sandboxes, parallel tests) compile their routes one at a time."""


class ConnectionDropped(ConnectionError):
    """Raised out of the WSGI app to close the connection without a response.

    The loopback server (:func:`coisync.sandbox.emulator.server.serve`) closes the socket, so an
    HTTP client sees a protocol error; in process, :class:`EmulatorTransport` turns it into
    ``httpx.RemoteProtocolError``.
    """


class Emulator:
    """Base of every platform emulator.

    Args:
        state_dir: Directory holding the state file ``<name>.json``; a new emulator over the
            same directory sees everything clients wrote before.
        clock: The time source (``now()``; ``sleep()`` too if the ``slow`` fault should not block).
        seed: Seeds ids, secrets and fault decisions (kept as :attr:`seed_value`).
    """

    name: ClassVar[str] = "emulator"
    login_paths: ClassVar[frozenset[str]] = frozenset()
    """Paths the ``login_failure`` fault applies to."""

    def __init__(self, state_dir: Path | str, clock: Clock | None = None, seed: int = 0) -> None:
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.seed_value = seed
        self.store = StateStore(state_dir, self.name)
        self.faults = FaultInjector(seed)
        self.request_log = RequestLog()
        self.router = Router()
        self._lock = threading.RLock()
        with _ROUTE_COMPILE_LOCK:
            self.routes(self.router)

    # ------------------------------------------------------------------ hooks for subclasses

    def routes(self, router: Router) -> None:
        """Register the platform's routes on ``router`` (override)."""

    def is_login_path(self, path: str) -> bool:
        """Whether the ``login_failure`` fault applies to ``path``; default: it is in :attr:`login_paths`.

        Platforms that log in on every call (credentials in each SOAP body) override it.
        """
        return path in self.login_paths

    def is_write(self, request: Request) -> bool:
        """Whether ``request`` changes state (where ``lost_response`` applies); default: by method.

        Platforms whose reads are POSTs too (SOAP, OData batches) override it.
        """
        return request.method in WRITE_METHODS

    def admit(self, request: Request) -> Response | None:
        """Count the request against limits; return a refusal (e.g. 429) or ``None`` to proceed."""
        return None

    def finalize(self, request: Request, response: Response) -> None:
        """Add headers every response carries; the base adds ``Date`` from the emulator clock."""
        response.headers["Date"] = formatdate(self.clock.now(), usegmt=True)

    def error_response(self, error: HttpError) -> Response:
        """Turn an :class:`HttpError` into the platform's error response (override for its shape)."""
        payload = error.payload
        if payload is None:
            payload = {"error": {"code": error.status, "message": error.message or "error"}}
        return json_response(payload, error.status, error.headers)

    def fault_response(self, rule: FaultRule) -> Response:
        """The response for an injected 429, 503 or 500."""
        status = int(rule.kind)
        headers = {"Retry-After": str(rule.retry_after)} if status in (429, 503) else {}
        messages = {429: "Too Many Requests", 503: "Service Unavailable", 500: "Internal Server Error"}
        return self.error_response(HttpError(status, message=messages[status], headers=headers))

    def login_failure_response(self, request: Request) -> Response:
        """The response of a login endpoint while the ``login_failure`` fault fires."""
        return self.error_response(HttpError(401, message="login failed"))

    def corrupt_record(self, record: Any) -> Any:
        """A corrupted copy of a list item for the ``malformed`` fault.

        The default keeps the keys but breaks the types: the ``id`` becomes a non-numeric
        string and every date-like string becomes an impossible date.
        """
        if not isinstance(record, dict):
            return "\u0000corrupt"
        broken: dict[str, Any] = {}
        for key, value in record.items():
            if isinstance(value, str) and _DATE_LIKE.match(value):
                broken[key] = "2025-13-45"
            else:
                broken[key] = value
        broken["id"] = "#corrupt#"
        return broken

    def corruptible(self, response: Response) -> bool:
        """Whether the ``malformed`` fault can corrupt ``response``: by default a JSON body with a list."""
        if response.mimetype != "application/json":
            return False
        return bool(_list_in(json.loads(response.get_data() or b"null")))

    def corrupt_response(self, response: Response, rng: random.Random) -> None:
        """Corrupt one record of ``response`` for the ``malformed`` fault (see :meth:`corrupt_record`).

        Emulators of platforms that do not answer JSON override this and :meth:`corruptible`.
        """
        body = json.loads(response.get_data() or b"null")
        items = _list_in(body)
        if items:
            index = rng.randrange(len(items))
            items[index] = self.corrupt_record(items[index])
            response.set_data(json.dumps(body, ensure_ascii=False, separators=(",", ":")))

    def secret_state_keys(self) -> Iterable[str]:
        """Top-level state keys never shown by ``/__emulator/state`` (besides secret-named keys)."""
        return ()

    # ------------------------------------------------------------------ helpers

    def now_iso(self) -> str:
        """The emulator clock's time as ISO 8601 UTC (``...Z``)."""
        return iso_utc(self.clock.now())

    def public_state(self) -> dict[str, Any]:
        """The state document with secrets removed (what ``/__emulator/state`` shows)."""
        hidden = set(self.secret_state_keys())
        snapshot = self.store.snapshot()
        return {k: _strip_secrets(v) for k, v in snapshot.items() if k not in hidden and not is_secret_key(k)}

    def _sleep(self, seconds: float) -> None:
        sleep = getattr(self.clock, "sleep", None)
        if callable(sleep):
            sleep(seconds)
        else:  # pragma: no cover - a clock without sleep: block for real
            SystemClock().sleep(seconds)

    # ------------------------------------------------------------------ WSGI

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """The WSGI entry point.

        Raises:
            ConnectionDropped: When a ``drop`` or ``lost_response`` fault fires.
        """
        request = Request(environ)
        # Buffer the body once so handlers can parse it (form or JSON) and the log can still read it.
        request.get_data(cache=True)
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            return self._control(request)(environ, start_response)
        fault: FaultRule | None = None
        try:
            response, fault = self._respond(request)
        except _Drop as drop:
            self.request_log.record(request, 0, self.clock.now(), drop.kind)
            raise ConnectionDropped(
                f"emulator fault {drop.kind}: connection closed without a response"
            ) from None
        self.request_log.record(
            request, response.status_code, self.clock.now(), fault.kind if fault else None
        )
        return response(environ, start_response)

    __call__ = wsgi_app

    def _respond(self, request: Request) -> tuple[Response, FaultRule | None]:
        path, method = request.path, request.method
        rule = self.faults.pick(BEFORE_KINDS, path, method, login=self.is_login_path(path))
        if rule is not None and rule.kind == "slow":
            self._sleep(rule.delay)
        if rule is not None and rule.kind == "drop":
            raise _Drop("drop")
        with self._lock:
            refusal = self.admit(request)
            if refusal is not None:
                response = refusal
            elif rule is not None and rule.kind in ("429", "503", "500"):
                response = self.fault_response(rule)
            elif rule is not None and rule.kind == "login_failure":
                response = self.login_failure_response(request)
            else:
                response = self._dispatch(request)
                after = self._after_faults(request, response)
                rule = after or rule
            self.finalize(request, response)
        return response, rule

    def _dispatch(self, request: Request) -> Response:
        try:
            handler, args = self.router.match(request)
            return handler(request, **args)
        except HttpError as error:
            return self.error_response(error)
        except Exception:
            log.exception("emulator %s failed on %s %s", self.name, request.method, request.path)
            return self.error_response(HttpError(500, message="Internal Server Error"))

    def _after_faults(self, request: Request, response: Response) -> FaultRule | None:
        if response.status_code >= 400:
            return None
        fired: FaultRule | None = None
        if self.faults.armed("malformed") and self.corruptible(response):
            rule = self.faults.pick(frozenset({"malformed"}), request.path, request.method)
            if rule is not None:
                self.corrupt_response(response, random.Random(f"{self.seed_value}:malformed:{rule.fired}"))
                fired = rule
        lost = self.faults.pick(
            AFTER_KINDS - {"malformed"}, request.path, request.method, write=self.is_write(request)
        )
        if lost is not None:
            raise _Drop("lost_response")
        return fired

    # ------------------------------------------------------------------ control surface

    def _control(self, request: Request) -> Response:
        sub = request.path[len(CONTROL_PREFIX) :].strip("/")
        try:
            if sub == "faults":
                return self._control_faults(request)
            if sub == "state" and request.method == "GET":
                return json_response(self.public_state())
            if sub == "requests" and request.method == "GET":
                return json_response({"requests": self.request_log.entries()})
            if sub == "requests" and request.method == "DELETE":
                self.request_log.clear()
                return json_response({"requests": []})
        except ValueError as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response({"error": f"no control endpoint {request.method} {request.path}"}, 404)

    def _control_faults(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response({"rules": self.faults.rules()})
        if request.method == "DELETE":
            self.faults.clear()
            return json_response({"rules": []})
        if request.method == "POST":
            try:
                data = read_json(request)
            except HttpError as exc:
                raise ValueError(exc.message) from None
            raw = data.get("rules") if isinstance(data, dict) and "rules" in data else data
            raw_rules = raw if isinstance(raw, list) else [raw]
            self.faults.add([parse_rule(item) for item in raw_rules])
            return json_response({"rules": self.faults.rules()}, 201)
        return json_response({"error": "use GET, POST or DELETE"}, 405, {"Allow": "DELETE, GET, POST"})


class _Drop(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _list_in(body: Any) -> list[Any] | None:
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, list):
                return value
    return None


def _strip_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_secrets(v) for k, v in value.items() if not is_secret_key(str(k))}
    if isinstance(value, list):
        return [_strip_secrets(v) for v in value]
    return value
