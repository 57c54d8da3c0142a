"""The MRI connector against the in-process emulator: streams, discovery, check, retries, plugin."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from coisync_mri.config import MriConfig
from coisync_mri.connector import MriConnector
from coisync_mri.emulator import BUILDINGS_API, INSURANCE_API, LEASES_API, MriEmulator, MriSettings
from mri_adapter import PASSWORD, PASSWORD_ENV, USER_ENV, USERNAME, connection_table, mri_emulator

from coisync.connector import contract_problems, get_connector_registry, parse_connection
from coisync.errors import ConfigError
from coisync.http import AuthError, FakeClock
from coisync.model import Money
from coisync.sandbox.emulator import Emulator, parse_rule
from coisync.sandbox.plugins import installed_emulators
from coisync.testing import open_endpoint, read_stream

Make = Callable[..., MriConnector]


def two_buildings(emulator: MriEmulator) -> None:
    """A second building with two leases of one occupant, and insurance rows on both buildings."""
    emulator.seed(
        {
            "buildings": [{"BuildingID": "BLD002", "BuildingName": "Lakeview Tower", "Address1": "5 Lake St"}],
            "leases": [
                {"BuildingID": "BLD002", "LeaseID": "L00007", "OccupantName": "Acme Retail Inc.",
                 "MasterOccupantID": "0000000007", "OccupancyStatus": "C", "RentStartDate": "2024-02-22T00:00:00",
                 "ExpirationDate": "2034-02-21T00:00:00"},
                {"BuildingID": "BLD002", "LeaseID": "L00008", "OccupantName": "Acme Retail Inc.",
                 "MasterOccupantID": "0000000007", "OccupancyStatus": "F"},
            ],
            "insurance": [
                {"BuildingID": "BLD001", "LeaseID": "L00001", "InsuranceType": "GL", "Carrier": "Travelers",
                 "PolicyNumber": "6801A234", "CoverageAmount": "2000000.00", "AdditionalInsured": "Y",
                 "CertificateReceived": "Y", "EffectiveDate": "2025-01-01T00:00:00",
                 "ExpirationDate": "2026-01-01T00:00:00"},
                {"BuildingID": "BLD002", "LeaseID": "L00007", "InsuranceType": "WC", "Carrier": "Hartford",
                 "CoverageAmount": "1000000.00"},
            ],
        }
    )  # fmt: skip


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> MriSettings:
    return MriSettings()


@pytest.fixture
def emulator(tmp_path: Path, clock: FakeClock, settings: MriSettings) -> MriEmulator:
    emu = mri_emulator(tmp_path / "mri", clock, settings)
    two_buildings(emu)
    return emu


@pytest.fixture
def make(emulator: MriEmulator, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Make]:
    made: list[MriConnector] = []
    with open_endpoint("in_process", emulator, clock) as endpoint:

        def build(*, username: str = USERNAME, **extra: Any) -> MriConnector:
            monkeypatch.setenv(USER_ENV, username)
            monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
            table = {**connection_table(endpoint.base_url, buildings=()), "connector": "mri", **extra}
            connector = MriConnector(
                parse_connection("mri", table, MriConfig), endpoint.session_factory(), clock=clock
            )
            made.append(connector)
            return connector

        yield build
        for connector in made:
            connector.close()


def test_buildings_are_discovered_and_every_building_is_read(make: Make) -> None:
    connector = make()
    buildings, _, _ = read_stream(connector, "buildings")
    assert sorted(r.platform_id for r in buildings) == ["BLD001", "BLD002"]
    policies, quarantined, _ = read_stream(connector, "insurance")
    assert not quarantined
    assert sorted(p.platform_id.rsplit("/", 1)[0] for p in policies) == ["BLD001/L00001", "BLD002/L00007"]
    mapped = connector.mapping.forward("insurance", policies[0].raw).values
    assert mapped["party_ref"] == "0000000001" and mapped["coverage_type"] == "general_liability"
    assert Money.model_validate(mapped["limit"]).amount == 2000000
    assert mapped["additional_insured"] is True and mapped["insurer"] == {"name": "Travelers"}
    assert str(mapped["expiration_date"]) == "2026-01-01"


def test_configured_buildings_limit_the_read(make: Make) -> None:
    policies, _, _ = read_stream(make(buildings=["BLD002"]), "insurance")
    assert [p.platform_id.split("/")[0] for p in policies] == ["BLD002"]


def test_occupants_are_one_party_per_occupant(make: Make) -> None:
    connector = make()
    occupants, _, _ = read_stream(connector, "occupants")
    assert sorted(r.platform_id for r in occupants) == ["0000000001", "0000000007"]
    acme = next(r for r in occupants if r.platform_id == "0000000007")
    values = connector.mapping.forward("occupant", acme.raw).values
    assert values == {
        "legal_name": "Acme Retail Inc.",
        "kind": "tenant",
        "property_ref": "BLD002",
        "email": None,
    }


def test_leases_are_agreements_with_their_latest_coisync_note(make: Make, emulator: MriEmulator) -> None:
    emulator.seed(
        {
            "notes": [
                {"BuildingID": "BLD002", "LeaseID": "L00007", "NoteText": "Insurance compliance: Expired. GL lapsed",
                 "NoteReference1": "INS", "NoteReference2": "COI-AAAA", "LastUpdate": "2026-01-01T00:00:01.000"},
                {"BuildingID": "BLD002", "LeaseID": "L00007", "NoteText": "Insurance compliance: Compliant.",
                 "NoteReference1": "INS", "NoteReference2": "COI-BBBB", "LastUpdate": "2026-01-01T00:00:02.000"},
                {"BuildingID": "BLD002", "LeaseID": "L00007", "NoteText": "Called the tenant",
                 "NoteReference1": "GEN", "LastUpdate": "2026-01-01T00:00:03.000"},
            ]
        }
    )  # fmt: skip
    connector = make()
    leases, quarantined, _ = read_stream(connector, "leases")
    assert not quarantined
    by_id = {r.platform_id: connector.mapping.forward("lease", r.raw).values for r in leases}
    assert set(by_id) == {"BLD001/L00001", "BLD002/L00007", "BLD002/L00008"}
    acme = by_id["BLD002/L00007"]
    assert acme["party_ref"] == "0000000007" and acme["property_ref"] == "BLD002"
    assert acme["status"] == "active" and str(acme["start_date"]) == "2024-02-22"
    assert acme["compliance_status"] == "compliant" and acme["deficiency_summary"] is None
    assert by_id["BLD002/L00008"]["status"] == "pending"
    assert by_id["BLD002/L00008"].get("compliance_status") is None


def test_a_corrupt_building_row_skips_only_that_building(
    make: Make, emulator: MriEmulator, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An in-process CLI test run earlier in this worker stops "coisync" records at its own handler.
    monkeypatch.setattr(logging.getLogger("coisync"), "propagate", True)
    caplog.set_level(logging.WARNING, logger="coisync.connector.mri")
    with emulator.store.transaction() as state:
        state["buildings"]["BLD001"]["BuildingID"] = "#corrupt#"
    policies, _, _ = read_stream(make(), "insurance")
    assert [p.platform_id.split("/")[0] for p in policies] == ["BLD002"]
    assert "without a usable BuildingID" in caplog.text


def test_deadlock_500_and_headerless_429_are_retried(
    make: Make, emulator: MriEmulator, clock: FakeClock
) -> None:
    emulator.faults.add([parse_rule({"kind": "500", "count": 1}), parse_rule({"kind": "429", "count": 1})])
    policies, _, _ = read_stream(make(), "insurance")
    assert len(policies) == 2
    statuses = [e["status"] for e in emulator.request_log.entries()]
    assert 500 in statuses and 429 in statuses
    assert clock.sleeps, "the retries did not wait"


def test_check_reports_each_problem(make: Make, emulator: MriEmulator) -> None:
    good = make().check()
    assert good.ok and good.auth.ok and "BLD001" in good.reachable.message
    refused = make(username=USERNAME.replace("CANARY-PARTNER-KEY-61d2", "WRONG")).check()
    assert refused.auth.ok is False and refused.reachable.ok is None
    assert PASSWORD not in refused.auth.message and "CANARY-PARTNER-KEY-61d2" not in refused.auth.message
    assert make().check().writable.ok is False


def test_an_api_outside_the_manifest_fails_check_and_read(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = mri_emulator(tmp_path, clock, MriSettings(manifest=frozenset({BUILDINGS_API, LEASES_API})))
    # Neither the insurance nor the notes API: leases are still read, without their notes.
    monkeypatch.setenv(USER_ENV, USERNAME)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with open_endpoint("in_process", emulator, clock) as endpoint:
        table = {**connection_table(endpoint.base_url), "connector": "mri"}
        connector = MriConnector(
            parse_connection("mri", table, MriConfig), endpoint.session_factory(), clock=clock
        )
        check = connector.check()
        assert check.auth.ok is True and check.reachable.ok is False
        assert INSURANCE_API in check.reachable.message or "403" in check.reachable.message
        leases, _, _ = read_stream(connector, "leases")
        assert len(leases) == 1
        connector.close()


def test_wrong_credentials_are_one_clear_line(make: Make) -> None:
    with pytest.raises(AuthError) as raised:
        read_stream(make(username="A/B/C/D"), "insurance")
    assert "\n" not in str(raised.value) and "A/B/C/D" not in str(raised.value)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"page_size": 301}, "page_size"),
        ({"api_path": "api.asp"}, "api_path"),
        ({"note_reference_type": ""}, "note_reference_type"),
    ],
)
def test_config_errors_name_the_key(extra: dict[str, Any], key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_ENV, USERNAME)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    table = {**connection_table("https://mri.example.com"), "connector": "mri", **extra}
    with pytest.raises(ConfigError, match=f"connections.mri.{key}"):
        parse_connection("mri", table, MriConfig)


def test_inline_credentials_are_refused() -> None:
    table = {
        "connector": "mri",
        "base_url": "https://mri.example.com",
        "credentials": {"username": USERNAME, "password": PASSWORD},
    }
    with pytest.raises(ConfigError) as raised:
        parse_connection("mri", table, MriConfig)
    assert PASSWORD not in str(raised.value)


def test_plugin_registers_the_connector_and_the_emulator(tmp_path: Path) -> None:
    assert get_connector_registry().get("mri") is MriConnector
    entry = installed_emulators()["mri"]
    assert entry.seedable and entry.platform == "mri"
    emulator: Emulator = entry.create(tmp_path, seed=1)
    assert isinstance(emulator, MriEmulator)


def test_declarations_keep_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_ENV, USERNAME)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    table = {**connection_table("https://mri.example.com"), "connector": "mri"}
    connector = MriConnector(parse_connection("mri", table, MriConfig))
    assert contract_problems(connector) == []
    assert logging.getLogger("coisync.connector.mri")
