"""Redaction: the Redactor itself, and a canary secret that must never leak (scenario 16)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from coisync.http import (
    ApiKeyHeaders,
    AuthError,
    BasicAuth,
    FakeClock,
    HttpError,
    HttpSession,
    OAuth2ClientCredentials,
    RedactingFilter,
    Redactor,
    TransportFailedError,
)

CANARY = "CANARY-5ecr3t-0f9d2"
TOKEN_CANARY = "CANARY-t0ken-7781aa"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("GET /x?access_token=tok123&page=2", "tok123"),
        ('{"client_secret": "s-1234", "name": "ok"}', "s-1234"),
        ('{"refresh_token":"r-9876"}', "r-9876"),
        ("<UserName>u</UserName><Password>pw-4321</Password>", "pw-4321"),
        ("<ns:InterfaceLicense>LIC-5555</ns:InterfaceLicense>", "LIC-5555"),
        ("x-buildium-client-secret: zzz-8888", "zzz-8888"),
        ("Set-Cookie: session=cookie-7777; HttpOnly", "cookie-7777"),
        ("db_password=hunter22", "hunter22"),
    ],
)
def test_sensitive_names_are_hidden_without_knowing_the_value(text: str, hidden: str) -> None:
    scrubbed = Redactor().scrub(text)
    assert hidden not in scrubbed
    assert "***" in scrubbed


def test_known_secret_values_are_hidden_anywhere_also_url_encoded() -> None:
    redactor = Redactor([SecretStr("p@ss w/rd+1")])
    text = "login failed for p@ss w/rd+1 (sent p%40ss%20w%2Frd%2B1 and p%40ss+w%2Frd%2B1)"
    assert "w/rd" not in redactor.scrub(text)
    assert "w%2Frd" not in redactor.scrub(text)


def test_harmless_text_is_left_alone() -> None:
    text = 'GET /rest/v1.0/vendors?page=2 -> 200 {"policy_number": "GL-1"} <PolicyNumber>1</PolicyNumber>'
    assert Redactor([SecretStr("unrelated-secret")]).scrub(text) == text


def test_url_drops_user_info_and_hides_sensitive_query_values() -> None:
    redactor = Redactor()
    shown = redactor.url("https://user:pw@api.example.com/x?api_key=k123&page=3&token=t456")
    assert shown == "https://api.example.com/x?api_key=***&page=3&token=***"


def test_headers_and_body_excerpts() -> None:
    redactor = Redactor([SecretStr(CANARY)])
    headers = redactor.headers(
        httpx.Headers({"Authorization": "Bearer x", "X-Api-Key": CANARY, "Accept": "json"})
    )
    assert headers == {"authorization": "***", "x-api-key": "***", "accept": "json"}
    excerpt = redactor.body(("a" * 500 + CANARY).encode(), limit=100)
    assert len(excerpt) == 100
    assert CANARY not in redactor.body(f"token {CANARY} end")


def test_short_secrets_are_not_searched_in_free_text_but_names_still_hide_them() -> None:
    redactor = Redactor([SecretStr("ab")])
    assert redactor.scrub("about a tab") == "about a tab"
    assert "ab" not in redactor.scrub("password=ab").split("=")[1]


def test_logging_filter_scrubs_messages_arguments_and_tracebacks() -> None:
    redactor = Redactor([SecretStr(CANARY)])
    try:
        raise ValueError(f"boom with {CANARY}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "sent %s", (CANARY,), sys.exc_info())
    assert RedactingFilter(redactor).filter(record) is True
    assert CANARY not in record.getMessage()
    assert record.exc_text is not None
    assert CANARY not in record.exc_text
    assert "boom with ***" in record.exc_text


# -- the canary through a whole session ------------------------------------------------


def leak_everything(request: httpx.Request) -> httpx.Response:
    """A hostile platform: echoes the credentials back in headers and body, then 401."""
    return httpx.Response(
        401,
        headers={
            "Set-Cookie": f"session={CANARY}",
            "WWW-Authenticate": f'Bearer error="invalid_token" token="{TOKEN_CANARY}"',
        },
        json={"error": f"bad key {request.headers.get('x-api-key')}", "echo": str(request.url)},
    )


def all_text(exc: BaseException, caplog: pytest.LogCaptureFixture) -> str:
    parts = [str(exc), repr(exc), caplog.text]
    parts += [record.getMessage() for record in caplog.records]
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        parts += [str(cause), repr(cause)]
    return "\n".join(parts)


def test_canary_never_appears_in_logs_errors_or_reprs_on_401(
    make_session: Callable[..., HttpSession], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = ApiKeyHeaders({"x-api-key": SecretStr(CANARY)})
    session = make_session(leak_everything, auth=auth)
    with pytest.raises(AuthError) as raised:
        session.get("/vendors", params={"api_key": CANARY, "page": 1})
    text = all_text(raised.value, caplog) + repr(session) + repr(auth)
    assert CANARY not in text
    assert "401" in str(raised.value)
    assert "check the connection's secrets" in str(raised.value)
    assert any("/vendors" in record.getMessage() for record in caplog.records)


def test_canary_never_appears_on_transport_failures(
    make_session: Callable[..., HttpSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"connect failed to {request.url}", request=request)

    session = make_session(handler, auth=BasicAuth("svc", SecretStr(CANARY)), max_attempts=2)
    with pytest.raises(TransportFailedError) as raised:
        session.get(f"/x?password={CANARY}")
    assert CANARY not in all_text(raised.value, caplog)


def test_oauth_tokens_issued_at_run_time_never_leak(
    make_session: Callable[..., HttpSession],
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": TOKEN_CANARY, "expires_in": 60})
        # A platform that reflects the bearer token into an error body.
        return httpx.Response(500, text=f"internal error for {request.headers['Authorization'].split()[1]}")

    auth = OAuth2ClientCredentials(
        "https://api.example.com/oauth/token", "cid", SecretStr(CANARY), clock=clock
    )
    session = make_session(handler, auth=auth, max_attempts=2)
    with pytest.raises(HttpError) as raised:
        session.get("/x")
    text = all_text(raised.value, caplog) + repr(session)
    assert TOKEN_CANARY not in text
    assert CANARY not in text
    assert "internal error for ***" in str(raised.value)


def test_httpx_library_logs_are_scrubbed(
    make_session: Callable[..., HttpSession], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = ApiKeyHeaders({"x-api-key": SecretStr(CANARY)})
    session = make_session(lambda request: httpx.Response(200), auth=auth)
    session.get(f"/path/{CANARY}/x", params={"q": CANARY})
    httpx_records = [r for r in caplog.records if r.name == "httpx"]
    assert httpx_records, "httpx logs each request at INFO"
    assert all(CANARY not in record.getMessage() for record in httpx_records)
    assert CANARY not in caplog.text
