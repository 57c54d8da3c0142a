"""What the sync engine's tests share: a Procore portfolio, the engine wired to an emulator, and snapshots.

Two ways to run a sync:

* :class:`InProcessRig`: the engine in the test process, the emulator behind an in-process
  transport on a :class:`~coisync.http.FakeClock` the emulator shares (rate limits and
  ``Retry-After`` cost no real time), every exchange logged with its clock time and headers;
* :class:`ServedRig`: the emulator served on loopback on the real clock, and ``coisync sync``
  run through the CLI, in this process or in a forked child that a crash point may SIGKILL.

Snapshots compare runs: :func:`store_snapshot` (canonical tables, refs, verdicts, cursors) and
:func:`platform_snapshot` (what the emulator holds, timestamps left out); :class:`WriteCounter`
counts the changes the emulator applied per insurance.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx
import sqlalchemy as sa
from coisync_procore.emulator import ProcoreEmulator, ProcoreSettings

from coisync.http import FakeClock, HttpConfig, HttpSession
from coisync.portfolio import load_portfolio_settings
from coisync.sandbox.emulator import EmulatorTransport, RunningServer, iso_utc, serve
from coisync.store import open_store, schema
from coisync.sync import tables
from coisync.sync.engine import SyncEngine, SyncOptions
from coisync.sync.settings import load_sync_settings
from coisync.sync.summary import RunSummary

PARENT_LOCK = threading.RLock()
"""Held by test threads around forking and around their own store and emulator reads."""
COMPANY_ID = 4_264_917
CLIENT_ID, CLIENT_SECRET = "coisync-sync-tests", "coisync-sync-tests-secret-7d1e"
AS_OF = date(2026, 1, 15)
"""The day every test run judges on (the emulator's fake clock starts 2026-01-01)."""
VENDOR_BASE, INSURANCE_BASE = 3_000_000, 5_000_000
PUBLIC_ADDRESS = "93.184.216.34"

LINE_TYPES = (
    ("General Liability", "1000000.0"),
    ("Automobile Liability", "1000000.0"),
    ("Workers Compensation", "500000.0"),
    ("Umbrella Liability", "5000000.0"),
)
EXPIRATIONS = ("2025-12-31", "2026-02-01", "2026-12-31", "2027-03-31")
"""Expired, expiring and in-force lines, as of :data:`AS_OF`."""


def portfolio(vendors: int, lines: int, *, now: float, tie_every: int = 0) -> dict[str, Any]:
    """``vendors`` vendors with ``lines`` insurances each, ids fixed, updated before ``now``.

    Args:
        vendors: How many vendors.
        lines: Insurances per vendor.
        now: The emulator clock's time; every record was updated in the day before it.
        tie_every: When set, that many consecutive insurances share one ``updated_at``.
    """
    day = now - 86_400
    seed: dict[str, Any] = {
        "company": {"id": COMPANY_ID, "name": "Harbor Point Properties"},
        "vendors": [
            {
                "id": VENDOR_BASE + v,
                "name": f"Vendor {v:05d} LLC",
                "email_address": f"coi{v}@vendor.example",
                "updated_at": iso_utc(day + v),
            }
            for v in range(vendors)
        ],
        "insurances": [],
    }
    for v in range(vendors):
        for n in range(lines):
            index = v * lines + n
            kind, limit = LINE_TYPES[(v + n) % len(LINE_TYPES)]
            stamp = day + 3_600 + (index // tie_every if tie_every else index)
            seed["insurances"].append(
                {
                    "id": INSURANCE_BASE + index,
                    "vendor_id": VENDOR_BASE + v,
                    "insurance_type": kind,
                    "insurance_provider": f"Carrier {index % 7}",
                    "policy_number": f"P-{v}-{n}",
                    "effective_date": "2025-02-01",
                    "expiration_date": EXPIRATIONS[index % len(EXPIRATIONS)],
                    "limit": limit,
                    "status": "undecided",
                    "updated_at": iso_utc(stamp),
                }
            )
    return seed


def secret_file(directory: Path) -> Path:
    """The client secret in a file beside the config (``$file`` references it)."""
    path = directory / "procore-secret"
    path.write_text(CLIENT_SECRET + "\n", encoding="utf-8")
    return path


def connection_table(base_url: str, *, writes: bool | None = True, **extra: Any) -> dict[str, Any]:
    """A ``[connections.procore]`` table for the emulator at ``base_url``."""
    table: dict[str, Any] = {
        "connector": "procore",
        "base_url": base_url,
        "company_id": COMPANY_ID,
        "credentials": {"client_id": CLIENT_ID, "client_secret": {"$file": "procore-secret"}},
        **extra,
    }
    if writes is not None:
        table["writes"] = writes
    return table


# ---------------------------------------------------------------------------------- in process


@dataclass
class Exchange:
    """One HTTP exchange as the client saw it, on the shared fake clock."""

    sent: float
    method: str
    path: str
    status: int
    headers: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)


class LoggingTransport(httpx.BaseTransport):
    """Passes requests to the emulator and logs when each was sent and what came back.

    Each exchange takes ``latency`` seconds of the fake clock, so records written one after
    the other get different ``updated_at`` stamps, as they do on a real platform.
    """

    def __init__(self, inner: httpx.BaseTransport, clock: FakeClock, latency: float = 0.25) -> None:
        self.inner = inner
        self.clock = clock
        self.latency = latency
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send and log one request."""
        sent = self.clock.now()
        query = dict(request.url.params)
        self.clock.advance(self.latency)
        try:
            response = self.inner.handle_request(request)
        except httpx.TransportError:
            self.exchanges.append(Exchange(sent, request.method, request.url.path, 0, {}, query))
            raise
        self.exchanges.append(
            Exchange(
                sent, request.method, request.url.path, response.status_code, dict(response.headers), query
            )
        )
        return response


@dataclass
class InProcessRig:
    """The sync engine against an in-process Procore emulator on a shared fake clock."""

    directory: Path
    clock: FakeClock = field(default_factory=FakeClock)
    settings: ProcoreSettings = field(default_factory=ProcoreSettings)
    sync: dict[str, Any] = field(default_factory=lambda: {"max_write_fraction": 1.0})
    connection: dict[str, Any] = field(default_factory=dict)
    writes: bool | None = True

    def __post_init__(self) -> None:
        self.emulator = ProcoreEmulator(
            self.directory / "procore",
            self.clock,
            seed=11,
            credentials={CLIENT_ID: CLIENT_SECRET},
            settings=self.settings,
        )
        self.transport = LoggingTransport(EmulatorTransport(self.emulator), self.clock)
        self.db_url = f"sqlite:///{self.directory / 'coisync.db'}"
        self.config_path = self.directory / "coisync.toml"
        secret_file(self.directory)
        self.counter = WriteCounter(self.emulator)

    def seed(self, vendors: int, lines: int, **options: Any) -> dict[str, list[int]]:
        """Seed :func:`portfolio` into the emulator."""
        return self.emulator.seed(portfolio(vendors, lines, now=self.clock.now(), **options))

    @property
    def config(self) -> dict[str, Any]:
        """The parsed coisync.toml the engine sees."""
        table = connection_table("https://procore.emulator.test", writes=self.writes, **self.connection)
        return {"connections": {"procore": table}, "sync": dict(self.sync)}

    def session(
        self,
        config: HttpConfig,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> HttpSession:
        """The session factory: the logging transport, the fake clock, a made-up public address."""
        return HttpSession(
            config,
            auth=auth,
            headers=headers,
            name=name,
            clock=self.clock,
            transport=self.transport,
            resolver=lambda host, port: [PUBLIC_ADDRESS],
        )

    def engine(self) -> tuple[SyncEngine, Callable[[], None]]:
        """A sync engine on a freshly opened store, and the function that closes the store."""
        store = open_store(self.db_url)
        config = self.config
        engine = SyncEngine(
            store,
            config,
            self.config_path,
            load_portfolio_settings(config, self.directory),
            load_sync_settings(config),
            session_factory=self.session,
        )
        return engine, store.close

    def run(self, **options: Any) -> RunSummary:
        """One ``coisync sync`` run (judged on :data:`AS_OF` unless told otherwise)."""
        engine, close = self.engine()
        try:
            return engine.run(SyncOptions(**{"as_of": AS_OF, **options}))
        finally:
            close()

    def requests_since(self, mark: int) -> list[Exchange]:
        """The exchanges after the first ``mark`` ones."""
        return self.transport.exchanges[mark:]


# ---------------------------------------------------------------------------------- served


@dataclass
class ServedRig:
    """The emulator on loopback (real clock) and a coisync.toml pointing at it."""

    directory: Path
    sync: dict[str, Any] = field(default_factory=lambda: {"max_write_fraction": 1.0})
    writes: bool | None = True
    settings: ProcoreSettings = field(default_factory=ProcoreSettings)
    server: RunningServer | None = None

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.emulator = ProcoreEmulator(
            self.directory / "procore",
            seed=11,
            credentials={CLIENT_ID: CLIENT_SECRET},
            settings=self.settings,
        )
        self.counter = WriteCounter(self.emulator)
        self.db_path = self.directory / "coisync.db"
        self.db_url = f"sqlite:///{self.db_path}"
        self.config_path = self.directory / "coisync.toml"
        secret_file(self.directory)

    def seed(self, vendors: int, lines: int, *, now: float | None = None, **options: Any) -> None:
        """Seed :func:`portfolio` into the emulator (stamped before ``now``, default the clock's)."""
        stamp = self.emulator.clock.now() if now is None else now
        with PARENT_LOCK:
            self.emulator.seed(portfolio(vendors, lines, now=stamp, **options))

    def start(self) -> str:
        """Serve the emulator and write the config; returns the base URL."""
        self.server = serve(self.emulator)
        table = connection_table(
            self.server.url, writes=self.writes, allow_private_network=True, allow_insecure_http=True
        )
        self.config_path.write_text(
            to_toml({"connections": {"procore": table}, "sync": self.sync}), encoding="utf-8"
        )
        return self.server.url

    def stop(self) -> None:
        """Stop serving."""
        if self.server is not None:
            self.server.shutdown()
            self.server = None

    def args(self, *extra: str) -> list[str]:
        """``coisync --config ... --db ... sync --as-of ... <extra>``."""
        return [
            "--config",
            str(self.config_path),
            "--db",
            self.db_url,
            "-q",
            "sync",
            "--as-of",
            AS_OF.isoformat(),
            *extra,
        ]


def to_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    """A small TOML writer for the configs these tests need (tables, strings, numbers, booleans)."""
    lines: list[str] = []
    tables_: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, Mapping) and not _inline(value):
            tables_.append((f"{prefix}{key}", value))
        else:
            lines.append(f"{key} = {_value(value)}")
    text = ("\n".join(lines) + "\n") if lines else ""
    for name, table in tables_:
        body = to_toml(table, f"{name}.")
        text += f"\n[{name}]\n{body}"
    return text


def _inline(value: Mapping[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)).startswith("$")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f'"{k}" = {_value(v)}' for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def cli(args: list[str]) -> int:
    """Run the coisync CLI in this process; returns its exit code."""
    from coisync.cli import main

    try:
        main(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def cli_forked(args: list[str], env: Mapping[str, str] | None = None, output: Path | None = None) -> int:
    """Run the coisync CLI in a forked child (so a crash point can SIGKILL it).

    Args:
        args: The command line.
        env: Extra environment variables for the child.
        output: Where the child's stdout and stderr go (appended); discarded when None.

    Returns:
        The exit code, or minus the signal number that ended the child.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    with PARENT_LOCK:  # no other thread of ours is inside a library lock while we fork
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 70
        try:
            os.environ.update(env or {})
            sink = os.open(output or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(sink, 1)
            os.dup2(sink, 2)
            try:
                code = cli(args)
            except BaseException:
                import traceback

                traceback.print_exc()
                raise
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


# ---------------------------------------------------------------------------------- snapshots


F = TypeVar("F", bound=Callable[..., Any])


def _locked(function: F) -> F:
    @functools.wraps(function)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with PARENT_LOCK:
            return function(*args, **kwargs)

    return cast(F, locked)


class WriteCounter:
    """Counts the insurance changes the emulator applied (create, update, sync items), per record."""

    def __init__(self, emulator: ProcoreEmulator) -> None:
        self.counts: Counter[str] = Counter()
        writer = emulator.insurances.writer
        update, create = writer.update, writer.create

        def counted_update(state: dict[str, Any], scope: Any, record: dict[str, Any], *rest: Any) -> Any:
            outcome = update(state, scope, record, *rest)
            if outcome.record is not None:
                self.counts[str(outcome.record["id"])] += 1
            return outcome

        def counted_create(*args: Any) -> Any:
            outcome = create(*args)
            if outcome.record is not None:
                self.counts[str(outcome.record["id"])] += 1
            return outcome

        writer.update = counted_update  # type: ignore[method-assign]
        writer.create = counted_create  # type: ignore[method-assign]

    @property
    def total(self) -> int:
        """Every applied change."""
        return sum(self.counts.values())


@_locked
def platform_snapshot(emulator: ProcoreEmulator) -> dict[str, dict[str, Any]]:
    """Every vendor and insurance the emulator holds, without timestamps."""
    state = emulator.store.snapshot()
    skip = {"updated_at", "created_at"}
    return {
        f"{kind}:{key}": {k: v for k, v in record.items() if k not in skip}
        for kind in ("vendors", "insurances")
        for key, record in state.get(kind, {}).items()
    }


@_locked
def store_snapshot(db_url: str) -> dict[str, dict[Any, Any]]:
    """The canonical tables, refs, verdicts, open outbox states and cursors of a store."""
    engine = sa.create_engine(db_url)
    snapshot: dict[str, dict[Any, Any]] = {}
    try:
        with engine.connect() as conn:
            for table in (schema.parties, schema.properties, schema.agreements, schema.waivers):
                snapshot[table.name] = {r.id: r.content_hash for r in conn.execute(sa.select(table))}
            for table in (schema.certificates, schema.evidence):
                snapshot[table.name] = {
                    (r.id, r.version): (r.content_hash, bool(r.is_latest))
                    for r in conn.execute(sa.select(table))
                }
            refs = schema.external_refs
            snapshot[refs.name] = {
                (r.connection, r.platform_type, r.platform_id): (r.entity_kind, r.entity_id, r.content_hash)
                for r in conn.execute(sa.select(refs))
            }
            snapshot["verdicts"] = {
                r.party_id: r.content_hash for r in conn.execute(sa.select(tables.verdicts))
            }
            state = schema.sync_state
            # Stream cursors only: the ``@`` rows keep what evaluation and planning last ran on.
            snapshot["sync_state"] = {
                (r.connection, r.stream): r.cursor
                for r in conn.execute(sa.select(state).where(~state.c.stream.startswith("@")))
            }
    finally:
        engine.dispose()
    return snapshot


@_locked
def row_stamps(db_url: str) -> dict[str, dict[Any, Any]]:
    """Every canonical row with its write timestamps: any row write shows up as a difference."""
    engine = sa.create_engine(db_url)
    stamps: dict[str, dict[Any, Any]] = {}
    try:
        with engine.connect() as conn:
            for table in (schema.parties, schema.properties, schema.agreements):
                stamps[table.name] = {
                    r.id: (r.content_hash, r.updated_at) for r in conn.execute(sa.select(table))
                }
            stamps["certificates"] = {
                (r.id, r.version): (r.content_hash, r.is_latest)
                for r in conn.execute(sa.select(schema.certificates))
            }
            refs = schema.external_refs
            stamps[refs.name] = {
                (r.connection, r.platform_type, r.platform_id): (r.content_hash, r.last_known, r.updated_at)
                for r in conn.execute(sa.select(refs))
            }
            stamps["verdicts"] = {
                r.party_id: (r.content_hash, r.evaluated_at) for r in conn.execute(sa.select(tables.verdicts))
            }
            stamps["outbox"] = {r.op_id: r.state for r in conn.execute(sa.select(tables.outbox))}
    finally:
        engine.dispose()
    return stamps


@_locked
def outbox_states(db_url: str) -> Counter[str]:
    """How many outbox rows are in each state."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return Counter(r.state for r in conn.execute(sa.select(tables.outbox.c.state)))
    finally:
        engine.dispose()


@contextmanager
def served(rig: ServedRig) -> Iterator[ServedRig]:
    """Serve ``rig``'s emulator for the block."""
    rig.start()
    try:
        yield rig
    finally:
        rig.stop()


def write_requests(exchanges: list[Exchange]) -> list[Exchange]:
    """The exchanges that wrote (anything but GET and the token request)."""
    return [e for e in exchanges if e.method != "GET" and e.path != "/oauth/token"]


def outbox_rows(db_url: str) -> int:
    """How many outbox rows a store holds (0 before its first run)."""
    return sum(outbox_states(db_url).values()) if Path(db_url.removeprefix("sqlite:///")).exists() else 0
