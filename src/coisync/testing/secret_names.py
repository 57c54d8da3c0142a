"""Which header, parameter and JSON-key names hold secrets (shared by the kit's checks and cassettes)."""

from __future__ import annotations

import re

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-client-secret"}
)
SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|authori[sz]ation|cookie|credential|signature|client_id|^code$)",
    re.IGNORECASE,
)
PUBLIC_KEYS = frozenset({"token_type", "expires_in", "token_url"})
"""Keys the secret pattern matches that hold no secret."""


def is_secret_key(name: str) -> bool:
    """Whether a header, parameter or JSON key names a secret (``token_type`` does not)."""
    return bool(SECRET_KEY.search(name)) and name.lower() not in PUBLIC_KEYS


__all__ = ["PUBLIC_KEYS", "SECRET_HEADERS", "SECRET_KEY", "is_secret_key"]
