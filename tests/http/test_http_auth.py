"""Auth schemes: Basic, API-key headers, OAuth 2 client credentials, SOAP body credentials."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from coisync.http import (
    ApiKeyHeaders,
    AuthError,
    BasicAuth,
    FakeClock,
    HttpSession,
    OAuth2ClientCredentials,
    ServerError,
    SoapBodyCredentials,
)

TOKEN_URL = "https://login.example.com/oauth/token"


def test_basic_auth_sets_the_header_and_hides_the_password(
    make_session: Callable[..., HttpSession],
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    auth = BasicAuth(SecretStr("C123/DB/USER/PARTNERKEY9"), SecretStr("pa55word!"))
    make_session(handler, auth=auth).get("/api.asp")
    expected = base64.b64encode(b"C123/DB/USER/PARTNERKEY9:pa55word!").decode()
    assert seen[0].headers["Authorization"] == f"Basic {expected}"
    assert "pa55word" not in repr(auth)
    assert "PARTNERKEY9" not in repr(auth)
    assert set(auth.secret_values()) >= {"pa55word!", "C123/DB/USER/PARTNERKEY9", expected}


def test_api_key_headers_send_every_header(make_session: Callable[..., HttpSession]) -> None:
    seen: list[httpx.Request] = []
    auth = ApiKeyHeaders(
        {"x-buildium-client-id": "client-1", "x-buildium-client-secret": SecretStr("s3cr3t-value")}
    )
    make_session(lambda r: (seen.append(r), httpx.Response(200))[1], auth=auth).get("/v1/vendors")
    assert seen[0].headers["x-buildium-client-id"] == "client-1"
    assert seen[0].headers["x-buildium-client-secret"] == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(auth)
    assert list(auth.secret_values()) == ["s3cr3t-value"]
    with pytest.raises(ValueError):
        ApiKeyHeaders({})


class FakeOAuthServer:
    """A token endpoint plus an API that accepts only the latest token."""

    def __init__(self, clock: FakeClock, expires_in: int = 5400) -> None:
        self.clock = clock
        self.expires_in = expires_in
        self.issued: list[str] = []
        self.revoked: set[str] = set()
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.lock = threading.Lock()
        self.token_status = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "login.example.com":
            with self.lock:
                self.token_requests.append(request)
                if self.token_status != 200:
                    return httpx.Response(self.token_status, json={"error": "invalid_client"})
                token = f"tok-{len(self.issued) + 1}-abcdef"
                self.issued.append(token)
            return httpx.Response(
                200,
                json={"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in},
            )
        with self.lock:
            self.api_requests.append(request)
            latest = self.issued[-1] if self.issued else None
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if sent != latest or sent in self.revoked:
            return httpx.Response(401, json={"error": "invalid_token"})
        return httpx.Response(200, json={"ok": True})


def oauth(clock: FakeClock, **options: object) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(
        TOKEN_URL,
        "client-id",
        SecretStr("client-secret-xyz"),
        clock=clock,
        **options,  # type: ignore[arg-type]
    )


def test_oauth_fetches_once_and_reuses_the_token(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    server = FakeOAuthServer(clock)
    auth = oauth(clock)
    session = make_session(server, auth=auth)
    for _ in range(3):
        session.get("/rest/v1.0/me")
    assert len(server.token_requests) == 1
    form = parse_qs(server.token_requests[0].content.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["client-id"],
        "client_secret": ["client-secret-xyz"],
    }
    assert session.requests_made == 4  # the token request goes through the seam too


def test_oauth_refreshes_before_expiry(make_session: Callable[..., HttpSession], clock: FakeClock) -> None:
    server = FakeOAuthServer(clock, expires_in=600)
    session = make_session(server, auth=oauth(clock, refresh_margin=60))
    session.get("/a")
    clock.advance(530)  # 70 s left: still good
    session.get("/b")
    assert len(server.token_requests) == 1
    clock.advance(20)  # 50 s left: inside the margin
    session.get("/c")
    assert len(server.token_requests) == 2
    assert session.get("/d").status_code == 200
    assert server.api_requests[-1].headers["Authorization"] == "Bearer tok-2-abcdef"


def test_oauth_refreshes_exactly_once_on_401(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    server = FakeOAuthServer(clock)
    session = make_session(server, auth=oauth(clock))
    session.get("/a")
    server.revoked.add("tok-1-abcdef")  # the platform revokes the token early
    assert session.get("/b").json() == {"ok": True}
    assert len(server.token_requests) == 2
    assert [r.url.path for r in server.api_requests] == ["/a", "/b", "/b"]


def test_oauth_gives_up_after_one_refresh_when_401_persists(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "login.example.com":
            return httpx.Response(200, json={"access_token": "tok-always-bad", "expires_in": 3600})
        return httpx.Response(401)

    calls: list[str] = []
    session = make_session(lambda r: (calls.append(r.url.host), handler(r))[1], auth=oauth(clock))
    with pytest.raises(AuthError, match="401"):
        session.get("/a")
    assert calls == ["login.example.com", "api.example.com", "login.example.com", "api.example.com"]


def test_oauth_token_endpoint_refusal_is_an_auth_error(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    server = FakeOAuthServer(clock)
    server.token_status = 401
    session = make_session(server, auth=oauth(clock))
    with pytest.raises(AuthError, match="refused client id 'client-id'") as raised:
        session.get("/a")
    assert "client-secret-xyz" not in str(raised.value)
    server.token_status = 503
    with pytest.raises(ServerError):
        session.get("/a")


def test_oauth_is_thread_safe_and_fetches_one_token_for_many_threads(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    server = FakeOAuthServer(clock)
    session = make_session(server, auth=oauth(clock), concurrency=8)
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=5)
            for _ in range(5):
                session.get("/x")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert len(server.token_requests) == 1
    assert len(server.api_requests) == 80


def test_oauth_secret_values_include_issued_tokens(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    server = FakeOAuthServer(clock)
    auth = oauth(clock)
    make_session(server, auth=auth).get("/a")
    assert set(auth.secret_values()) == {"client-secret-xyz", "tok-1-abcdef"}
    assert "client-secret-xyz" not in repr(auth)
    assert auth.endpoint_urls() == (TOKEN_URL,)


def test_oauth_basic_client_authentication(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    server = FakeOAuthServer(clock)
    make_session(server, auth=oauth(clock, send_credentials_in="basic")).get("/a")
    request = server.token_requests[0]
    assert request.headers["Authorization"].startswith("Basic ")
    assert "client_secret" not in request.content.decode()


def test_soap_body_credentials_yield_elements_and_hide_secrets() -> None:
    credentials = SoapBodyCredentials(
        user_name="coisync",
        password=SecretStr("yardi-pass-1"),
        server_name="srv",
        database="db1",
        platform="SQL Server",
        interface_entity="Coisync Inc",
        interface_license=SecretStr("LICENSE-KEY-42"),
    )
    elements = dict(credentials.elements())
    assert elements["Password"] == "yardi-pass-1"
    assert elements["InterfaceLicense"] == "LICENSE-KEY-42"
    assert [name for name, _ in credentials.elements()][:4] == [
        "UserName",
        "Password",
        "ServerName",
        "Database",
    ]
    assert ("DataBase", "db1") in credentials.elements(database_element="DataBase")
    assert "yardi-pass-1" not in repr(credentials)
    assert "LICENSE-KEY-42" not in repr(credentials)
    assert set(credentials.secret_values()) == {"yardi-pass-1", "LICENSE-KEY-42"}
