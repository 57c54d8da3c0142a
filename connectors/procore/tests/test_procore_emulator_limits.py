"""Procore emulator: X-Rate-Limit-* on every response, 429 and 503 with Retry-After, Date header."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx
import pytest
from coisync_procore.emulator import DEMO_COMPANY_ID, DEMO_CREDENTIALS, ProcoreSettings, RateWindow

from coisync.sandbox.emulator import FixedClock

INSURANCES = f"/rest/v1.0/companies/{DEMO_COMPANY_ID}/insurances"
RATE_HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")
SMALL = ProcoreSettings(spike_window=RateWindow(25, 10), hourly_window=RateWindow(60, 3600))


def rate(response: httpx.Response) -> tuple[int, int, int]:
    limit, remaining, reset = (int(response.headers[h]) for h in RATE_HEADERS)
    return limit, remaining, reset


@pytest.mark.parametrize("settings", [SMALL])
def test_every_response_carries_rate_headers_and_date(
    client: httpx.Client, headers: dict[str, str], clock: FixedClock
) -> None:
    client.post("/__emulator/faults", json={"kind": "503", "count": 1, "paths": "/rest/v1.0/me"})
    responses = [
        client.post(
            "/oauth/token", data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
        ),
        client.get(INSURANCES, headers=headers),  # 200
        client.get(INSURANCES),  # 401
        client.get(INSURANCES, headers={"Authorization": headers["Authorization"]}),  # 400
        client.get(f"{INSURANCES}/1", headers=headers),  # 404
        client.post(INSURANCES, headers=headers, json={"insurance": {}}),  # 422
        client.get("/rest/v1.0/me", headers=headers),  # injected 503
        client.delete("/rest/v1.0/me", headers=headers),  # 405
    ]
    assert [r.status_code for r in responses] == [401, 200, 401, 400, 404, 422, 503, 405]
    for response in responses:
        assert all(h in response.headers for h in RATE_HEADERS), response.request.url
        assert parsedate_to_datetime(response.headers["Date"]).timestamp() == clock.now()


@pytest.mark.parametrize("settings", [SMALL])
def test_remaining_counts_down_and_reset_is_the_window_end(
    client: httpx.Client, headers: dict[str, str], clock: FixedClock
) -> None:
    # The token fixture already spent one request in this window.
    first = client.get(INSURANCES, headers=headers)
    second = client.get(INSURANCES, headers=headers)
    assert rate(first) == (25, 23, int(clock.now()) + 10)
    assert rate(second) == (25, 22, int(clock.now()) + 10)


@pytest.mark.parametrize("settings", [SMALL])
def test_spike_window_exhaustion_is_429_with_retry_after(
    client: httpx.Client, headers: dict[str, str], clock: FixedClock
) -> None:
    statuses = [client.get(INSURANCES, headers=headers).status_code for _ in range(24)]
    assert statuses == [200] * 24
    refused = client.get(INSURANCES, headers=headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "10"
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert rate(refused)[:2] == (25, 0)
    clock.advance(4)
    still = client.get(INSURANCES, headers=headers)
    assert still.status_code == 429
    assert still.headers["Retry-After"] == "6"
    clock.advance(6)
    again = client.get(INSURANCES, headers=headers)
    assert again.status_code == 200
    assert rate(again)[:2] == (25, 24)


@pytest.mark.parametrize("settings", [SMALL])
def test_failed_requests_count_against_the_limit(client: httpx.Client, headers: dict[str, str]) -> None:
    for _ in range(24):
        assert client.get(f"{INSURANCES}/1", headers=headers).status_code == 404
    assert client.get(INSURANCES, headers=headers).status_code == 429


@pytest.mark.parametrize("settings", [SMALL])
def test_headers_report_the_hourly_window_when_it_is_nearer(
    client: httpx.Client, headers: dict[str, str], clock: FixedClock
) -> None:
    for _ in range(2):
        for _ in range(24):
            client.get(INSURANCES, headers=headers)
        clock.advance(10)
        client.get(INSURANCES, headers=headers)  # opens a new spike window
    # 1 (token) + 2 * 25 = 51 requests this hour: hourly has 9 left, spike has 24.
    response = client.get(INSURANCES, headers=headers)
    hour_start = FixedClock().now()
    assert rate(response) == (60, 8, int(hour_start) + 3600)
    for _ in range(8):
        clock.advance(10)
        client.get(INSURANCES, headers=headers)
    clock.advance(10)
    refused = client.get(INSURANCES, headers=headers)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == int(hour_start) + 3600 - int(clock.now())


@pytest.mark.parametrize("settings", [SMALL])
def test_token_requests_count_too(client: httpx.Client, clock: FixedClock) -> None:
    client_id, secret = next(iter(DEMO_CREDENTIALS.items()))
    grant = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    statuses = [client.post("/oauth/token", data=grant).status_code for _ in range(26)]
    assert statuses == [200] * 25 + [429]


def test_injected_503_has_retry_after_and_rate_headers(client: httpx.Client, headers: dict[str, str]) -> None:
    added = client.post(
        "/__emulator/faults", json={"kind": "503", "retry_after": 30, "count": 2, "paths": "/rest/"}
    )
    assert added.status_code == 201
    first = client.get(INSURANCES, headers=headers)
    second = client.get(INSURANCES, headers=headers)
    third = client.get(INSURANCES, headers=headers)
    assert [r.status_code for r in (first, second, third)] == [503, 503, 200]
    assert first.headers["Retry-After"] == "30"
    assert first.json()["error"]["code"] == "service_unavailable"
    assert all(h in first.headers for h in RATE_HEADERS)


def test_injected_429_and_500_use_procores_error_shape(client: httpx.Client, headers: dict[str, str]) -> None:
    client.post(
        "/__emulator/faults",
        json=[{"kind": "429", "retry_after": 5, "count": 1}, {"kind": "500", "count": 1}],
    )
    limited = client.get(INSURANCES, headers=headers)
    broken = client.get(INSURANCES, headers=headers)
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "5")
    assert broken.status_code == 500
    assert set(broken.json()["error"]) == {"code", "message", "details"}


def test_default_sandbox_limits_are_generous(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.get(INSURANCES, headers=headers)
    assert rate(response)[0] >= 1000


@pytest.mark.parametrize(
    "settings",
    [
        ProcoreSettings(
            spike_window=RateWindow(3, 10), hourly_window=RateWindow(100, 3600), limit_token_endpoint=False
        )
    ],
)
def test_token_endpoint_can_be_left_out_of_the_limits(client: httpx.Client) -> None:
    client_id, secret = next(iter(DEMO_CREDENTIALS.items()))
    grant = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    responses = [client.post("/oauth/token", data=grant) for _ in range(5)]
    assert [r.status_code for r in responses] == [200] * 5
    assert "X-Rate-Limit-Limit" not in responses[0].headers
