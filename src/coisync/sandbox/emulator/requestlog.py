"""The emulator's request log, with secrets redacted at the one place entries are made.

An entry keeps method, path, query, status, time (ISO 8601 and exact Unix seconds) and (for writes) the body; ``Authorization``
headers are never read into it, and any query parameter or body key that names a secret
(password, secret, token, key, authorization, cookie, ...) is replaced by ``"[REDACTED]"``.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request

from coisync.sandbox.emulator.clock import iso_utc

REDACTED = "[REDACTED]"
_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|authori[sz]ation|api[_-]?key|cookie|credential|signature|^code$)",
    re.IGNORECASE,
)
_BODY_LIMIT = 4000


def is_secret_key(key: str) -> bool:
    """Whether a parameter or field name holds a secret that must never be logged."""
    return bool(_SECRET_KEY.search(key))


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with every secret-named key's value replaced."""
    if isinstance(value, dict):
        return {k: (REDACTED if is_secret_key(str(k)) else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def redact_query(query: str) -> str:
    """The query string with secret-named parameters' values replaced."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{k}={REDACTED if is_secret_key(k) else v}" for k, v in pairs)


def _body_for_log(request: Request) -> Any:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    raw = request.get_data(cache=True)
    if not raw:
        return None
    if request.mimetype == "application/x-www-form-urlencoded":
        return redact(dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)))
    try:
        return redact(json.loads(raw))
    except (ValueError, UnicodeDecodeError):
        return f"<{len(raw)} bytes of {request.mimetype or 'unknown type'}>"


class RequestLog:
    """A bounded, thread-safe list of request entries.

    Args:
        limit: How many entries to keep (the oldest are dropped first).
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._seq = 0

    def record(self, request: Request, status: int, now: float, fault: str | None = None) -> dict[str, Any]:
        """Append an entry for ``request``; ``status`` 0 means no response was sent.

        Args:
            request: The request (its Authorization header is never read).
            status: The status sent, or 0 when the connection was dropped.
            now: The emulator-clock time in Unix seconds (kept exact as ``unix`` and as
                ISO 8601 ``time``).
            fault: The injected fault kind, if any.

        Returns:
            The entry as stored.
        """
        body = _body_for_log(request)
        if isinstance(body, (dict, list)):
            text = json.dumps(body, ensure_ascii=False)
            if len(text) > _BODY_LIMIT:
                body = text[:_BODY_LIMIT] + "...(truncated)"
        with self._lock:
            self._seq += 1
            entry: dict[str, Any] = {
                "seq": self._seq,
                "time": iso_utc(now),
                "unix": now,
                "method": request.method,
                "path": request.path,
                "query": redact_query(request.query_string.decode("latin-1")),
                "status": status,
                "fault": fault,
                "body": body,
            }
            self._entries.append(entry)
            return dict(entry)

    def entries(self) -> list[dict[str, Any]]:
        """A copy of every kept entry, oldest first."""
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        """Forget every entry (the sequence number keeps counting)."""
        with self._lock:
            self._entries.clear()
