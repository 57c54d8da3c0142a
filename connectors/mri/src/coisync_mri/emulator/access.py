"""Who may call the emulator: HTTP Basic with MRI's composite user name.

The user name is ``ClientID/Database/UserID/PartnerKey`` and the password separate [CODE: a
third-party client's ``authHeader``]. Any wrong part, a missing header or another scheme gives
the same 401 with an empty body, so a caller cannot tell which part failed [2ND].
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping

from werkzeug.wrappers import Request

from coisync.sandbox.emulator import HttpError

DEMO_CREDENTIALS: dict[str, str] = {"COISYNC/SANDBOX/APIUSER/SANDBOXPARTNERKEY": "sandbox-password"}
"""The web-service user of a fresh emulator when no credentials are given (sandbox only)."""
CHALLENGE = {"WWW-Authenticate": 'Basic realm="MRI API"'}


def authenticate(request: Request, credentials: Mapping[str, str]) -> str:
    """The web-service user id (upper case) of an accepted request.

    Args:
        request: The request.
        credentials: Composite user name to password.

    Raises:
        HttpError: The opaque 401.
    """
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise HttpError(401, headers=CHALLENGE)
    try:
        username, sep, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        username, sep, password = "", "", ""
    parts = username.split("/")
    expected = credentials.get(username)
    accepted = bool(sep) and len(parts) == 4 and all(parts) and expected is not None
    if not accepted or not hmac.compare_digest(str(expected).encode(), password.encode()):
        raise HttpError(401, headers=CHALLENGE)
    return parts[2].upper()


__all__ = ["CHALLENGE", "DEMO_CREDENTIALS", "authenticate"]
