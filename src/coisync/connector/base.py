"""The connector base class: config, HTTP session, mapping, streams, writers and a health check.

A connector is built from its :class:`~coisync.connector.config.ConnectionConfig` and an
``HttpSession`` factory (tests pass one with an in-process transport and a ``FakeClock``). It
never touches the store: streams hand records to the sync engine, writers take operations from
the outbox. Writes go through :meth:`Connector.apply`, which refuses them while the connection
is read-only (``writes = false``, the default) or the connector has no writable surface.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import httpx

from coisync.connector.config import ConnectionConfig
from coisync.connector.errors import WritesDisabledError
from coisync.connector.stream import Stream
from coisync.connector.writer import WriteOp, Writer, WriteResult, WriteTarget
from coisync.http import Clock, HttpConfig, HttpSession, ResponseClassifier, SecretSource
from coisync.mapping.compiled import PlatformMapping
from coisync.mapping.loader import Location, load_mapping

log = logging.getLogger("coisync.connector")


class SessionFactory(Protocol):
    """Builds a connection's :class:`~coisync.http.client.HttpSession` (``HttpSession`` itself is one)."""

    def __call__(
        self,
        config: HttpConfig,
        *,
        auth: httpx.Auth | None = ...,
        headers: Mapping[str, str] | None = ...,
        name: str | None = ...,
    ) -> HttpSession:
        """Return a session for ``config``."""
        ...


@dataclass(frozen=True)
class CheckItem:
    """One line of a connection check: ``ok`` is ``None`` when it could not be tested."""

    ok: bool | None
    message: str


@dataclass(frozen=True)
class ConnectionCheck:
    """Whether a connection works: credentials accepted, platform reachable, writes possible."""

    auth: CheckItem
    reachable: CheckItem
    writable: CheckItem

    @property
    def ok(self) -> bool:
        """True when the connection can be read (writes may still be off on purpose)."""
        return bool(self.auth.ok and self.reachable.ok)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-ready form for ``--json`` output."""
        return {name: {"ok": item.ok, "message": item.message} for name, item in self.items()}

    def items(self) -> list[tuple[str, CheckItem]]:
        """The three checks in display order."""
        return [("auth", self.auth), ("reachable", self.reachable), ("writable", self.writable)]


class Connector(ABC):
    """Base of every connector.

    Class attributes a connector sets:

    Attributes:
        name: The connector's name (``connector = "..."`` in a connection table).
        title: Human name of the platform, e.g. "Acme Lease".
        config_model: Its :class:`ConnectionConfig` subclass.
        mapping_locations: Where its shipped mapping is (package resource first, then a
            source-tree path for development); registered under ``name``.
        read_only: True when the platform offers no writable surface. A class default that an
            instance may override (a connector that learns its platform's surface at run time
            sets it, or defines it as a property, per instance).
        read_only_reason: Why, for ``coisync connectors``, check output and run summaries
            (required when read-only); per instance like ``read_only``.
        token_url: OAuth token endpoint, for connectors using :class:`OAuth2Credentials`.

    Args:
        config: The connection's settings.
        session_factory: Builds the HTTP session; :class:`HttpSession` itself by default.
        mapping: A ready mapping (tests); loaded from the connector's shipped one otherwise.
        clock: Time source for OAuth token expiry; the session factory brings its own.
    """

    name: ClassVar[str]
    title: ClassVar[str] = ""
    config_model: ClassVar[type[ConnectionConfig]] = ConnectionConfig
    mapping_locations: ClassVar[tuple[Location, ...]] = ()
    read_only: bool = False
    read_only_reason: str | None = None
    token_url: ClassVar[str | None] = None

    def __init__(
        self,
        config: ConnectionConfig,
        session_factory: SessionFactory | None = None,
        *,
        mapping: PlatformMapping | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not isinstance(config, self.config_model):
            raise TypeError(
                f"{type(self).__name__} needs a {self.config_model.__name__}, got {type(config).__name__}"
            )
        self.config = config
        self._session_factory: SessionFactory = session_factory or HttpSession
        self._session: HttpSession | None = None
        self._mapping = mapping
        self.clock = clock

    # -- what subclasses provide -------------------------------------------------------

    @abstractmethod
    def streams(self) -> Sequence[Stream]:
        """The streams this connector reads."""

    def writers(self) -> Sequence[Writer]:
        """The writers this connector offers; empty for a read-only connector."""
        return ()

    @abstractmethod
    def check(self) -> ConnectionCheck:
        """Test the connection: credentials, reachability and whether writes are possible."""

    def http_headers(self) -> Mapping[str, str]:
        """Headers sent on every request (e.g. a company id); none by default."""
        return {}

    def build_auth(self) -> httpx.Auth | None:
        """The ``httpx.Auth`` for the session, from the config's credentials."""
        return self.config.credentials.auth(clock=self.clock, token_url=self.token_url)

    def response_classifier(self) -> ResponseClassifier | None:
        """The session's response classifier, for platforms that report errors inside HTTP 200."""
        return None

    def secret_sources(self) -> Sequence[SecretSource]:
        """Secrets the session's redactor must hide besides the auth object's (e.g. SOAP body credentials)."""
        return ()

    # -- provided ------------------------------------------------------------------------

    @property
    def session(self) -> HttpSession:
        """The connection's HTTP session, built on first use."""
        if self._session is None:
            self._session = self._session_factory(
                self.config.http_config(),
                auth=self.build_auth(),
                headers=self.http_headers(),
                name=self.config.name,
            )
            classifier = self.response_classifier()
            if classifier is not None:
                self._session.retry_policy.classifier = classifier
            for source in self.secret_sources():
                self._session.redactor.add_source(source)
        return self._session

    @property
    def mapping(self) -> PlatformMapping:
        """The connector's mapping with the connection's override applied, loaded on first use."""
        if self._mapping is None:
            self._mapping = load_mapping(self.name, override=self.config.mapping)
        return self._mapping

    def stream(self, name: str) -> Stream:
        """The stream called ``name``.

        Raises:
            KeyError: No such stream; the message lists the known ones.
        """
        streams = {stream.name: stream for stream in self.streams()}
        if name not in streams:
            raise KeyError(
                f"connector {self.name!r} has no stream {name!r} (known: {', '.join(sorted(streams))})"
            )
        return streams[name]

    def writer_for(self, target: WriteTarget, platform_type: str | None = None) -> Writer:
        """The writer that holds ``target`` (for ``platform_type``, when given), if writes are allowed.

        Raises:
            WritesDisabledError: The connector is read-only or the connection's writes are off.
            KeyError: No writer holds that target.
        """
        if self.read_only:
            raise WritesDisabledError(
                self.config.name, f"connector {self.name!r} is read-only: {self.read_only_reason}"
            )
        if not self.config.writes:
            raise WritesDisabledError(self.config.name)
        for writer in self.writers():
            if target in writer.targets and platform_type in (None, writer.platform_type):
                return writer
        raise KeyError(f"connector {self.name!r} has no writer for {target.value!r}")

    def apply(self, op: WriteOp) -> WriteResult:
        """Perform one write through the writer for its target (the one gate for writes)."""
        return self.writer_for(op.target, op.platform_type).apply(op)

    def writable_check(self) -> CheckItem:
        """The ``writable`` line of :meth:`check` from the declarations (no request is made)."""
        if self.read_only:
            return CheckItem(False, f"read-only connector: {self.read_only_reason}")
        if not self.config.writes:
            return CheckItem(
                False, f"writes are off; set writes = true in [connections.{self.config.name}] to enable"
            )
        return CheckItem(True, "writes are on")

    def requests_made(self) -> int:
        """Requests this connector has sent so far (0 before its session exists)."""
        return self._session.requests_made if self._session is not None else 0

    def close(self) -> None:
        """Release the HTTP session."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.name} connection={self.config.name!r} writes={self.config.writes}>"
        )


__all__ = ["CheckItem", "ConnectionCheck", "Connector", "SessionFactory"]
