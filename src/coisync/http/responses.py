"""Reading responses safely: the size cap, JSON decoding, and status-to-error mapping."""

from __future__ import annotations

import json
from typing import Any

import httpx

from coisync import jsontext
from coisync.http.errors import (
    AuthError,
    ConflictError,
    HttpError,
    InvalidResponseError,
    NotFoundError,
    PreconditionFailedError,
    ResponseTooLargeError,
    ServerError,
)
from coisync.http.redaction import Redactor

EXCERPT_SOURCE_CHARS = 4000
"""Characters of a body handed to the redactor for an error excerpt (it keeps ~300)."""

_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

_STATUS_ERRORS: dict[int, tuple[type[HttpError], str]] = {
    401: (
        AuthError,
        "the platform refused the credentials (HTTP 401); check the connection's secrets "
        "(they are never shown in messages)",
    ),
    403: (AuthError, "the credentials are valid but not allowed to do this (HTTP 403)"),
    404: (NotFoundError, "not found (HTTP 404)"),
    409: (ConflictError, "conflict with the platform's data (HTTP 409)"),
    412: (PreconditionFailedError, "the record changed since it was read (HTTP 412)"),
}


def read_capped(response: httpx.Response, max_bytes: int, redactor: Redactor) -> httpx.Response:
    """Read a streamed response, refusing bodies over ``max_bytes``; return a loaded copy.

    The body is decompressed as it streams and counted after decompression, so a small
    compressed body cannot expand past the cap. The returned response holds the decoded
    body, without the ``Content-Encoding`` and ``Content-Length`` headers of the wire form.

    Raises:
        ResponseTooLargeError: The declared or actual body size exceeds ``max_bytes``.
        httpx.TransportError: The connection failed while the body was read.
    """
    request = response.request
    declared = response.headers.get("Content-Length", "")
    encoded = "content-encoding" in response.headers
    if declared.isdigit() and not encoded and int(declared) > max_bytes:
        raise _too_large(request, response.status_code, max_bytes, redactor)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(request, response.status_code, max_bytes, redactor)
        chunks.append(chunk)
    headers = [
        (key, value) for key, value in response.headers.multi_items() if key.lower() not in _DROPPED_HEADERS
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=b"".join(chunks),
        request=request,
        extensions=response.extensions,
        history=response.history,
    )


def _too_large(
    request: httpx.Request, status: int, max_bytes: int, redactor: Redactor
) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the response body is larger than the {max_bytes}-byte cap (max_response_bytes)",
        method=request.method,
        url=str(request.url),
        status=status,
        redactor=redactor,
    )


def decode_body(response: httpx.Response, redactor: Redactor | None = None) -> Any:
    """Decode a loaded response's JSON body; an empty body is ``None``.

    Raises:
        InvalidResponseError: The body is not JSON (e.g. an HTML error page with status 200).
    """
    content = response.content
    if not content.strip():
        return None
    try:
        return jsontext.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidResponseError(
            "the response body is not valid JSON",
            method=response.request.method,
            url=str(response.request.url),
            status=response.status_code,
            body_excerpt=response.text[:EXCERPT_SOURCE_CHARS],
            redactor=redactor,
        ) from None


def status_error(response: httpx.Response, redactor: Redactor) -> HttpError:
    """The error for a response classified as a failure, named after its status."""
    status = response.status_code
    default_cls = ServerError if status >= 500 else HttpError
    cls, message = _STATUS_ERRORS.get(status, (default_cls, f"the request failed (HTTP {status})"))
    return cls(
        message,
        method=response.request.method,
        url=str(response.request.url),
        status=status,
        body_excerpt=response.text[:EXCERPT_SOURCE_CHARS],
        redactor=redactor,
    )
