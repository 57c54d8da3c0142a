"""The Yardi Voyager SIPP emulator: ASMX-style SOAP services with credentials in every body.

Faithful to what client code and WSDLs show (platforms.md §1, §8.1); the rest is marked
"assumed" and switchable through :class:`~coisync_yardi.emulator.settings.YardiSettings`.

* ``POST /{client}/webservices/{Interface}.asmx`` for ``ItfVendorInvoicing``,
  ``ItfCommonData`` and ``ItfRentersInsurance30``; SOAP 1.1 (``text/xml`` + ``SOAPAction:
  <namespace>/<Method>``) and SOAP 1.2 (``application/soap+xml; action=...``); paths match
  without regard to case, as on IIS. ``GET ...asmx?WSDL`` serves the contract
  (:mod:`~coisync_yardi.emulator.wsdl`).
* Answers wrap the result document: ``<{Method}Response><{Method}Result>...``.
* Business errors, login failures and over-limit calls are HTTP 200 with
  ``<Messages><Message messageType="Error">`` inside the result
  (:mod:`~coisync_yardi.emulator.access`); a malformed envelope, an unknown operation or a
  wrong ``SOAPAction`` is HTTP 500 with a ``soap:Client`` fault (ASP.NET's behaviour; assumed).
* No paging; ``;``-joined property lists; incremental reads by date parameters.
* Rate limits per interface and interface entity (assumed), reported by ``GetRateLimits``.
* Fault injection, state, request log and ``serve()`` come from the emulator base; the
  ``login_failure`` fault answers ``Login failed.`` on every SOAP call.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import tostring

from werkzeug.wrappers import Request, Response

from coisync.http.soap import (
    SOAP_1_1,
    SoapFormatError,
    SoapMessage,
    SoapVersion,
    XmlFragment,
    build_envelope,
    build_fault,
    local_name,
    parse_envelope,
)
from coisync.sandbox.emulator import Clock, Emulator, HttpError, IdSequences, RateLimiter, Router
from coisync_yardi.emulator import common_ops, renters_ops, vendor_ops
from coisync_yardi.emulator.access import (
    DEMO_CREDENTIAL,
    LOGIN_FAILED,
    YardiCredential,
    YardiMessage,
    authenticate,
)
from coisync_yardi.emulator.calls import Call, Operation
from coisync_yardi.emulator.documents import messages_document
from coisync_yardi.emulator.hostile import hostile_body
from coisync_yardi.emulator.protocol import (
    ID_ELEMENTS,
    dispatch_problem,
    help_page,
    interface_of,
    records_of,
    titles,
    version_of,
)
from coisync_yardi.emulator.seed import DEMO_SEED, seed_state
from coisync_yardi.emulator.settings import Interface, YardiSettings
from coisync_yardi.emulator.wsdl import wsdl_text

OPERATIONS: dict[str, Operation] = {
    **vendor_ops.OPERATIONS,
    **common_ops.OPERATIONS,
    **renters_ops.OPERATIONS,
}
ID_STARTS = {"policy": 40, "renters_policy": 9000, "attachment": 70_000, "document": 80_000}


class YardiEmulator(Emulator):
    """Yardi Voyager's SIPP interfaces as a WSGI app.

    Args:
        state_dir: Directory for ``yardi.json``.
        clock: The time source.
        seed: Seeds ids and fault decisions.
        credentials: The users the emulator accepts (default :data:`DEMO_CREDENTIAL`).
        settings: Behaviour switches.
    """

    name = "yardi"

    def __init__(
        self,
        state_dir: Path | str,
        clock: Clock | None = None,
        seed: int = 0,
        credentials: Iterable[YardiCredential] | None = None,
        settings: YardiSettings | None = None,
    ) -> None:
        self.settings = settings or YardiSettings()
        self.credentials = list(credentials or [DEMO_CREDENTIAL])
        self.ids = IdSequences(seed, ID_STARTS, max_step=3)
        self._limiters: dict[tuple[str, str], RateLimiter] = {}
        super().__init__(state_dir, clock, seed)

    def routes(self, router: Router) -> None:
        """One rule serves every interface of every client path."""
        router.add("/<client>/webservices/<service>", ["GET", "POST"], self._service)
        # Sandbox convenience (not Voyager): without a client path, the first client answers.
        router.add("/webservices/<service>", ["GET", "POST"], self._default_client)

    def seed(self, data: dict[str, Any]) -> dict[str, list[str]]:
        """Add properties, vendors, tenants and renters policies (format: :mod:`~coisync_yardi.emulator.seed`).

        Raises:
            ValueError: A record is invalid; nothing is stored then.
        """
        with self.store.transaction() as state:
            return seed_state(state, data, self.ids, self.clock.now())

    def seed_demo(self) -> dict[str, list[str]]:
        """Seed :data:`~coisync_yardi.emulator.seed.DEMO_SEED`."""
        return self.seed(DEMO_SEED)

    # ------------------------------------------------------------------ base hooks

    def is_login_path(self, path: str) -> bool:
        """Every SOAP call logs in (credentials travel in each body)."""
        return path.lower().endswith(".asmx")

    def login_failure_response(self, request: Request) -> Response:
        """``Login failed.`` inside HTTP 200, as Voyager answers a bad password."""
        version = version_of(request) or SOAP_1_1
        try:
            message = parse_envelope(request.get_data(cache=True))
        except SoapFormatError:
            return self._fault(version, "Client", "The request is not a valid SOAP envelope.")
        return self._result(message.version, message.name, message.namespace, _login_failed())

    def error_response(self, error: HttpError) -> Response:
        """A ``soap:Server`` (5xx, 429) or ``soap:Client`` fault with the error's status."""
        code = "Server" if error.status >= 500 or error.status == 429 else "Client"
        response = self._fault(SOAP_1_1, code, error.message or "error", status=error.status)
        response.headers.update(error.headers)
        return response

    def is_write(self, request: Request) -> bool:
        """A SOAP call writes when its operation does (every call is a POST)."""
        try:
            message = parse_envelope(request.get_data(cache=True))
        except SoapFormatError:
            return False
        operation = OPERATIONS.get(message.name)
        return operation is not None and operation.writes

    def corruptible(self, response: Response) -> bool:
        """A successful SOAP answer holding vendor, tenant, property or policy records."""
        return response.status_code == 200 and bool(records_of(response)[1])

    def corrupt_response(self, response: Response, rng: random.Random) -> None:
        """Corrupt one record for the ``malformed`` fault: its id becomes ``#corrupt#``, its date impossible."""
        root, records = records_of(response)
        if root is None or not records:
            return
        record = records[rng.randrange(len(records))]
        for child in record:
            name = local_name(child.tag)
            if name in ID_ELEMENTS:
                child.text = "#corrupt#"
            elif name == "LastModified":
                child.text = "2025-13-45T00:00:00"
        response.set_data(tostring(root, encoding="utf-8", xml_declaration=True))

    # ------------------------------------------------------------------ requests

    def _default_client(self, request: Request, service: str) -> Response:
        return self._service(request, sorted(self.settings.clients)[0], service)

    def _service(self, request: Request, client: str, service: str) -> Response:
        interface = interface_of(client, service, self.settings)
        if request.method == "GET":
            if any(key.lower() == "wsdl" for key in request.args):
                text = wsdl_text(interface, request.base_url)
                return Response(text, content_type="text/xml; charset=utf-8")
            return Response(help_page(interface), content_type="text/html; charset=utf-8")
        version = version_of(request)
        if version is None:
            raise HttpError(415, message="Unsupported Media Type: use text/xml or application/soap+xml")
        try:
            message = parse_envelope(request.get_data(cache=True))
        except SoapFormatError as exc:
            return self._fault(version, "Client", f"Server was unable to read request. {exc}")
        if message.version is not version:
            return self._fault(
                version, "Client", "The SOAP envelope version does not match the Content-Type."
            )
        problem = dispatch_problem(request, message, interface)
        if problem is not None:
            return self._fault(version, "Client", problem)
        operation = OPERATIONS[message.name]
        if self.settings.hostile is not None and not operation.writes:
            body = hostile_body(self.settings.hostile, message.name, interface.namespace, version)
            return Response(body, content_type=version.content_type)
        return self._call(message, interface, operation)

    def _call(self, message: SoapMessage, interface: Interface, operation: Operation) -> Response:
        params = message.params()
        entity = (params["InterfaceEntity"].text or "").strip() if "InterfaceEntity" in params else ""
        refusal = self._count(message, interface, entity)
        if refusal is not None:
            return refusal
        now = self.clock.now()
        try:
            caller = authenticate(params, message.name, interface, self.credentials)
            rates = [(title, self._limiter(entity, title).status(now)[0]) for title in titles()]
            context = self.store.transaction() if operation.writes else self.store.reading()
            with context as state:
                call = Call(
                    interface, message.name, params, caller, state, now, self.settings, self.ids, rates
                )
                result = operation.handler(call)
        except YardiMessage as answer:
            result = messages_document([(answer.message_type, answer.text)])
        return self._result(message.version, message.name, interface.namespace, result)

    def _count(self, message: SoapMessage, interface: Interface, entity: str) -> Response | None:
        decision = self._limiter(entity, interface.title).hit(self.clock.now())
        if decision.allowed:
            return None
        text = (
            f"Rate limit exceeded for interface {interface.title}; "
            f"try again in {decision.retry_after} seconds."  # wording assumed
        )
        if self.settings.over_limit_status == 429:
            response = self._fault(message.version, "Server", text, status=429)
            response.headers["Retry-After"] = str(decision.retry_after)
            return response
        return self._result(
            message.version, message.name, interface.namespace, messages_document([("Error", text)])
        )

    def _limiter(self, entity: str, title: str) -> RateLimiter:
        key = (entity, title)
        if key not in self._limiters:
            self._limiters[key] = RateLimiter([self.settings.rate_window])
        return self._limiters[key]

    @staticmethod
    def _result(version: SoapVersion, operation: str, namespace: str, result: str) -> Response:
        body = build_envelope(
            f"{operation}Response", namespace, [(f"{operation}Result", XmlFragment(result))], version=version
        )
        response = Response(body, content_type=version.content_type)
        response.headers["Cache-Control"] = "private, max-age=0"
        return response

    @staticmethod
    def _fault(version: SoapVersion, code: str, message: str, *, status: int = 500) -> Response:
        return Response(
            build_fault(code, message, version=version), status=status, content_type=version.content_type
        )


def _login_failed() -> str:
    return messages_document([("Error", LOGIN_FAILED)])


__all__ = ["OPERATIONS", "YardiEmulator"]
