"""Host policy, TLS and response limits (reliability scenarios 15 and 17).

Every refusal is checked to happen before the transport sees a request, so no byte and no
credential leaves the process.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from coisync.errors import ConfigError
from coisync.http import (
    ApiKeyHeaders,
    FakeClock,
    HostNotAllowedError,
    HostPolicy,
    HttpConfig,
    HttpSession,
    OAuth2ClientCredentials,
    ResponseTooLargeError,
    system_resolver,
)

CANARY = "canary-key-7f3a9c"


class RecordingTransport(httpx.MockTransport):
    """A MockTransport that remembers every request it was handed."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        super().__init__(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})


def fake_getaddrinfo(address: str) -> Callable[..., list[Any]]:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


def session_for(base_url: str, transport: httpx.BaseTransport, **options: Any) -> HttpSession:
    return HttpSession(
        HttpConfig(base_url=base_url, **options),
        auth=ApiKeyHeaders({"x-api-key": SecretStr(CANARY)}),
        clock=FakeClock(),
        transport=transport,
    )


@pytest.mark.parametrize(
    "base_url",
    [
        "http://api.example.com",
        "https://169.254.169.254",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost",
        "https://api.localhost:8443",
        "https://10.0.0.1",
        "https://192.168.1.20",
        "https://172.16.0.5",
        "https://127.0.0.1:8080",
        "https://[::1]",
        "https://[::ffff:127.0.0.1]",
        "https://[fd00:ec2::254]",
        "https://0.0.0.0",
        "https://100.64.0.1",
        "https://user:pw@api.example.com",
        "ftp://api.example.com",
    ],
)
def test_refused_base_urls_fail_before_anything_is_sent(base_url: str) -> None:
    transport = RecordingTransport()
    with pytest.raises(HostNotAllowedError) as raised:
        session = session_for(base_url, transport)
        session.get("/vendors")
    assert transport.requests == []
    assert CANARY not in str(raised.value)
    assert "pw" not in str(raised.value)


def test_a_hostname_resolving_to_loopback_is_refused_before_sending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo("127.0.0.1"))
    transport = RecordingTransport()
    session = session_for("https://innocent.example.com", transport)
    with pytest.raises(HostNotAllowedError, match=re.escape("resolves to 127.0.0.1")):
        session.get("/vendors")
    assert transport.requests == []
    assert session.requests_made == 0


def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    transport = RecordingTransport()
    with pytest.raises(HostNotAllowedError, match="metadata"):
        session_for("https://mixed.example.com", transport).get("/")
    assert transport.requests == []


def test_a_public_hostname_is_allowed_and_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        return fake_getaddrinfo("93.184.216.34")(host, port)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    transport = RecordingTransport()
    session = session_for("https://api.example.com", transport)
    session.get("/a")
    session.get("/b")
    assert len(transport.requests) == 2
    assert lookups == ["api.example.com"]


def test_unresolvable_host_is_a_temporary_connect_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(httpx.ConnectError, match="could not resolve"):
        system_resolver("nowhere.example.com", 443)


def test_opt_ins_allow_local_servers_and_warn_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo("127.0.0.1"))
    transport = RecordingTransport()
    with caplog.at_level(logging.WARNING, logger="coisync.http"):
        session = session_for(
            "http://emulator.local:8080",
            transport,
            allow_private_network=True,
            allow_insecure_http=True,
        )
        session.get("/a")
        session.get("/b")
    assert len(transport.requests) == 2
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "allow_private_network" in warnings[0].getMessage()
    assert "allow_insecure_http" in warnings[0].getMessage()


def test_metadata_address_is_refused_even_with_private_network_allowed() -> None:
    transport = RecordingTransport()
    with pytest.raises(HostNotAllowedError, match="metadata"):
        session_for("https://169.254.169.254", transport, allow_private_network=True)
    assert transport.requests == []


def test_absolute_urls_to_other_hosts_are_refused_without_credentials() -> None:
    transport = RecordingTransport()
    session = session_for("https://93.184.216.34", transport)
    with pytest.raises(HostNotAllowedError, match="allowed hosts"):
        session.get("https://attacker.example.net/steal")
    assert transport.requests == []


def test_oauth_token_endpoint_host_is_allowed_and_checked() -> None:
    clock = FakeClock()
    auth = OAuth2ClientCredentials("https://10.1.1.1/oauth/token", "client", SecretStr(CANARY), clock=clock)
    with pytest.raises(HostNotAllowedError, match="non-public"):
        HttpSession(
            HttpConfig(base_url="https://93.184.216.34"),
            auth=auth,
            clock=clock,
            transport=RecordingTransport(),
        )


def test_host_policy_origins_and_repr() -> None:
    policy = HostPolicy(["https://api.example.com", "https://login.example.com:8443/token"])
    assert policy.origins == (("https", "api.example.com", 443), ("https", "login.example.com", 8443))
    assert "api.example.com" in repr(policy)


# -- redirects --------------------------------------------------------------------------


def redirecting(location: str, seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/final":
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(302, headers={"Location": location})

    return httpx.MockTransport(handler)


def test_a_redirect_to_another_host_is_not_followed() -> None:
    seen: list[httpx.Request] = []
    session = session_for("https://93.184.216.34", redirecting("https://evil.example.net/final", seen))
    with pytest.raises(HostNotAllowedError, match="not followed"):
        session.get("/start")
    assert [str(r.url) for r in seen] == ["https://93.184.216.34/start"]


def test_a_same_host_redirect_is_followed_with_credentials() -> None:
    seen: list[httpx.Request] = []
    session = session_for("https://93.184.216.34", redirecting("/final", seen))
    assert session.get("/start").json() == {"ok": True}
    assert [r.url.path for r in seen] == ["/start", "/final"]
    assert seen[1].headers["x-api-key"] == CANARY


def test_redirect_loops_stop_at_max_redirects() -> None:
    seen: list[httpx.Request] = []
    session = session_for("https://93.184.216.34", redirecting("/again", seen), max_redirects=2)
    with pytest.raises(Exception, match="more than 2 redirects"):
        session.get("/start")
    assert len(seen) == 3


# -- response size cap ------------------------------------------------------------------


def test_a_response_over_the_size_cap_is_rejected() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"x" * 2048))
    session = session_for("https://93.184.216.34", transport, max_response_bytes=1024)
    with pytest.raises(ResponseTooLargeError, match="1024-byte cap"):
        session.get("/big")


def test_a_streamed_body_without_length_stops_at_the_cap() -> None:
    produced: list[int] = []

    class Endless(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            for index in range(10_000):
                produced.append(index)
                yield b"y" * 1024

    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=Endless()))
    session = session_for("https://93.184.216.34", transport, max_response_bytes=8 * 1024)
    with pytest.raises(ResponseTooLargeError):
        session.get("/stream")
    assert len(produced) <= 10  # reading stopped right after the cap


def test_a_gzip_body_is_capped_after_decompression() -> None:
    import gzip

    bomb = gzip.compress(b"0" * 1_000_000)
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})
    )
    session = session_for("https://93.184.216.34", transport, max_response_bytes=100_000)
    assert len(bomb) < 100_000
    with pytest.raises(ResponseTooLargeError):
        session.get("/bomb")


def test_a_body_under_the_cap_is_returned_decoded() -> None:
    import gzip

    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=gzip.compress(b'{"a": 1}'), headers={"Content-Encoding": "gzip"}
        )
    )
    response = session_for("https://93.184.216.34", transport).get("/small")
    assert response.json() == {"a": 1}
    assert "content-encoding" not in response.headers


# -- TLS and configuration ---------------------------------------------------------------


def test_tls_verification_cannot_be_switched_off() -> None:
    fields = {field.name for field in dataclasses.fields(HttpConfig)}
    assert "verify" not in fields
    with pytest.raises(TypeError):
        HttpConfig(base_url="https://api.example.com", verify=False)  # type: ignore[call-arg]


def test_a_session_on_the_real_transport_verifies_certificates() -> None:
    session = HttpSession(HttpConfig(base_url="https://93.184.216.34"))
    pool = session._client._transport._pool  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode.name == "CERT_REQUIRED"
    assert pool._ssl_context.check_hostname is True
    session.close()


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"base_url": "api.example.com"}, "base_url"),
        ({"read_timeout": 0}, "read_timeout"),
        ({"concurrency": 0}, "concurrency"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"rate": -1.0}, "rate"),
        ({"max_response_bytes": True}, "max_response_bytes"),
        ({"max_redirects": 50}, "max_redirects"),
    ],
)
def test_invalid_config_names_the_key(options: dict[str, Any], key: str) -> None:
    options.setdefault("base_url", "https://api.example.com")
    with pytest.raises(ConfigError) as raised:
        HttpConfig(**options)
    assert raised.value.key == key


def test_config_is_a_comparable_value() -> None:
    assert HttpConfig(base_url="https://a.example") == HttpConfig(base_url="https://a.example")
    assert "concurrency=4" in repr(HttpConfig(base_url="https://a.example"))
