"""Fixtures for the HTTP seam tests: a fake clock, a stub resolver and a session factory."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from coisync.http import FakeClock, HttpConfig, HttpSession

BASE_URL = "https://api.example.com"
PUBLIC_ADDRESS = "93.184.216.34"

Handler = Callable[[httpx.Request], httpx.Response]


def public_resolver(host: str, port: int) -> list[str]:
    """Every host resolves to one public address, without DNS."""
    return [PUBLIC_ADDRESS]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_session(clock: FakeClock) -> Iterator[Callable[..., HttpSession]]:
    """Build a session on a MockTransport; keyword arguments go to HttpConfig or HttpSession."""
    sessions: list[HttpSession] = []
    session_keys = {"auth", "redactor", "classifier", "resolver", "headers", "name", "rng"}

    def build(handler: Handler, **options: Any) -> HttpSession:
        session_options = {k: options.pop(k) for k in list(options) if k in session_keys}
        session_options.setdefault("resolver", public_resolver)
        session_options.setdefault("rng", random.Random(7))
        config = HttpConfig(base_url=options.pop("base_url", BASE_URL), **options)
        session = HttpSession(config, clock=clock, transport=httpx.MockTransport(handler), **session_options)
        sessions.append(session)
        return session

    yield build
    for session in sessions:
        session.close()
