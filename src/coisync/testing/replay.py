"""Scaffolding of a connector's replay tests: blocked network, loopback sessions, a recording world.

Every connector's replay module needs the same pieces (see docs/cassettes.md): refuse every
socket while replaying, build sessions that resolve the stable origin without DNS on a fake
clock, and a "world" that hands out connectors and, while recording, changes the emulator
behind them::

    @pytest.fixture(autouse=True)
    def blocked(monkeypatch):
        if not recording():
            block_network(monkeypatch)

    world = ReplayWorld(make, emulator if recording() else None)
    world.on_platform(lambda emulator: emulator.seed(...))   # recording only
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
import pytest

from coisync.connector import SessionFactory
from coisync.http import Clock, HttpConfig, HttpSession

RECORD_ENV = "COISYNC_RECORD"
BLOCKED_MESSAGE = "network access is blocked in replay tests (COISYNC_RECORD=1 records)"

C = TypeVar("C")
E = TypeVar("E")


def recording() -> bool:
    """Whether this run records cassettes (``COISYNC_RECORD=1``) instead of replaying them."""
    return os.environ.get(RECORD_ENV) == "1"


def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every socket connect and name lookup for the rest of the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(BLOCKED_MESSAGE)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def replay_session_factory(clock: Clock) -> SessionFactory:
    """Sessions on ``clock`` whose host names resolve to loopback without DNS (recording and replay)."""

    def factory(
        config: HttpConfig,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        name: str | None = None,
        **options: Any,
    ) -> HttpSession:
        return HttpSession(
            config,
            auth=auth,
            headers=headers,
            name=name,
            clock=clock,
            resolver=lambda host, port: ["127.0.0.1"],
            **options,
        )

    return factory


@dataclass
class ReplayWorld(Generic[C, E]):
    """Connectors wired to the cassette, and the emulator behind them while recording.

    Attributes:
        make: Builds a connector (keyword arguments change its connection table).
        emulator: The served emulator while recording; ``None`` in replay.
    """

    make: Callable[..., C]
    emulator: E | None

    def on_platform(self, change: Callable[[E], Any]) -> None:
        """Change the platform (recording only: in replay the cassette already holds the effect)."""
        if self.emulator is not None:
            change(self.emulator)


__all__ = [
    "BLOCKED_MESSAGE",
    "RECORD_ENV",
    "ReplayWorld",
    "block_network",
    "recording",
    "replay_session_factory",
]
