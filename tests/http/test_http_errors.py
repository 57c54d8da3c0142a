"""Error messages: one line for the user, with method, redacted URL, status and excerpt."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from coisync.errors import CoisyncError, ExitCode
from coisync.http import (
    AuthError,
    CircuitOpenError,
    HostNotAllowedError,
    HttpError,
    RateLimitedError,
    Redactor,
    decode_body,
)


def test_http_error_str_and_repr() -> None:
    redactor = Redactor([SecretStr("k3y-value")])
    error = HttpError(
        "conflict with the platform's data (HTTP 409)",
        method="POST",
        url="https://api.example.com/v1/x?api_key=k3y-value&page=1",
        status=409,
        body_excerpt='{"error": "duplicate origin_id", "key": "k3y-value"}',
        redactor=redactor,
    )
    text = str(error)
    assert text.startswith("conflict with the platform's data (HTTP 409) (POST https://api.example.com/v1/x")
    assert "-> 409" in text
    assert "duplicate origin_id" in text
    assert "k3y-value" not in text
    assert "k3y-value" not in repr(error)
    assert repr(error).startswith("HttpError(message=")
    assert error.url == "https://api.example.com/v1/x?api_key=***&page=1"
    assert error.exit_code == ExitCode.USAGE


def test_error_without_request_context_is_just_the_message() -> None:
    assert str(AuthError("Yardi refused the login")) == "Yardi refused the login"


def test_rate_limited_and_circuit_open_carry_their_waits() -> None:
    limited = RateLimitedError("slow down", wait_seconds=120.0, status=429)
    assert limited.wait_seconds == 120.0
    assert limited.exit_code == ExitCode.TEMPORARY
    circuit = CircuitOpenError("open", retry_in=12.5)
    assert circuit.retry_in == 12.5
    assert isinstance(circuit, CoisyncError)


def test_host_not_allowed_names_url_and_reason() -> None:
    error = HostNotAllowedError("https://10.0.0.1/", "non-public address")
    assert str(error) == "refused to connect to https://10.0.0.1/: non-public address"


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", None), (b"  \n", None), (b'{"a": [1]}', {"a": [1]}), (b"[]", [])],
)
def test_decode_body(content: bytes, expected: object) -> None:
    response = httpx.Response(200, content=content, request=httpx.Request("GET", "https://a.example"))
    assert decode_body(response) == expected
