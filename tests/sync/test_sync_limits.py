"""Rate limits (reliability scenario 10) and an outage behind the circuit breaker (12).

The emulator runs in process on the fake clock the HTTP session sleeps on, so waits cost no
real time and every exchange is logged with the clock time it was sent at.
"""

from __future__ import annotations

import json
from pathlib import Path

from coisync_procore.emulator import ProcoreSettings, RateWindow
from sync_rig import INSURANCE_BASE, InProcessRig, outbox_states, store_snapshot

from coisync.errors import ExitCode
from coisync.sandbox.emulator import parse_rule

VENDORS, LINES = 15, 2
INSURANCES = VENDORS * LINES


def limited(tmp_path: Path) -> InProcessRig:
    """Procore's documented windows, scaled down: 25 requests per 10 s and 600 per hour."""
    settings = ProcoreSettings(spike_window=RateWindow(25, 10), hourly_window=RateWindow(600, 3600))
    rig = InProcessRig(
        tmp_path,
        settings=settings,
        connection={"page_size": 1},
        sync={"max_write_fraction": 1.0, "max_write_batch": 4},
    )
    rig.seed(VENDORS, LINES)
    return rig


def all_landed(rig: InProcessRig) -> None:
    refs = store_snapshot(rig.db_url)["external_refs"]
    assert sorted(int(k[2]) for k in refs if k[1] == "insurance") == [
        INSURANCE_BASE + i for i in range(INSURANCES)
    ]


def test_no_request_goes_out_before_the_announced_reset_and_the_sync_completes(tmp_path: Path) -> None:
    rig = limited(tmp_path)
    summary = rig.run()
    assert summary.exit_code == ExitCode.OK, summary.as_dict()
    exchanges = rig.transport.exchanges
    assert len(exchanges) > 50, "the run should need more than two spike windows"
    latency = rig.transport.latency
    for index, exchange in enumerate(exchanges):
        later = exchanges[index + 1 :]
        if exchange.headers.get("x-rate-limit-remaining") == "0":
            reset = float(exchange.headers["x-rate-limit-reset"])
            early = [e for e in later if e.sent < reset]
            assert not early, f"sent before X-Rate-Limit-Reset {reset}: {early[0]}"
        if exchange.status == 429:
            until = exchange.sent + latency + float(exchange.headers["retry-after"])
            assert all(e.sent >= until for e in later), "sent before Retry-After"
    throttled = [e for e in exchanges if e.status == 429]
    assert len(throttled) <= max(1, len(exchanges) // 100), f"{len(throttled)} requests were refused"
    all_landed(rig)
    assert rig.counter.total == INSURANCES
    assert set(rig.counter.counts.values()) == {1}


def test_a_retry_after_above_the_cap_checkpoints_and_exits_75_without_sleeping(tmp_path: Path) -> None:
    rig = limited(tmp_path)
    rig.emulator.faults.add(
        [parse_rule({"kind": "429", "retry_after": 3600, "count": 1, "paths": "/rest/v1.0/companies/"})]
    )
    slept = rig.clock.total_slept
    summary = rig.run()
    assert summary.exit_code == ExitCode.TEMPORARY
    assert rig.clock.total_slept - slept < 30, "the run slept instead of giving up"
    part = summary.connections[0]
    assert part.error is not None and "3600" in part.error
    saved = store_snapshot(rig.db_url)["sync_state"]
    assert ("procore", "vendors") in saved, "the finished stream was not checkpointed"
    assert rig.counter.total == 0
    # Later, the platform lets us in again: the next run finishes the job.
    rig.clock.advance(3600)
    again = rig.run()
    assert again.exit_code == ExitCode.OK
    all_landed(rig)
    assert rig.counter.total == INSURANCES


def test_a_retry_after_above_the_cap_during_the_push_stops_it_and_the_next_run_writes_each_record_once(
    tmp_path: Path,
) -> None:
    rig = limited(tmp_path)
    rig.emulator.faults.add(
        [
            parse_rule(
                {
                    "kind": "429",
                    "retry_after": 3600,
                    "count": 1,
                    "paths": "/rest/v1.0/companies/4264917/insurances/sync",
                }
            )
        ]
    )
    summary = rig.run()
    assert summary.exit_code == ExitCode.TEMPORARY
    assert rig.counter.total == 0
    # The platform took nothing: the refused batch (and the one marked while it was out) are
    # pending again, attempt uncounted, so the next run sends them without reading each back.
    assert outbox_states(rig.db_url) == {"pending": INSURANCES}
    rig.clock.advance(3600)
    mark = len(rig.transport.exchanges)
    assert rig.run().exit_code == ExitCode.OK
    read_backs = [e for e in rig.requests_since(mark) if e.method == "GET" and "/insurances/" in e.path]
    assert read_backs == []
    assert rig.counter.total == INSURANCES
    assert set(rig.counter.counts.values()) == {1}
    assert set(outbox_states(rig.db_url)) <= {"confirmed", "cancelled"}


def test_an_outage_opens_the_breaker_checkpoints_and_the_next_run_recovers_without_loss(
    tmp_path: Path,
) -> None:
    rig = InProcessRig(tmp_path, connection={"page_size": 4}, sync={"max_write_fraction": 1.0})
    rig.seed(VENDORS, LINES)
    rig.emulator.faults.add([parse_rule({"kind": "503", "retry_after": 1, "paths": "/rest/v1.0/companies/"})])
    summary = rig.run()
    assert summary.exit_code == ExitCode.TEMPORARY
    part = summary.connections[0]
    assert part.error is not None and ("503" in part.error or "circuit breaker" in part.error)
    failures = [e for e in rig.transport.exchanges if e.status == 503]
    assert len(failures) == 5, "5 failures in a row open the breaker; nothing is sent after"
    after_open = rig.transport.exchanges[rig.transport.exchanges.index(failures[-1]) + 1 :]
    assert after_open == [], "a request went out while the breaker was open"
    saved = store_snapshot(rig.db_url)["sync_state"]
    vendors = json.loads(saved[("procore", "vendors")])
    assert vendors["value"] is not None, "the vendor stream read before the outage was not checkpointed"
    assert rig.counter.total == 0
    # The platform comes back.
    rig.emulator.faults.clear()
    rig.clock.advance(300)
    recovered = rig.run()
    assert recovered.exit_code == ExitCode.OK
    all_landed(rig)
    assert rig.counter.total == INSURANCES
    assert set(rig.counter.counts.values()) == {1}
    assert len(store_snapshot(rig.db_url)["certificates"]) == INSURANCES
