"""Identity against served MRI and VTS emulators: one building, one tenant, one lease in both.

The scenario runs every tenant of an MRI building in VTS too: the MRI building and the VTS
asset carry the same name and address, and the lease the same dates, under each platform's own
ids. After a sync, reconcile links each such building, tenant and lease into one entity (the
lease seeded terminated in MRI too, which is then flagged as drift).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from coisync.sandbox.config_writer import DB_FILE
from coisync.sandbox.layout import SETTINGS_FILE, SandboxSettings, write_json
from coisync.sandbox.plugins import installed_emulators
from coisync.sandbox.runner import SandboxServer
from coisync.sandbox.scenario import build_scenario, platform_id
from coisync.sandbox.scenario_files import write_scenario_files
from coisync.store import open_store

AS_OF = date(2026, 12, 4)
SEED, SIZE = 3, 24
PLATFORMS = ("mri", "vts")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from coisync.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    available = installed_emulators()
    missing = [p for p in PLATFORMS if p not in available]
    if missing:
        pytest.skip(f"emulators not installed: {missing}")
    directory = tmp_path_factory.mktemp("identity-sbx")
    settings = SandboxSettings(SEED, SIZE, AS_OF)
    write_scenario_files(build_scenario(SEED, SIZE, AS_OF), directory)
    write_json(directory / SETTINGS_FILE, settings.as_dict())
    server = SandboxServer(directory, settings, [available[p] for p in PLATFORMS], smtp=False)
    server.start()
    try:
        yield directory
    finally:
        server.stop()


def test_mri_building_and_vts_asset_become_one_property(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = build_scenario(SEED, SIZE, AS_OF)
    shared = {p.party_id for p in scenario.placements if p.platform == "mri"} & {
        p.party_id for p in scenario.placements if p.platform == "vts"
    }
    buildings = {
        scenario.property_numbers[pid]
        for pid, platform in scenario.property_platform.items()
        if platform == "mri" and any(scenario.agreement_of(party)["property_id"] == pid for party in shared)
    }
    assert shared and buildings  # the scenario holds tenants (and their buildings) in both

    config = str(sandbox / "coisync.toml")
    code, _ = _cli(capsys, "-q", "--config", config, "sync", "--as-of", AS_OF.isoformat())
    assert code == 0
    code, out = _cli(capsys, "-q", "--config", config, "reconcile", "--as-of", AS_OF.isoformat(), "--json")
    first = json.loads(out)
    assert code in (0, 3), first["connections"]
    linked = {(c["kind"], c["left_id"], c["right_id"]) for c in first["linked"]}
    assert first["review"] == []
    # both systems state the same lease dates, so every lease links; the only drift is the lease
    # the generator seeded terminated in MRI and active in VTS, flagged in both
    seeded = json.loads((sandbox / "seeded-problems.json").read_text())["cross_system"]
    drifting = {item["legal_name"] for item in seeded if item["problem"] == "agreement_drift"}
    assert drifting
    assert {(f["party_name"], f["connection"]) for f in first["flags"] if f["kind"] == "agreement_drift"} == {
        (name, connection) for name in drifting for connection in PLATFORMS
    }

    store = open_store(f"sqlite:///{sandbox / DB_FILE}")
    try:
        for n in buildings:
            building = f"mri:building:{platform_id('mri', 'property', n)}"
            asset = f"vts:asset:{platform_id('vts', 'property', n)}"
            assert ("property", building, asset) in linked
            assert store.get_property(asset) is None
            refs = store.refs_for_entity("property", building)
            assert {(r.connection, r.platform_type) for r in refs} == {("mri", "building"), ("vts", "asset")}
        for party in sorted(shared):
            number = scenario.party_numbers[party]
            occupant = f"mri:occupant:{platform_id('mri', 'tenant', number)}"
            held = {(r.connection, r.platform_type) for r in store.refs_for_entity("party", occupant)}
            assert held == {("mri", "occupant"), ("vts", "tenant")}
            (agreement,) = store.agreements_for_party(occupant)
            lease_refs = store.refs_for_entity("agreement", agreement.id)
            assert {r.connection for r in lease_refs} == {"mri", "vts"}
            assert agreement.property_id.startswith("mri:building:")
        assert {k for k, _, _ in linked} == {"party", "property", "agreement"}
    finally:
        store.close()

    # a second reconcile finds nothing left to link
    code, out = _cli(capsys, "-q", "--config", config, "reconcile", "--as-of", AS_OF.isoformat(), "--json")
    second = json.loads(out)
    assert second["linked"] == [] and second["review"] == []
    code, out = _cli(capsys, "-q", "--config", config, "links", "list", "--all", "--json")
    assert {(p["kind"], p["left_id"], p["right_id"]) for p in json.loads(out)} == linked
