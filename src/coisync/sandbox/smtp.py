"""A local SMTP sink: every message a follow-up channel sends lands as an ``.eml`` file.

The sink listens on loopback (aiosmtpd's threaded ``Controller``), accepts any sender and
recipient, and writes each message to ``<dir>/mail/<seq>-<recipient>.eml`` with the envelope
in ``X-Sandbox-Mail-From`` / ``X-Sandbox-Rcpt-To`` headers, so tests and the demo can read
exactly what would have been mailed. Nothing is ever relayed.
"""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]+")


class _SaveToDirectory:
    """aiosmtpd handler that writes each accepted message to a file."""

    def __init__(self, mail_dir: Path) -> None:
        self.mail_dir = mail_dir
        self._lock = threading.Lock()
        self._seq = len(list(mail_dir.glob("*.eml")))

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode("utf-8")
        rcpts = ", ".join(envelope.rcpt_tos)
        header = f"X-Sandbox-Mail-From: {envelope.mail_from}\r\nX-Sandbox-Rcpt-To: {rcpts}\r\n".encode()
        first = _UNSAFE.sub("_", envelope.rcpt_tos[0] if envelope.rcpt_tos else "unknown")[:80]
        with self._lock:
            self._seq += 1
            path = self.mail_dir / f"{self._seq:06d}-{first}.eml"
        tmp = path.with_suffix(".part")
        tmp.write_bytes(header + data)
        tmp.replace(path)
        return "250 Message accepted for delivery"


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpSink:
    """A loopback SMTP server that saves messages under ``<directory>/mail/``.

    Args:
        directory: The sandbox directory; messages go to its ``mail`` subdirectory.
        host: The interface to bind (loopback by default).
        port: The port; 0 picks a free one.
    """

    def __init__(self, directory: Path | str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.mail_dir = Path(directory) / "mail"
        self.host = host
        self.port = port
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        """Start listening; returns ``self`` (the bound port is in :attr:`port`)."""
        if self._controller is not None:
            return self
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        if self.port == 0:
            self.port = _free_port(self.host)
        controller = Controller(_SaveToDirectory(self.mail_dir), hostname=self.host, port=self.port)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        """Stop listening (saved messages stay)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        """Whether the sink is listening."""
        return self._controller is not None

    def messages(self) -> list[Path]:
        """The saved ``.eml`` files, oldest first."""
        return sorted(self.mail_dir.glob("*.eml"))

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
