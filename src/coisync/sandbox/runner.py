"""Start and stop a sandbox: emulators on loopback, the SMTP sink, the config, the pid file.

:class:`SandboxServer` runs everything in the current process (``coisync sandbox up`` in the
foreground and ``coisync sandbox serve-all``, which ``up --detach`` starts as a child process in
its own session). An emulator's state directory is seeded from the scenario the first time only,
so what coisync wrote survives ``down`` and ``up``; :func:`wipe_emulator_state` forgets it.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from coisync.errors import TemporaryError, UsageError
from coisync.sandbox.config_writer import ServedConnection, write_config
from coisync.sandbox.emulator import RunningServer, serve
from coisync.sandbox.layout import (
    EMULATORS_DIR,
    LOG_FILE,
    PID_FILE,
    SEEDED_MARKER,
    STATE_FILE,
    SandboxSettings,
    read_json,
    running_pid,
    write_json,
)
from coisync.sandbox.plugins import RegisteredEmulator, SandboxEmulator
from coisync.sandbox.scenario import Scenario, build_scenario
from coisync.sandbox.smtp import SmtpSink
from coisync.sandbox.views import platform_view

log = logging.getLogger("coisync.sandbox")

READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def _bind(entry: RegisteredEmulator, emulator: Any, port: int, exact: bool) -> RunningServer:
    if port:
        try:
            return serve(emulator, "127.0.0.1", port)
        except OSError as exc:
            if exact:
                raise UsageError(f"port {port} is not free ({exc.strerror}); choose another --port") from None
            log.info("port %s for %s is taken; using a free one", port, entry.name)
    return serve(emulator, "127.0.0.1", 0)


class SandboxServer:
    """Every selected emulator plus the SMTP sink, serving ``directory``.

    Args:
        directory: The sandbox directory.
        settings: The scenario parameters.
        emulators: The emulators to serve.
        smtp: Whether to run the SMTP sink.
        write_configuration: Whether to (re)write ``DIR/coisync.toml``.
    """

    def __init__(
        self,
        directory: Path,
        settings: SandboxSettings,
        emulators: Sequence[RegisteredEmulator],
        *,
        smtp: bool = True,
        write_configuration: bool = True,
    ) -> None:
        self.directory = directory
        self.settings = settings
        self.emulators = list(emulators)
        self.smtp = SmtpSink(directory) if smtp else None
        self.write_configuration = write_configuration
        self.servers: dict[str, RunningServer] = {}
        self._scenario: Scenario | None = None

    def scenario(self) -> Scenario:
        """The scenario (built on first use)."""
        if self._scenario is None:
            s = self.settings
            self._scenario = build_scenario(s.seed, s.size, s.as_of)
        return self._scenario

    def start(self, ports: dict[str, int] | None = None, *, exact: bool = False) -> dict[str, Any]:
        """Seed fresh emulators, bind them, start the sink, write the config and the state file.

        Args:
            ports: Preferred port per emulator (default: the previous run's).
            exact: Refuse a taken port instead of falling back to a free one.

        Returns:
            The state written to ``DIR/sandbox.json``.
        """
        previous = read_json(self.directory / STATE_FILE) or {}
        wanted = ports or {n: int(e.get("port", 0)) for n, e in previous.get("emulators", {}).items()}
        served: list[ServedConnection] = []
        described: dict[str, Any] = {}
        try:
            for entry in self.emulators:
                state_dir = self.directory / EMULATORS_DIR / entry.name
                state_dir.mkdir(parents=True, exist_ok=True)
                emulator = entry.create(state_dir, self.settings.seed)
                factory = entry.factory
                seeded = (state_dir / SEEDED_MARKER).exists()
                if isinstance(factory, SandboxEmulator) and not seeded:
                    factory.seed_from_scenario(emulator, platform_view(self.scenario(), entry.platform))
                    (state_dir / SEEDED_MARKER).write_text(
                        self.settings.as_of.isoformat() + "\n", encoding="utf-8"
                    )
                    seeded = True
                server = _bind(entry, emulator, wanted.get(entry.name, 0), exact)
                self.servers[entry.name] = server
                connector = str(getattr(factory, "connector", entry.name))
                if isinstance(factory, SandboxEmulator):
                    served.append(
                        ServedConnection(
                            entry.name,
                            connector,
                            server.url,
                            factory.sandbox_connection(emulator, server.url),
                        )
                    )
                described[entry.name] = {
                    "url": server.url,
                    "port": server.port,
                    "connector": connector,
                    "platform": entry.platform,
                    "plugin": entry.plugin,
                    "seeded": seeded,
                }
            smtp_address = None
            if self.smtp is not None:
                self.smtp.start()
                smtp_address = f"{self.smtp.host}:{self.smtp.port}"
            if self.write_configuration:
                write_config(self.directory, served, smtp_address)
        except BaseException:
            self.stop()
            raise
        state = {
            "pid": os.getpid(),
            "ready": True,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "settings": self.settings.as_dict(),
            "emulators": described,
            "smtp": smtp_address,
            "config": str(self.directory / "coisync.toml") if self.write_configuration else None,
        }
        write_json(self.directory / STATE_FILE, state)
        (self.directory / PID_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")
        return state

    def stop(self) -> None:
        """Stop everything; emulator state and mail stay on disk."""
        for server in self.servers.values():
            server.shutdown()
        self.servers.clear()
        if self.smtp is not None:
            self.smtp.stop()
        pid_path = self.directory / PID_FILE
        if running_pid(self.directory) == os.getpid():
            pid_path.unlink(missing_ok=True)
        state = read_json(self.directory / STATE_FILE)
        if state is not None and state.get("pid") == os.getpid():
            state["ready"] = False
            write_json(self.directory / STATE_FILE, state)

    def serve_until_signalled(
        self, on_ready: Any = None, ports: dict[str, int] | None = None, *, exact: bool = False
    ) -> None:
        """Start (see :meth:`start`), call ``on_ready(state)``, serve until SIGINT or SIGTERM; then stop."""
        stop = threading.Event()

        def handle(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            state = self.start(ports, exact=exact)
            if on_ready is not None:
                on_ready(state)
            while not stop.wait(0.5):
                pass
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def start_detached(
    directory: Path, only: Sequence[str] = (), timeout: float = READY_TIMEOUT
) -> dict[str, Any]:
    """Start ``coisync sandbox serve-all`` in its own session and wait until it is ready.

    Returns:
        The running sandbox's state.

    Raises:
        TemporaryError: The child exited or was not ready in time (its log is named).
    """
    command = [sys.executable, "-m", "coisync", "sandbox", "serve-all", "--dir", str(directory)]
    for name in only:
        command += ["--only", name]
    log_path = directory / LOG_FILE
    with log_path.open("ab") as log_file:
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read_json(directory / STATE_FILE)
        if state and state.get("pid") == child.pid and state.get("ready"):
            return state
        if child.poll() is not None:
            raise UsageError(f"the sandbox exited during start-up ({_last_line(log_path)}); see {log_path}")
        time.sleep(0.1)
    raise TemporaryError(f"the sandbox was not ready after {timeout:.0f} s; see {log_path}")


def _last_line(path: Path) -> str:
    try:
        lines = [
            line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()
        ]
    except OSError:
        return "no log"
    return lines[-1][:200] if lines else "no output"


def stop_running(directory: Path, timeout: float = STOP_TIMEOUT) -> int:
    """SIGTERM the sandbox serving ``directory`` and wait for it to exit.

    Returns:
        The pid that was stopped.

    Raises:
        UsageError: No sandbox runs there.
        TemporaryError: It did not exit in time.
    """
    pid = running_pid(directory)
    if pid is None:
        raise UsageError(f"no sandbox running in {directory}; start it with coisync sandbox up --detach")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise TemporaryError(
            f"the sandbox (pid {pid}) did not stop within {timeout:.0f} s; try again or kill {pid}"
        )
    (directory / PID_FILE).unlink(missing_ok=True)
    state = read_json(directory / STATE_FILE)
    if state is not None:
        state["ready"] = False
        write_json(directory / STATE_FILE, state)
    return pid


def wipe_emulator_state(directory: Path) -> list[str]:
    """Delete every emulator's state (they are seeded afresh on the next start); returns their names."""
    root = directory / EMULATORS_DIR
    if not root.is_dir():
        return []
    names = sorted(p.name for p in root.iterdir() if p.is_dir())
    shutil.rmtree(root)
    return names


__all__ = ["SandboxServer", "start_detached", "stop_running", "wipe_emulator_state"]
