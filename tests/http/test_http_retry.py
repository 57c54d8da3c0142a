"""The retry policy, asserted cell by cell against reliability.md §3 (scenario 11).

Every test runs on a MockTransport and a FakeClock: the handler counts attempts, the clock
records every sleep, so "how many attempts", "which error" and "how long it waited" are
all exact.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from coisync.errors import ExitCode, TemporaryError
from coisync.http import (
    Action,
    AmbiguousWriteError,
    AuthError,
    ConflictError,
    FakeClock,
    HttpError,
    HttpSession,
    NotFoundError,
    PreconditionFailedError,
    RateLimitedError,
    ResponseClassifier,
    RetryPolicy,
    ServerError,
    TransportFailedError,
    server_wait,
)

MAX_ATTEMPTS = 5
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0


class FailingBodyStream(httpx.SyncByteStream):
    """A body that breaks after the first chunk, as a reset connection does mid-read."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"partial": '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def raise_fault(exc_type: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def fault(request: httpx.Request) -> httpx.Response:
        raise exc_type(f"injected {exc_type.__name__}", request=request)

    return fault


def status_fault(status: int) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json={"errors": [{"detail": "injected"}]})


def body_read_fault(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=FailingBodyStream())


FAULTS: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "ConnectError": raise_fault(httpx.ConnectError),
    "ConnectTimeout": raise_fault(httpx.ConnectTimeout),
    "PoolTimeout": raise_fault(httpx.PoolTimeout),
    "ReadTimeout": raise_fault(httpx.ReadTimeout),
    "RemoteProtocolError-during-body-read": body_read_fault,
    **{str(status): status_fault(status) for status in (500, 502, 503, 504)},
    **{str(status): status_fault(status) for status in (400, 401, 403, 404, 409, 412, 422)},
}

RETRIED, AMBIGUOUS = "retried", "ambiguous"
# (fault, expectation on GET, on POST with key, on POST without key); an error class means
# "raised after exactly one attempt".
POLICY_TABLE: list[tuple[str, Any, Any, Any]] = [
    ("ConnectError", RETRIED, RETRIED, RETRIED),
    ("ConnectTimeout", RETRIED, RETRIED, RETRIED),
    ("PoolTimeout", RETRIED, RETRIED, RETRIED),
    ("ReadTimeout", RETRIED, RETRIED, AMBIGUOUS),
    ("RemoteProtocolError-during-body-read", RETRIED, RETRIED, AMBIGUOUS),
    ("500", RETRIED, RETRIED, AMBIGUOUS),
    ("502", RETRIED, RETRIED, AMBIGUOUS),
    ("503", RETRIED, RETRIED, AMBIGUOUS),
    ("504", RETRIED, RETRIED, AMBIGUOUS),
    ("400", HttpError, HttpError, HttpError),
    ("401", AuthError, AuthError, AuthError),
    ("403", AuthError, AuthError, AuthError),
    ("404", NotFoundError, NotFoundError, NotFoundError),
    ("409", ConflictError, ConflictError, ConflictError),
    ("412", PreconditionFailedError, PreconditionFailedError, PreconditionFailedError),
    ("422", HttpError, HttpError, HttpError),
]

REQUEST_KINDS = {
    "GET": {"method": "GET"},
    "POST+key": {"method": "POST", "idempotency_key": "op-123"},
    "POST": {"method": "POST"},
}

CELLS = [
    pytest.param(fault, kind, expected, id=f"{fault}-{kind}")
    for fault, *expectations in POLICY_TABLE
    for kind, expected in zip(REQUEST_KINDS, expectations, strict=True)
]


def retried_error(fault: str) -> type[Exception]:
    return ServerError if fault.isdigit() else TransportFailedError


def assert_full_jitter(sleeps: list[float]) -> None:
    for attempt, slept in enumerate(sleeps, start=1):
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
        assert 0.0 <= slept <= ceiling, f"sleep {attempt} = {slept} outside [0, {ceiling}]"


@pytest.mark.parametrize(("fault", "kind", "expected"), CELLS)
def test_retry_matrix_cell(
    make_session: Callable[..., HttpSession],
    clock: FakeClock,
    fault: str,
    kind: str,
    expected: Any,
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return FAULTS[fault](request)

    session = make_session(
        handler,
        max_attempts=MAX_ATTEMPTS,
        backoff_base=BACKOFF_BASE,
        backoff_cap=BACKOFF_CAP,
        breaker_threshold=100,
    )
    options = dict(REQUEST_KINDS[kind])
    method = options.pop("method")

    if expected == RETRIED:
        error_type: type[Exception] = retried_error(fault)
        attempts = MAX_ATTEMPTS
    elif expected == AMBIGUOUS:
        error_type, attempts = AmbiguousWriteError, 1
    else:
        error_type, attempts = expected, 1

    with pytest.raises(error_type) as raised:
        session.request(method, "/insurances", json={"policy": "GL-1"}, **options)

    assert type(raised.value) is error_type
    assert len(seen) == attempts
    assert len(clock.sleeps) == attempts - 1
    assert session.retries == attempts - 1
    assert_full_jitter(clock.sleeps)
    if expected == RETRIED:
        assert isinstance(raised.value, TemporaryError)
        assert raised.value.exit_code == ExitCode.TEMPORARY
    if "key" in kind:
        assert {request.headers["Idempotency-Key"] for request in seen} == {"op-123"}


def test_503_with_long_retry_after_on_unprotected_post_is_still_ambiguous(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    session = make_session(lambda r: httpx.Response(503, headers={"Retry-After": "3600"}))
    with pytest.raises(AmbiguousWriteError):
        session.request("POST", "/insurances", json={})
    assert clock.sleeps == []


def test_unprotected_post_after_read_timeout_is_never_resent(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("timed out", request=request)

    session = make_session(handler, breaker_threshold=100)
    for _ in range(20):
        with pytest.raises(AmbiguousWriteError, match="read it back"):
            session.request("POST", "/insurances", json={"policy": "GL-1"})
    assert calls == 20
    assert clock.sleeps == []
    assert session.retries == 0


@pytest.mark.parametrize(("idempotent", "calls_expected"), [(True, 3), (False, 1)])
def test_idempotent_overrides_the_method_rule(
    make_session: Callable[..., HttpSession], idempotent: bool, calls_expected: int
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("timed out", request=request)

    session = make_session(handler, max_attempts=3)
    expected = TransportFailedError if idempotent else AmbiguousWriteError
    with pytest.raises(expected):
        # A SOAP query is a POST that only reads; a DELETE marked unsafe is not resent.
        method = "POST" if idempotent else "DELETE"
        session.request(method, "/Itf.asmx", content="<GetVendors/>", idempotent=idempotent)
    assert calls == calls_expected


@pytest.mark.parametrize("fault", ["ConnectError", "ReadTimeout", "503"])
def test_a_transient_fault_then_success_returns_the_response(
    make_session: Callable[..., HttpSession], clock: FakeClock, fault: str
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return FAULTS[fault](request)
        return httpx.Response(200, json={"ok": True})

    response = make_session(handler).request("PUT", "/vendors/1", json={"a": 1})
    assert response.json() == {"ok": True}
    assert calls == 2
    assert len(clock.sleeps) == 1


def test_time_budget_stops_retries_before_a_wait_would_pass_it(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    started_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        started_at.append(clock.monotonic())
        clock.advance(4.0)  # each attempt takes four seconds
        return httpx.Response(503)

    session = make_session(handler, time_budget=10.0, max_attempts=50, backoff_base=1.0)
    with pytest.raises(ServerError):
        session.get("/slow")
    # No wait ends after the budget, so no attempt starts after it.
    assert 1 < len(started_at) < 50
    assert max(started_at) <= 10.0


def test_retries_stay_under_ten_percent_with_five_percent_faults(
    make_session: Callable[..., HttpSession],
) -> None:
    faults = random.Random(42)

    def handler(request: httpx.Request) -> httpx.Response:
        if faults.random() < 0.05:
            return httpx.Response(503)
        return httpx.Response(200, json=[])

    session = make_session(handler, breaker_threshold=100)
    for page in range(400):
        session.get("/vendors", params={"page": page})
    assert session.retries > 0  # faults were injected and retried
    assert session.retries / session.requests_made <= 0.10
    assert session.by_status[200] == 400


class YardiStyleClassifier(ResponseClassifier):
    """HTTP 200 with an error message inside: the body decides."""

    def classify(self, response: httpx.Response) -> Action:
        if response.status_code == 200 and "Rate limit exceeded" in response.text:
            return Action.RETRY
        if response.status_code == 200 and "Login failed." in response.text:
            raise AuthError("Yardi refused the interface credentials (Login failed.)")
        return super().classify(response)


def test_an_overridden_classifier_retries_and_fails_on_http_200_bodies(
    make_session: Callable[..., HttpSession],
) -> None:
    bodies = iter(["<Message>Rate limit exceeded</Message>", "<Result>ok</Result>"])
    session = make_session(
        lambda request: httpx.Response(200, text=next(bodies)), classifier=YardiStyleClassifier()
    )
    response = session.request("POST", "/Itf.asmx", content="<soap/>", idempotency_key="k1")
    assert response.text == "<Result>ok</Result>"

    login = make_session(
        lambda request: httpx.Response(200, text="Login failed."),
        classifier=YardiStyleClassifier(),
    )
    with pytest.raises(AuthError, match="Login failed"):
        login.request("POST", "/Itf.asmx", content="<soap/>")
    assert login.requests_made == 1


# -- Retry-After and X-Rate-Limit-Reset ---------------------------------------------------


def http_date(clock: FakeClock, offset: float = 0.0) -> str:
    return formatdate(clock.now() + offset, usegmt=True)


@pytest.mark.parametrize(
    ("name", "headers_at", "wait"),
    [
        ("retry-after-seconds", lambda c: {"Retry-After": "7"}, 7.0),
        ("retry-after-http-date", lambda c: {"Retry-After": http_date(c, 12)}, 12.0),
        (
            "rate-limit-reset-vs-date-header",
            lambda c: {
                "Date": http_date(c),
                "X-Rate-Limit-Limit": "25",
                "X-Rate-Limit-Remaining": "0",
                "X-Rate-Limit-Reset": str(int(c.now()) + 30),
            },
            30.0,
        ),
    ],
)
def test_429_sends_nothing_before_the_reset_time(
    make_session: Callable[..., HttpSession],
    clock: FakeClock,
    name: str,
    headers_at: Callable[[FakeClock], dict[str, str]],
    wait: float,
) -> None:
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now())
        if len(sent_at) == 1:
            return httpx.Response(429, headers=headers_at(clock))
        return httpx.Response(200, json={})

    session = make_session(handler, backoff_base=0.1)
    session.get("/insurances")
    assert len(sent_at) == 2
    assert sent_at[1] - sent_at[0] >= wait
    assert sent_at[1] - sent_at[0] <= wait + 0.1


def test_reset_is_measured_from_the_server_date_not_the_local_clock(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now())
        if len(sent_at) > 1:
            return httpx.Response(200)
        server_now = clock.now() + 100  # the server's clock runs 100 s ahead of ours
        return httpx.Response(
            429,
            headers={
                "Date": formatdate(server_now, usegmt=True),
                "X-Rate-Limit-Reset": str(int(server_now) + 20),
            },
        )

    make_session(handler, backoff_base=0.01).get("/x")
    assert 20.0 <= sent_at[1] - sent_at[0] <= 20.1


def test_retry_after_over_the_cap_raises_at_once_without_sleeping(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, headers={"Retry-After": "900"})

    session = make_session(handler, retry_after_cap=60.0)
    with pytest.raises(RateLimitedError) as raised:
        session.get("/insurances")
    assert raised.value.wait_seconds == 900.0
    assert raised.value.exit_code == ExitCode.TEMPORARY
    assert clock.sleeps == []
    assert calls == 1
    # The whole connection now knows: the next call fails fast too, sending nothing.
    with pytest.raises(RateLimitedError):
        session.get("/other")
    assert calls == 1
    assert clock.sleeps == []


def test_503_with_retry_after_waits_at_least_that_long(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    statuses = iter([503, 200])
    session = make_session(lambda request: httpx.Response(next(statuses), headers={"Retry-After": "5"}))
    assert session.get("/x").status_code == 200
    assert clock.sleeps[0] >= 5.0


def test_persistent_429_ends_in_rate_limited_error_after_the_attempt_limit(
    make_session: Callable[..., HttpSession], clock: FakeClock
) -> None:
    session = make_session(lambda request: httpx.Response(429), max_attempts=3)
    with pytest.raises(RateLimitedError):
        session.get("/x")
    assert session.requests_made == 3


# -- policy object on its own ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "key", "protected"),
    [
        ("GET", None, True),
        ("head", None, True),
        ("PUT", None, True),
        ("DELETE", None, True),
        ("POST", None, False),
        ("PATCH", None, False),
        ("POST", "k", True),
        ("PATCH", "k", True),
    ],
)
def test_is_protected(method: str, key: str | None, protected: bool) -> None:
    assert RetryPolicy.is_protected(method, key) is protected


def test_backoff_ceiling_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(clock=FakeClock(), backoff_base=1.0, backoff_cap=5.0)
    assert [policy.backoff_ceiling(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    rng_policy = RetryPolicy(clock=FakeClock(), rng=random.Random(1), backoff_base=1.0)
    samples = [rng_policy.backoff(3) for _ in range(200)]
    assert all(0 <= s <= 4.0 for s in samples)
    assert max(samples) > 3.0  # jitter covers the envelope, not a fixed value
    assert min(samples) < 1.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"X-Rate-Limit-Reset": "1767225610"}, None),  # not exhausted and not a 429/503
        ({"X-Rate-Limit-Reset": "1767225610", "X-Rate-Limit-Remaining": "0"}, 10.0),
        ({"Retry-After": "2", "X-Rate-Limit-Reset": "1767225610", "X-Rate-Limit-Remaining": "0"}, 10.0),
    ],
)
def test_server_wait(headers: dict[str, str], expected: float | None) -> None:
    clock = FakeClock(start=1767225600.0)
    response = httpx.Response(200, headers=headers)
    assert server_wait(response, clock) == expected
