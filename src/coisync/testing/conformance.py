"""The connector conformance suite: one base class, the same checks for every connector.

A connector's test module subclasses :class:`ConnectorConformance` and names its adapter::

    class TestAcmeConformance(ConnectorConformance):
        adapter = AcmeAdapter()

Every test runs twice, against the emulator in process and served on a loopback port
(``modes`` narrows that). Time is a :class:`~coisync.http.FakeClock` shared by the emulator and
the connector's sessions, so waits for ``Retry-After`` cost no real time. Write checks skip,
with the reason, for a read-only connector.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from coisync.connector import Connector, Cursor, PlatformRecord, Quarantined, parse_connection
from coisync.errors import ConfigError
from coisync.http import AuthError, FakeClock
from coisync.mapping import register_mapping
from coisync.sandbox.emulator import Emulator
from coisync.testing.adapter import ConformanceAdapter
from coisync.testing.harness import MODES, EmulatorEndpoint, open_endpoint

ConnectorFactory = Callable[..., Connector]
Read = tuple[list[PlatformRecord], list[Quarantined], Cursor]
PAGES = 3
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def read_stream(connector: Connector, stream_name: str, saved: str | None = None) -> Read:
    """Read one stream from a saved cursor (JSON) to the end: records, quarantined, final cursor."""
    stream = connector.stream(stream_name)
    cursor = stream.cursor_from_state(saved)
    records: list[PlatformRecord] = []
    quarantined: list[Quarantined] = []
    for batch in stream.read(cursor):
        records.extend(batch.records)
        quarantined.extend(batch.quarantined)
        cursor = batch.cursor
    return records, quarantined, cursor


class ConnectorConformance:
    """Base class of a connector's conformance tests (not collected itself: no ``Test`` prefix).

    Attributes:
        adapter: The connector's :class:`ConformanceAdapter`.
        modes: Which of :data:`~coisync.testing.harness.MODES` to run.
    """

    adapter: ClassVar[ConformanceAdapter]
    modes: ClassVar[tuple[str, ...]] = MODES

    # -- fixtures ------------------------------------------------------------------------

    @pytest.fixture
    def clock(self) -> FakeClock:
        """Simulated time shared by the emulator and every session."""
        return FakeClock()

    @pytest.fixture
    def emulator(self, tmp_path: Path, clock: FakeClock) -> Emulator:
        """A fresh emulator from the adapter."""
        return self.adapter.create_emulator(tmp_path / "emulator", clock)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run every check once per mode in :attr:`modes` (pytest calls this for test classes)."""
        if "endpoint" in metafunc.fixturenames:
            unknown = set(self.modes) - set(MODES)
            if unknown:
                raise ValueError(f"unknown conformance modes {sorted(unknown)} (known: {', '.join(MODES)})")
            metafunc.parametrize("endpoint", self.modes, indirect=True)

    @pytest.fixture
    def endpoint(
        self, request: pytest.FixtureRequest, emulator: Emulator, clock: FakeClock
    ) -> Iterator[EmulatorEndpoint]:
        """The emulator in process, or served on loopback (one per mode)."""
        with open_endpoint(request.param, emulator, clock) as endpoint:
            yield endpoint

    @pytest.fixture
    def connector_factory(
        self, endpoint: EmulatorEndpoint, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[ConnectorFactory]:
        """``make(writes=False, valid=True)`` builds a connector to the emulator."""
        cls = self.adapter.connector_cls
        if cls.mapping_locations:
            register_mapping(cls.name, *cls.mapping_locations)
        made: list[Connector] = []

        def make(*, writes: bool = False, valid: bool = True) -> Connector:
            for name, value in self.adapter.credentials_env(valid=valid).items():
                monkeypatch.setenv(name, value)
            table = {
                **self.adapter.connection_table(endpoint.base_url),
                "connector": cls.name,
                "writes": writes,
                "allow_private_network": endpoint.private,
                "allow_insecure_http": endpoint.private,
            }
            config = parse_connection("conformance", table, cls.config_model)
            connector = cls(config, endpoint.session_factory(), clock=clock)
            made.append(connector)
            return connector

        yield make
        for connector in made:
            connector.close()

    # -- the checks ------------------------------------------------------------------------

    def test_auth_failure_is_a_clear_error(self, connector_factory: ConnectorFactory) -> None:
        """Refused credentials raise a one-line AuthError/ConfigError and check() says so."""
        connector = connector_factory(valid=False)
        with pytest.raises((AuthError, ConfigError)) as raised:
            read_stream(connector, self.adapter.stream)
        texts = [str(raised.value), repr(raised.value)]
        assert texts[0].strip() and "\n" not in texts[0], f"not one line: {texts[0]!r}"
        check = connector.check()
        assert check.auth.ok is False, check
        texts.append(check.auth.message)
        self._assert_no_secret(texts)

    def test_paging_reaches_the_end(
        self, connector_factory: ConnectorFactory, emulator: Emulator, endpoint: EmulatorEndpoint
    ) -> None:
        """Every seeded record is read once, across at least three pages."""
        seeded = self.adapter.seed(emulator, PAGES * self.adapter.page_size + 1)
        endpoint.control.clear_requests()
        records, quarantined, _ = read_stream(connector_factory(), self.adapter.stream)
        ids = [r.platform_id for r in records]
        assert not quarantined
        assert set(seeded) <= set(ids)
        assert len(ids) == len(set(ids)), "a record was handed over twice"
        pages = [e for e in endpoint.control.requests() if e["method"] == "GET" and e["status"] == 200]
        assert len(pages) >= PAGES + 1, f"{len(pages)} list requests for {len(seeded)} records"

    def test_incremental_read_returns_only_the_change(
        self, connector_factory: ConnectorFactory, emulator: Emulator, clock: FakeClock
    ) -> None:
        """From the saved cursor, a read returns exactly the record changed since.

        A stream with a ``lag`` re-reads the records of its lag window on purpose; for it, the
        read must hold the change and otherwise only records it already handed over, unchanged.
        """
        seeded = self.adapter.seed(emulator, 2 * self.adapter.page_size)
        connector = connector_factory()
        first, _, cursor = read_stream(connector, self.adapter.stream)
        assert cursor.value is not None, "the stream's cursor did not move"
        known = {r.platform_id: r.content_hash for r in first}
        clock.advance(60)
        changed = seeded[len(seeded) // 2]
        self.adapter.modify(emulator, changed)
        clock.advance(1)
        records, quarantined, after = read_stream(connector, self.adapter.stream, cursor.to_json())
        assert not quarantined
        assert [r.platform_id for r in records if known.get(r.platform_id) != r.content_hash] == [changed]
        again, _, _ = read_stream(connector, self.adapter.stream, after.to_json())
        if connector.stream(self.adapter.stream).lag:
            latest = known | {r.platform_id: r.content_hash for r in records}
            assert all(latest.get(r.platform_id) == r.content_hash for r in again), "a re-read record changed"
            return
        assert [r.platform_id for r in records] == [changed]
        assert again == [], "an unchanged platform gave records on the next read"

    def test_malformed_record_is_quarantined_and_siblings_pass(
        self, connector_factory: ConnectorFactory, emulator: Emulator, endpoint: EmulatorEndpoint
    ) -> None:
        """One corrupted record is set aside with a reason; every other record still arrives."""
        seeded = self.adapter.seed(emulator, self.adapter.page_size * 2)
        endpoint.control.add_faults({"kind": "malformed", "count": 1})
        records, quarantined, _ = read_stream(connector_factory(), self.adapter.stream)
        assert len(quarantined) == 1, quarantined
        assert quarantined[0].reason.strip()
        assert len(set(seeded) - {r.platform_id for r in records}) == 1

    def test_same_write_twice_changes_the_platform_once(
        self,
        connector_factory: ConnectorFactory,
        emulator: Emulator,
        endpoint: EmulatorEndpoint,
        clock: FakeClock,
    ) -> None:
        """Applying one write twice leaves the platform as the first application left it."""
        cls = self.adapter.connector_cls
        if cls.read_only is True:  # declared on the class (a property object is not True)
            pytest.skip(f"{cls.name} is read-only: {cls.read_only_reason}")
        self.adapter.seed(emulator, 2)
        connector = connector_factory(writes=True)
        if connector.read_only:  # per instance: a connector may learn it from the platform
            pytest.skip(f"{connector.name} is read-only: {connector.read_only_reason}")
        records, _, _ = read_stream(connector, self.adapter.stream)
        op = self.adapter.write_op(connector, records[0])
        if op is None:
            pytest.skip(f"{type(self.adapter).__name__} names no write to try")
        before = endpoint.control.state()
        first = connector.apply(op)
        assert first.ok, first
        after_first = endpoint.control.state()
        clock.advance(5)  # a repeated write would now leave a new modification time behind
        second = connector.apply(op)
        assert second.ok, second
        assert after_first != before, "the first write changed nothing"
        assert endpoint.control.state() == after_first, "the second write changed the platform again"

    def test_429_and_503_are_survived(
        self,
        connector_factory: ConnectorFactory,
        emulator: Emulator,
        endpoint: EmulatorEndpoint,
        clock: FakeClock,
    ) -> None:
        """Throttling and an outage answer with Retry-After; the read waits (on the fake clock) and completes."""
        seeded = self.adapter.seed(emulator, self.adapter.page_size * 2)
        endpoint.control.add_faults(
            {"kind": "429", "count": 1, "retry_after": 7}, {"kind": "503", "count": 1, "retry_after": 11}
        )
        started = time.monotonic()
        records, _, _ = read_stream(connector_factory(), self.adapter.stream)
        assert set(seeded) <= {r.platform_id for r in records}
        statuses = [e["status"] for e in endpoint.control.requests()]
        assert 429 in statuses and 503 in statuses
        assert any(wait >= 7 for wait in clock.sleeps) and any(wait >= 11 for wait in clock.sleeps)
        assert time.monotonic() - started < 5, "waited in real time"

    def test_no_secret_in_logs(
        self,
        connector_factory: ConnectorFactory,
        emulator: Emulator,
        endpoint: EmulatorEndpoint,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """At DEBUG, nothing logged (nor the emulator's request log) holds a credential."""
        caplog.set_level(logging.DEBUG)
        self.adapter.seed(emulator, self.adapter.page_size + 1)
        connector = connector_factory(writes=True)
        connector.check()
        records, _, _ = read_stream(connector, self.adapter.stream)
        op = None if connector.read_only else self.adapter.write_op(connector, records[0])
        if op is not None:
            connector.apply(op)
        with pytest.raises((AuthError, ConfigError)):
            read_stream(connector_factory(valid=False), self.adapter.stream)
        assert caplog.records, "nothing was logged at DEBUG"
        texts = [caplog.text, json.dumps(endpoint.control.requests())]
        assert endpoint.transport.credentials, "no credential crossed the wire"
        self._assert_no_secret(texts, extra=endpoint.transport.credentials)

    # -- helpers ---------------------------------------------------------------------------

    def _assert_no_secret(self, texts: list[str], extra: set[str] | None = None) -> None:
        secrets = {s for s in (*self.adapter.secrets(), *self._refused_secrets(), *(extra or ())) if s}
        for text in texts:
            for secret in secrets:
                assert secret not in text, f"a credential ({len(secret)} characters) leaked"

    def _refused_secrets(self) -> list[str]:
        """The refused values of the variables that hold secrets (they are secrets too)."""
        valid = self.adapter.credentials_env(valid=True)
        refused = self.adapter.credentials_env(valid=False)
        secret_names = {name for name, value in valid.items() if value in self.adapter.secrets()}
        return [value for name, value in refused.items() if name in secret_names]


__all__ = ["ConnectorConformance", "read_stream"]
