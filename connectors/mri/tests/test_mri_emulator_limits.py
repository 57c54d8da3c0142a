"""MRI emulator faults and limits: deadlock 500, header-less 429, rate windows, corrupt rows (raw requests)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from coisync_mri.emulator import DEADLOCK_MESSAGE, INSURANCE_API, LEASES_API, MriEmulator, MriSettings
from mri_raw import API_PATH, PASSWORD, USERNAME, params

from coisync.sandbox.emulator import EmulatorTransport, FixedClock


def leases(client: httpx.Client) -> httpx.Response:
    return client.get(API_PATH, params=params(LEASES_API, BLDGID="TSTBLG"))


def test_injected_500_says_deadlocked(authed: httpx.Client) -> None:
    authed.post("/__emulator/faults", json={"kind": "500", "count": 1}).raise_for_status()
    failed = leases(authed)
    assert failed.status_code == 500 and "deadlocked" in failed.text and failed.text == DEADLOCK_MESSAGE
    assert "Retry-After" not in failed.headers
    assert leases(authed).status_code == 200


def test_429_has_no_rate_headers_by_default(authed: httpx.Client) -> None:
    authed.post("/__emulator/faults", json={"kind": "429", "count": 1, "retry_after": 9}).raise_for_status()
    throttled = leases(authed)
    assert throttled.status_code == 429
    assert not [h for h in throttled.headers if h.lower().startswith(("retry-after", "x-rate", "ratelimit"))]


@pytest.mark.parametrize("settings", [MriSettings(retry_after_on_429=True)])
def test_retry_after_is_a_switch(authed: httpx.Client) -> None:
    authed.post("/__emulator/faults", json={"kind": "429", "count": 1, "retry_after": 9}).raise_for_status()
    assert leases(authed).headers["Retry-After"] == "9"


def test_503_carries_retry_after(authed: httpx.Client) -> None:
    authed.post("/__emulator/faults", json={"kind": "503", "count": 1, "retry_after": 4}).raise_for_status()
    assert leases(authed).headers["Retry-After"] == "4"


def test_rate_windows_refuse_past_the_limit(tmp_path: Path) -> None:
    clock = FixedClock()
    emulator = MriEmulator(
        tmp_path, clock, credentials={USERNAME: PASSWORD}, settings=MriSettings(rate_windows=((3, 10),))
    )
    emulator.seed_demo()
    with httpx.Client(
        transport=EmulatorTransport(emulator), base_url="https://mri.test", auth=(USERNAME, PASSWORD)
    ) as c:
        statuses = [leases(c).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        clock.advance(10)
        assert leases(c).status_code == 200


def test_malformed_fault_corrupts_ids_and_dates(authed: httpx.Client) -> None:
    authed.post("/__emulator/faults", json={"kind": "malformed", "count": 1}).raise_for_status()
    rows = authed.get(API_PATH, params=params(INSURANCE_API, BLDGID="TSTBLG")).json()["value"]
    broken = [row for row in rows if row["PolicyID"] == "#corrupt#"]
    assert len(broken) == 1
    assert broken[0]["ExpirationDate"] == "2025-13-45T00:00:00" and broken[0]["UserID"] != "#corrupt#"


def test_dropped_connection(authed: httpx.Client) -> None:
    authed.post("/__emulator/faults", json={"kind": "drop", "count": 1}).raise_for_status()
    with pytest.raises(httpx.RemoteProtocolError):
        leases(authed)
    assert leases(authed).status_code == 200
