"""Per-row errors through the sync engine: good rows land, failed rows keep MRI's message, and the
next run sends only the failed ones (a served emulator, the real HTTP session)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa
from coisync_mri.emulator import INSURANCE_API, NOTES_API, MriEmulator, MriSettings
from coisync_mri.emulator.envelope import row_time
from mri_adapter import PASSWORD, PASSWORD_ENV, USER_ENV, USERNAME

from coisync.portfolio import PortfolioSettings
from coisync.sandbox.emulator import FixedClock, RunningServer, serve
from coisync.store import Store, open_store
from coisync.sync.engine import SyncEngine, SyncOptions
from coisync.sync.settings import SyncSettings
from coisync.sync.tables import outbox

BUILDING = "BLD001"
LEASES = ("L00000", "L00001", "L00002", "L00003")
LOCKED = ("L00002", "L00003")
AS_OF = date(2026, 1, 1)


def seed(emulator: MriEmulator) -> dict[str, list[str]]:
    stamp = row_time(emulator.clock.now() - 86400)
    return emulator.seed(
        {
            "buildings": [{"BuildingID": BUILDING, "BuildingName": "Harbor Point Center", "LastUpdate": stamp}],
            "leases": [
                {"BuildingID": BUILDING, "LeaseID": lease, "OccupantName": f"Occupant {n} LLC",
                 "MasterOccupantID": f"{n + 1:010d}", "RentStartDate": "2024-01-01T00:00:00",
                 "ExpirationDate": "2034-01-01T00:00:00", "LastUpdate": stamp}
                for n, lease in enumerate(LEASES)
            ],
            "insurance": [
                {"BuildingID": BUILDING, "LeaseID": lease, "InsuranceType": "GL", "Carrier": "Travelers",
                 "PolicyNumber": f"GL-{n:04d}", "EffectiveDate": "2025-06-01T00:00:00",
                 "ExpirationDate": "2025-12-01T00:00:00" if n % 2 else "2026-06-01T00:00:00",
                 "CoverageAmount": "1000000.00", "CertificateReceived": "Y", "LastUpdate": stamp}
                for n, lease in enumerate(LEASES)
            ],
        }
    )  # fmt: skip


@pytest.fixture
def emulator(tmp_path: Path) -> MriEmulator:
    emu = MriEmulator(
        tmp_path / "mri", FixedClock(), seed=3, credentials={USERNAME: PASSWORD}, settings=MriSettings()
    )
    seed(emu)
    return emu


@pytest.fixture
def server(emulator: MriEmulator) -> Iterator[RunningServer]:
    with serve(emulator) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'coisync.db'}")
    yield opened
    opened.engine.dispose()


@pytest.fixture
def engine(
    tmp_path: Path, store: Store, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> SyncEngine:
    monkeypatch.setenv(USER_ENV, USERNAME)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config: dict[str, Any] = {
        "connections": {
            "mri": {
                "connector": "mri",
                "base_url": server.url,
                "writes": True,
                "allow_private_network": True,
                "allow_insecure_http": True,
                "credentials": {"username": {"$env": USER_ENV}, "password": {"$env": PASSWORD_ENV}},
            }
        }
    }
    return SyncEngine(store, config, tmp_path / "coisync.toml", PortfolioSettings.defaults(), SyncSettings())


def posted(emulator: MriEmulator) -> list[tuple[str, str, str]]:
    """``(api, lease, policy or note key)`` of every row POSTed since the log was cleared."""
    rows = []
    for entry in emulator.request_log.entries():
        if entry["method"] != "POST":
            continue
        api = parse_qs(entry["query"])["$api"][0]
        assert isinstance(entry["body"], dict), "a logged write body was truncated"
        for row in entry["body"]["value"]:
            rows.append((api, row["LeaseID"], row.get("PolicyID") or row.get("NoteReference2", "")))
    return sorted(rows)


def outbox_rows(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(outbox))]


def test_failed_rows_are_reported_and_only_they_are_sent_again(
    emulator: MriEmulator, engine: SyncEngine, store: Store
) -> None:
    for lease in LOCKED:
        emulator.lock_lease(BUILDING, lease, user="JSMITH")
    options = SyncOptions(as_of=AS_OF, max_write_fraction=1.0)

    first = engine.run(options)
    part = first.connections[0]
    assert part.error is None, part.error
    assert part.push is not None
    assert part.push.applied == 4 and part.push.failed == 4, "\n".join(
        [*part.push.errors, *part.plan_lines, *map(str, part.streams)]
    )
    for lease in LOCKED:
        assert any(
            f"Lease {lease} in building {BUILDING} is locked by user JSMITH" in e for e in part.push.errors
        )
    failed = [r for r in outbox_rows(store) if r["state"] == "failed"]
    assert len(failed) == 4
    assert all("is locked by user JSMITH" in r["last_error"] for r in failed)
    assert {r["platform_id"].split("/")[1] for r in failed} == set(LOCKED)
    state = emulator.store.snapshot()
    statuses = {row["LeaseID"]: row["ComplianceStatus"] for row in state["insurance"].values()}
    assert statuses["L00000"] and statuses["L00001"], "good rows were not applied"
    assert statuses["L00002"] == statuses["L00003"] == "", "a locked row was changed"
    first_posts = posted(emulator)
    assert {lease for _, lease, _ in first_posts} == set(LEASES)
    requests = [e for e in emulator.request_log.entries() if e["method"] == "POST"]
    assert len(requests) == 2, "rows of one building go in one POST per API"

    for lease in LOCKED:
        emulator.unlock_lease(BUILDING, lease)
    emulator.request_log.clear()
    second = engine.run(options)
    part = second.connections[0]
    assert part.error is None, part.error
    again = posted(emulator)
    assert {lease for _, lease, _ in again} == set(LOCKED), again
    assert len(again) == 4
    assert {api for api, _, _ in again} == {INSURANCE_API, NOTES_API}
    assert part.push is not None and part.push.applied == 4 and part.push.failed == 0
    state = emulator.store.snapshot()
    assert all(row["ComplianceStatus"] for row in state["insurance"].values())
    assert all(row["Compliant"] in ("Y", "N") for row in state["insurance"].values())
    assert len(state["notes"]) == 4

    emulator.request_log.clear()
    third = engine.run(options)
    assert third.connections[0].error is None
    assert posted(emulator) == [], "an unchanged run wrote again"
