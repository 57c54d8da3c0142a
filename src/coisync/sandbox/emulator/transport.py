"""An in-process httpx transport for an emulator, with network-like failure semantics.

``httpx.WSGITransport`` re-raises whatever the app raises; this wrapper turns the emulator's
:class:`~coisync.sandbox.emulator.base.ConnectionDropped` into ``httpx.RemoteProtocolError``, which
is what a client sees when a real server closes the connection without answering.
"""

from __future__ import annotations

import httpx

from coisync.sandbox.emulator.base import ConnectionDropped, Emulator


class EmulatorTransport(httpx.BaseTransport):
    """Serve httpx requests from an emulator in the same process.

    Args:
        emulator: The emulator to call.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._inner = httpx.WSGITransport(app=emulator.wsgi_app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request to the emulator; a dropped connection raises ``RemoteProtocolError``."""
        try:
            return self._inner.handle_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from exc
