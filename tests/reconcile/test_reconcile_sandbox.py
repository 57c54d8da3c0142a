"""Reconcile against a served multi-platform sandbox: flags match the seeded problems exactly.

One sandbox per module (Procore, Yardi, MRI and VTS emulators on loopback ports). The expected
flags come only from ``seeded-problems.json``, written by the generator from what it seeded:

* ``expired`` / ``expiring`` on every platform that holds the party and carries dates;
* ``certificate_missing`` on every platform that holds a party with no certificate;
* ``<field>_disagrees`` on every platform that holds a party whose copies were made to differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coisync.sandbox.layout import SETTINGS_FILE, SandboxSettings, write_json
from coisync.sandbox.plugins import installed_emulators
from coisync.sandbox.runner import SandboxServer
from coisync.sandbox.scenario import build_scenario
from coisync.sandbox.scenario_files import write_scenario_files

AS_OF = date(2026, 12, 4)
SEED, SIZE = 1, 40
PLATFORMS = ("procore", "yardi", "mri", "vts")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from coisync.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("reconcile-sbx")
    settings = SandboxSettings(SEED, SIZE, AS_OF)
    write_scenario_files(build_scenario(SEED, SIZE, AS_OF), directory)
    write_json(directory / SETTINGS_FILE, settings.as_dict())
    available = installed_emulators()
    missing = [p for p in PLATFORMS if p not in available]
    if missing:
        pytest.skip(f"emulators not installed: {missing}")
    server = SandboxServer(directory, settings, [available[p] for p in PLATFORMS], smtp=False)
    server.start()
    try:
        yield directory
    finally:
        server.stop()


def _yardi_flags(capsys: pytest.CaptureFixture[str], directory: Path) -> dict[str, str]:
    code, out = _cli(capsys, "sandbox", "state", "yardi", "--dir", str(directory), "--json")
    assert code == 0
    state = json.loads(out)
    found = {}  # by the vendor's or tenant's name
    for group in ("vendors", "tenants"):
        for record in state[group].values():
            text = (record.get("udf") or {}).get("COIReconcile")
            if text:
                found[record["name"]] = text
    return found


def expected_flags(seeded: dict[str, Any]) -> set[tuple[str, str, str]]:
    """``(legal name, platform, flag kind)`` for every seeded problem reconciliation should flag."""
    expected: set[tuple[str, str, str]] = set()
    for problem in seeded["problems"]:
        for placement in problem["platforms"]:
            if not placement["held"]:
                continue
            if problem["problem"] in ("expired", "expiring") and placement["carried"]:
                expected.add((problem["legal_name"], placement["platform"], problem["problem"]))
            if problem["problem"] == "no_certificate":
                expected.add((problem["legal_name"], placement["platform"], "certificate_missing"))
    for item in seeded["cross_system"]:
        for platform in item["platforms"]:
            expected.add((item["legal_name"], platform, item["problem"]))
    return expected


def _procore_flags(capsys: pytest.CaptureFixture[str], directory: Path) -> dict[str, str]:
    code, out = _cli(capsys, "sandbox", "state", "procore", "--dir", str(directory), "--json")
    assert code == 0
    state = json.loads(out)
    insurances = state["insurances"]
    return {str(k): v.get("origin_data") or "" for k, v in insurances.items() if v.get("origin_data")}


def test_flags_match_seeded_problems_and_reruns_are_idempotent(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(sandbox / "coisync.toml")
    code, _ = _cli(capsys, "-q", "--config", config, "sync", "--as-of", AS_OF.isoformat())
    assert code == 0

    code, out = _cli(capsys, "-q", "--config", config, "reconcile", "--as-of", AS_OF.isoformat(), "--json")
    first = json.loads(out)
    assert code == 3, first["connections"]

    seeded = json.loads((sandbox / "seeded-problems.json").read_text())
    expected = expected_flags(seeded)
    raised = {(f["party_name"], f["connection"], f["kind"]) for f in first["flags"]}
    true_positive = expected & raised
    precision = len(true_positive) / len(raised)
    recall = len(true_positive) / len(expected)
    assert (sorted(expected - raised), sorted(raised - expected)) == ([], [])
    assert (precision, recall) == (1.0, 1.0)
    assert {item["problem"] for item in seeded["cross_system"]} == {
        "expiration_date_disagrees",
        "limit_disagrees",
    }

    # Procore's insurances and Yardi's vendors and tenants hold the flags; MRI and VTS have no field.
    written = {c["name"]: c for c in first["connections"]}
    for name in ("procore", "yardi"):
        assert written[name]["writes"] and written[name]["applied"] == written[name]["planned"] > 0
    for name in ("mri", "vts"):
        assert not written[name]["writes"] and "no field for reconcile flags" in written[name]["reason"]
    procore, yardi = _procore_flags(capsys, sandbox), _yardi_flags(capsys, sandbox)
    for flag in first["flags"]:
        line = f"{flag['kind']}: {flag['detail']}"
        if flag["connection"] == "procore" and flag["platform_type"] == "insurance":
            assert line in procore[flag["platform_id"]]
        elif flag["connection"] == "yardi":
            assert line in yardi[flag["party_name"]]
    assert procore and yardi

    # A second reconcile with nothing changed writes nothing and raises no new flag.
    code, out = _cli(capsys, "-q", "--config", config, "reconcile", "--as-of", AS_OF.isoformat(), "--json")
    second = json.loads(out)
    assert code == 0 and second["new_flags"] == []
    assert [c["planned"] for c in second["connections"]] == [0] * len(second["connections"])
    assert {(f["party_name"], f["connection"], f["kind"]) for f in second["flags"]} == raised

    # A sync afterwards does not undo the flags, and reconcile after it still writes nothing.
    code, out = _cli(capsys, "-q", "--config", config, "sync", "--as-of", AS_OF.isoformat(), "--json")
    assert code == 0
    assert (_procore_flags(capsys, sandbox), _yardi_flags(capsys, sandbox)) == (procore, yardi)
    code, out = _cli(capsys, "-q", "--config", config, "reconcile", "--as-of", AS_OF.isoformat(), "--json")
    third = json.loads(out)
    assert code == 0 and [c["planned"] for c in third["connections"]] == [0] * len(third["connections"])
