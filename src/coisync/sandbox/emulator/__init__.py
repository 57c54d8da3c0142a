"""The emulator base: routing, state, clock, request log, fault injection and a loopback server.

Platform emulators (one per connector package) subclass :class:`Emulator`; the sandbox serves
them with :func:`serve` or calls them in process through :class:`EmulatorTransport`.
"""

from __future__ import annotations

from coisync.sandbox.emulator.base import CONTROL_PREFIX, ConnectionDropped, Emulator
from coisync.sandbox.emulator.clock import Clock, FixedClock, SystemClock, iso_utc, parse_iso_utc
from coisync.sandbox.emulator.faults import FAULT_KINDS, FaultInjector, FaultRule, parse_rule
from coisync.sandbox.emulator.ids import IdSequences, derived_secret, secret_fingerprint
from coisync.sandbox.emulator.ratelimit import RateDecision, RateLimiter, RateWindow
from coisync.sandbox.emulator.requestlog import REDACTED, RequestLog, redact
from coisync.sandbox.emulator.routing import (
    HttpError,
    Router,
    empty_response,
    json_response,
    read_json,
    xml_response,
)
from coisync.sandbox.emulator.server import RunningServer, serve
from coisync.sandbox.emulator.state import StateStore
from coisync.sandbox.emulator.transport import EmulatorTransport

__all__ = [
    "CONTROL_PREFIX",
    "FAULT_KINDS",
    "REDACTED",
    "Clock",
    "ConnectionDropped",
    "Emulator",
    "EmulatorTransport",
    "FaultInjector",
    "FaultRule",
    "FixedClock",
    "HttpError",
    "IdSequences",
    "RateDecision",
    "RateLimiter",
    "RateWindow",
    "RequestLog",
    "Router",
    "RunningServer",
    "StateStore",
    "SystemClock",
    "derived_secret",
    "empty_response",
    "iso_utc",
    "json_response",
    "parse_iso_utc",
    "parse_rule",
    "read_json",
    "redact",
    "secret_fingerprint",
    "serve",
    "xml_response",
]
