"""Scaffolding of a connector's replay tests: blocked network, loopback sessions, a recording world.

Every connector's replay module needs the same pieces (see docs/cassettes.md): refuse every
socket while replaying, build sessions that resolve the stable origin without DNS on a fake
clock, a "world" that hands out connectors and, while recording, serves and changes the emulator
behind them, and the same closing checks. A module declares its connector once::

    REPLAY = ReplaySetup(
        connector="acme", cassettes=CASSETTES, origin="http://acme.emulator.test",
        connector_type=AcmeConnector, config_type=AcmeConfig, table=acme_table,
        recorded_env={SECRET_ENV: CANARY_SECRET}, replayed_env={SECRET_ENV: "replay-secret"},
    )

    @pytest.fixture(autouse=True)
    def blocked(monkeypatch):
        guard_network(monkeypatch)

    @pytest.fixture
    def world(request, tmp_path, monkeypatch):
        with REPLAY.world(request.node.name, monkeypatch, lambda clock: acme_emulator(tmp_path, clock)) as w:
            yield w

    world.on_platform(lambda emulator: emulator.seed(...))   # recording only
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import httpx
import pytest
import vcr

from coisync.connector import ConnectionConfig, Connector, SessionFactory, parse_connection
from coisync.http import Clock, FakeClock, HttpConfig, HttpSession
from coisync.sandbox.emulator import Emulator, serve
from coisync.testing.cassettes import CassetteScrubber, cassette_vcr

RECORD_ENV = "COISYNC_RECORD"
BLOCKED_MESSAGE = "network access is blocked in replay tests (COISYNC_RECORD=1 records)"

C = TypeVar("C")
E = TypeVar("E")
CN = TypeVar("CN", bound=Connector)
EM = TypeVar("EM", bound=Emulator)


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


def guard_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block the network unless recording (the body of a replay module's autouse fixture)."""
    if not recording():
        block_network(monkeypatch)


def assert_network_blocked() -> None:
    """A socket connect fails with :data:`BLOCKED_MESSAGE` (skips the test while recording)."""
    if recording():
        pytest.skip("recording talks to the served emulator")
    with pytest.raises(RuntimeError, match="network access is blocked"), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))


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


@dataclass(frozen=True)
class ReplaySetup(Generic[CN]):
    """What a connector's replay module declares once; builds its worlds and replay-only connectors.

    Attributes:
        connector: The connector (and connection) name.
        cassettes: The directory of the module's cassettes (``cassettes/<connector>``).
        origin: The stable origin cassettes name instead of the served emulator's.
        connector_type: Called as ``connector_type(config, sessions, clock=clock)``.
        config_type: The connector's config model.
        table: The connection table for a base URL (without ``connector`` and the loopback switches).
        recorded_env: Credential variables while recording (canary values; scrubbed as literals).
        replayed_env: Credential variables while replaying (stand-ins the cassette never saw).
        scrubber: The scrubber class (SOAP connectors pass their own).
        recorder: Builds the ``vcr.VCR`` as ``recorder(directory, scrubber, record=...)``.
    """

    connector: str
    cassettes: Path
    origin: str
    connector_type: Callable[..., CN]
    config_type: type[ConnectionConfig]
    table: Callable[[str], Mapping[str, Any]]
    recorded_env: Mapping[str, str]
    replayed_env: Mapping[str, str]
    scrubber: Callable[..., CassetteScrubber] = CassetteScrubber
    recorder: Callable[..., vcr.VCR] = field(default=cassette_vcr)

    def connect(self, base_url: str, clock: Clock, **extra: Any) -> CN:
        """A connector for the emulator at ``base_url`` on replay sessions (``extra`` changes the table)."""
        table = {
            **self.table(base_url),
            "connector": self.connector,
            "allow_private_network": True,
            "allow_insecure_http": True,
            **extra,
        }
        config = parse_connection(self.connector, table, self.config_type)
        return self.connector_type(config, replay_session_factory(clock), clock=clock)

    @contextmanager
    def world(
        self, test_name: str, monkeypatch: pytest.MonkeyPatch, emulator: Callable[[FakeClock], EM]
    ) -> Iterator[ReplayWorld[CN, EM]]:
        """The world of one test over ``cassettes/<test_name>.yaml``.

        Recording builds the emulator with ``emulator(clock)`` (it must accept the canary
        credentials of :attr:`recorded_env`), serves it on loopback, deletes the old cassette and
        records a new one with the canary values and the served origin scrubbed. Replaying points
        connectors at :attr:`origin` with the stand-in credentials. Every connector made is closed.
        """
        clock = FakeClock()
        name = f"{test_name}.yaml"
        built = server = None
        if recording():
            built = emulator(clock)
            server = serve(built)
            base_url, env = server.url, self.recorded_env
            scrubber = self.scrubber(list(env.values()), {server.url: self.origin})
            (self.cassettes / name).unlink(missing_ok=True)
        else:
            base_url, env = self.origin, self.replayed_env
            scrubber = self.scrubber()
        for variable, value in env.items():
            monkeypatch.setenv(variable, value)
        made: list[CN] = []

        def make(**extra: Any) -> CN:
            connector = self.connect(base_url, clock, **extra)
            made.append(connector)
            return connector

        try:
            with self.recorder(self.cassettes, scrubber, record=recording()).use_cassette(name):
                yield ReplayWorld(make, built)
        finally:
            for connector in made:
                connector.close()
            if server is not None:
                server.shutdown()

    @contextmanager
    def replaying(self, test_name: str, monkeypatch: pytest.MonkeyPatch, **extra: Any) -> Iterator[CN]:
        """A connector replaying ``cassettes/<test_name>.yaml`` only (``record_mode="none"``), for
        checks that the cassette refuses requests it does not hold."""
        for variable, value in self.replayed_env.items():
            monkeypatch.setenv(variable, value)
        with self.recorder(self.cassettes, self.scrubber()).use_cassette(f"{test_name}.yaml"):
            connector = self.connect(self.origin, FakeClock(), **extra)
            try:
                yield connector
            finally:
                connector.close()


def scrubbed_cassettes(
    directory: Path, *, at_least: int, absent: Sequence[str], present: Sequence[str] = ()
) -> list[tuple[Path, str]]:
    """Assert that ``directory`` holds at least ``at_least`` cassettes, none containing any of
    ``absent`` (credentials, the live origin) and each containing every placeholder in ``present``.

    Returns:
        Each cassette and its text, for further checks.
    """
    files = sorted(directory.glob("*.yaml"))
    assert len(files) >= at_least, f"{directory} holds {len(files)} cassettes, expected {at_least} or more"
    texts: list[tuple[Path, str]] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not [form for form in absent if form in text], (
            f"{path.name} holds a credential or the live origin"
        )
        missing = [form for form in present if form not in text]
        assert not missing, f"{path.name} lacks the scrubbed placeholder(s) {', '.join(missing)}"
        texts.append((path, text))
    return texts


__all__ = [
    "BLOCKED_MESSAGE",
    "RECORD_ENV",
    "ReplaySetup",
    "ReplayWorld",
    "assert_network_blocked",
    "block_network",
    "guard_network",
    "recording",
    "replay_session_factory",
    "scrubbed_cassettes",
]
