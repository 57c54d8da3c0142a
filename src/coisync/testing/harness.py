"""How the kit reaches an emulator: in process or served on loopback, plus its control surface.

:class:`EmulatorEndpoint` bundles what a connector needs to talk to an emulator (base URL, a
session factory on the test's clock, the host-policy opt-ins) and what the kit needs to steer
it (:class:`EmulatorControl` over ``/__emulator/*``). :class:`RecordingTransport` wraps the real
transport and keeps every credential that crossed the wire, so the secret checks need not know
the platform's auth scheme.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from coisync.connector import SessionFactory
from coisync.http import FakeClock, HttpConfig, HttpSession
from coisync.sandbox.emulator import CONTROL_PREFIX, Emulator, EmulatorTransport, serve
from coisync.testing.secret_names import SECRET_HEADERS, is_secret_key

MODES = ("in_process", "served")
"""How the kit runs a connector against its emulator: through a WSGI transport, or over TCP."""

PUBLIC_ADDRESS = "93.184.216.34"
"""What the in-process emulator's made-up host name resolves to (a public address, no DNS)."""

TOKEN_KEYS = ("access_token", "refresh_token", "id_token", "token", "session_token")
"""Response-body keys whose values are credentials."""

_DROPPED = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class RecordingTransport(httpx.BaseTransport):
    """Passes requests on and remembers the credentials they and their responses carried.

    Kept: the value of every secret-named request header (``Authorization``, ``x-api-key``, ...,
    with and without its scheme) and every token in a JSON response body.

    Args:
        inner: The transport that really sends.
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.credentials: set[str] = set()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; keep its ``Authorization`` and any token in the response body."""
        self.requests.append(request)
        for name, value in request.headers.items():
            if value and (name.lower() in SECRET_HEADERS or is_secret_key(name)):
                self.credentials.add(value)
                self.credentials.add(value.partition(" ")[2] or value)
        response = self.inner.handle_request(request)
        content = response.read()
        response.close()
        if "json" in response.headers.get("content-type", ""):
            self._keep_tokens(content)
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROPPED]
        return httpx.Response(response.status_code, headers=headers, content=content, request=request)

    def _keep_tokens(self, content: bytes) -> None:
        try:
            body = json.loads(content or b"null")
        except ValueError:
            return
        if isinstance(body, dict):
            self.credentials.update(str(body[k]) for k in TOKEN_KEYS if body.get(k))

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


@dataclass
class EmulatorControl:
    """The emulator's ``/__emulator`` control surface (faults, state, request log)."""

    client: httpx.Client

    def add_faults(self, *rules: Mapping[str, Any]) -> None:
        """Arm fault rules (see :mod:`coisync.sandbox.emulator.faults`)."""
        self.client.post(f"{CONTROL_PREFIX}/faults", json={"rules": list(rules)}).raise_for_status()

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.client.delete(f"{CONTROL_PREFIX}/faults").raise_for_status()

    def state(self) -> dict[str, Any]:
        """The emulator's state without secrets."""
        response = self.client.get(f"{CONTROL_PREFIX}/state")
        response.raise_for_status()
        state: dict[str, Any] = response.json()
        return state

    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first."""
        response = self.client.get(f"{CONTROL_PREFIX}/requests")
        response.raise_for_status()
        entries: list[dict[str, Any]] = response.json()["requests"]
        return entries

    def clear_requests(self) -> None:
        """Forget the request log."""
        self.client.delete(f"{CONTROL_PREFIX}/requests").raise_for_status()


@dataclass
class EmulatorEndpoint:
    """One way of reaching an emulator.

    Attributes:
        mode: ``in_process`` or ``served``.
        base_url: Where the connection points.
        transport: The recording transport every connector session uses.
        control: The emulator's control surface.
        clock: The clock shared by emulator and sessions.
        private: The base URL is a loopback address (``allow_private_network``, ``allow_insecure_http``).
    """

    mode: str
    base_url: str
    transport: RecordingTransport
    control: EmulatorControl
    clock: FakeClock
    private: bool
    resolver: Any = field(default=None, repr=False)

    def session_factory(self) -> SessionFactory:
        """Builds sessions on this endpoint's transport and clock."""

        def factory(
            config: HttpConfig,
            *,
            auth: httpx.Auth | None = None,
            headers: Mapping[str, str] | None = None,
            name: str | None = None,
        ) -> HttpSession:
            return HttpSession(
                config,
                auth=auth,
                headers=headers,
                name=name,
                clock=self.clock,
                transport=self.transport,
                resolver=self.resolver,
            )

        return factory


@contextmanager
def open_endpoint(mode: str, emulator: Emulator, clock: FakeClock) -> Iterator[EmulatorEndpoint]:
    """Reach ``emulator`` in ``mode``; a served emulator is shut down afterwards.

    Raises:
        ValueError: ``mode`` is not one of :data:`MODES`.
    """
    if mode == "in_process":
        base_url = f"https://{emulator.name}.emulator.test"
        with httpx.Client(transport=EmulatorTransport(emulator), base_url=base_url) as client:
            yield EmulatorEndpoint(
                mode,
                base_url,
                RecordingTransport(EmulatorTransport(emulator)),
                EmulatorControl(client),
                clock,
                private=False,
                resolver=lambda host, port: [PUBLIC_ADDRESS],
            )
        return
    if mode != "served":
        raise ValueError(f"unknown mode {mode!r} (known: {', '.join(MODES)})")
    with serve(emulator) as server, httpx.Client(base_url=server.url, trust_env=False) as client:
        transport = RecordingTransport(httpx.HTTPTransport(trust_env=False))
        try:
            yield EmulatorEndpoint(mode, server.url, transport, EmulatorControl(client), clock, private=True)
        finally:
            transport.close()


__all__ = [
    "MODES",
    "PUBLIC_ADDRESS",
    "EmulatorControl",
    "EmulatorEndpoint",
    "RecordingTransport",
    "open_endpoint",
]
