"""Run an emulator as a real HTTP server on loopback (tests, demos, ``coisync sandbox serve``)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from coisync.sandbox.emulator.base import Emulator

log = logging.getLogger("coisync.sandbox.emulator.server")


class _EmulatorRequestHandler(WSGIRequestHandler):
    """Closes the socket when the app drops the connection, and logs to ``logging``, not stderr."""

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        self.close_connection = True

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug("%s " + message, self.address_string(), *args)


@dataclass
class RunningServer:
    """A started emulator server.

    Attributes:
        emulator: The emulator being served.
        host: The bound host.
        port: The bound port (the real one when 0 was asked for).
    """

    emulator: Emulator
    host: str
    port: int
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:49152``."""
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`shutdown` (used by the CLI's foreground mode)."""
        self._server.serve_forever()

    def shutdown(self) -> None:
        """Stop serving, close the socket and join the serving thread."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()


def serve(
    emulator: Emulator, host: str = "127.0.0.1", port: int = 0, *, background: bool = True
) -> RunningServer:
    """Bind a threaded werkzeug server to ``host:port`` and serve ``emulator``.

    Args:
        emulator: The emulator to serve.
        host: The interface to bind; loopback by default.
        port: The port; 0 picks a free one (read it back from :attr:`RunningServer.port`).
        background: Serve from a daemon thread (the default); with ``False`` the caller runs
            :meth:`RunningServer.serve_forever` itself.

    Returns:
        The running server; call :meth:`RunningServer.shutdown` (or use it as a context manager).
    """
    server = make_server(
        host, port, emulator.wsgi_app, threaded=True, request_handler=_EmulatorRequestHandler
    )
    running = RunningServer(emulator, host, server.server_port, server)
    if background:
        thread = threading.Thread(target=server.serve_forever, name=f"emulator-{emulator.name}", daemon=True)
        thread.start()
        running._thread = thread
    return running
