"""Reconcile against a served multi-platform sandbox: flags match the seeded problems exactly.

One sandbox per module (Procore, Yardi, MRI and VTS emulators on loopback ports). The expected
flags come only from ``seeded-problems.json``, written by the generator from what it seeded:

* ``expired`` / ``expiring`` on every platform that holds the party and carries dates;
* ``certificate_missing`` on every platform that holds a party with no certificate;
* ``<field>_disagrees`` (expiration date, limit, policy number, insurer) on every platform that
  holds a party whose copies of a coverage line were made to differ;
* ``agreement_drift`` on every platform that holds a lease shown terminated in one (MRI) and
  active in another (VTS);
* ``party_unknown`` on every platform that holds a tenant at a building another platform (VTS)
  holds too, with tenants, but without this tenant.

Each system then holds the flags raised in it, as ``coisync sandbox state`` shows: Procore's
insurance ``origin_data``, Yardi's ``COIReconcile`` user-defined field, MRI's lease flag notes
and VTS's tenant updates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coisync.sandbox.divergence import FIELDS
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


def _state(capsys: pytest.CaptureFixture[str], directory: Path, platform: str) -> dict[str, Any]:
    code, out = _cli(capsys, "sandbox", "state", platform, "--dir", str(directory), "--json")
    assert code == 0
    state: dict[str, Any] = json.loads(out)
    return state


def _note_lines(text: str | None) -> frozenset[str]:
    """The flag lines of a flag note as a lease administrator reads it (header line left out)."""
    if not text or not text.startswith("coisync reconcile:"):
        return frozenset()
    return frozenset(line for line in text.splitlines()[1:] if line.strip())


def _latest(notes: list[tuple[str, str]]) -> str | None:
    """The text of the latest of ``(stamp, text)`` notes (later entries win ties)."""
    latest: tuple[str, str] | None = None
    for stamp, text in notes:
        if latest is None or stamp >= latest[0]:
            latest = (stamp, text)
    return latest[1] if latest else None


def _mri_flags(capsys: pytest.CaptureFixture[str], directory: Path) -> dict[str, frozenset[str]]:
    """Per occupant name, the lines of its leases' latest flag notes (every lease must agree)."""
    state = _state(capsys, directory, "mri")
    per_lease: dict[str, list[tuple[str, str]]] = {}
    for note in state.get("notes", []):
        if str(note.get("NoteReference2", "")).startswith("REC-"):
            key = f"{note['BuildingID']}/{note['LeaseID']}"
            per_lease.setdefault(key, []).append((note["LastUpdate"], note["NoteText"]))
    found: dict[str, frozenset[str]] = {}
    for key, notes in per_lease.items():
        lines = _note_lines(_latest(notes))
        name = state["leases"][key]["OccupantName"]
        assert found.get(name, lines) == lines, f"the leases of {name} disagree"
        if lines:
            found[name] = lines
    return found


def _vts_flags(capsys: pytest.CaptureFixture[str], directory: Path) -> dict[str, frozenset[str]]:
    """Per tenant name, the lines of its latest flag note (a tenant update)."""
    state = _state(capsys, directory, "vts")
    per_tenant: dict[str, list[tuple[str, str]]] = {}
    for update in state.get("tenant_updates", {}).values():
        comment = update["attributes"]["comment"]
        if comment.startswith("coisync reconcile:"):
            stamp = f"{update['attributes']['created_at']}/{int(update['id']):09d}"
            per_tenant.setdefault(update["rel"]["tenant"], []).append((stamp, comment))
    found: dict[str, frozenset[str]] = {}
    for tenant, notes in per_tenant.items():
        lines = _note_lines(_latest(notes))
        if lines:
            found[state["tenants"][tenant]["attributes"]["name"]] = lines
    return found


def _flag_lines(flags: list[dict[str, Any]], connection: str) -> dict[str, frozenset[str]]:
    """Per party name, the lines reconcile should have written into ``connection``."""
    lines: dict[str, set[str]] = {}
    for flag in flags:
        if flag["connection"] == connection:
            lines.setdefault(flag["party_name"], set()).add(
                f"[coisync reconcile] {flag['kind']}: {flag['detail']}"
            )
    return {name: frozenset(found) for name, found in lines.items()}


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


def _cross_system_flags(flags: list[dict[str, Any]], seeded: dict[str, Any]) -> None:
    """Every seeded cross-system item is flagged on exactly its coverage in exactly its platforms
    (coverage by coverage, not only party by party), with each platform's value as evidence."""
    kinds = {item["problem"] for item in seeded["cross_system"]}
    expected = {
        (item["legal_name"], platform, item["problem"], item["coverage_type"])
        for item in seeded["cross_system"]
        for platform in item["platforms"]
    }
    raised = {
        (f["party_name"], f["connection"], f["kind"], f["coverage_type"]) for f in flags if f["kind"] in kinds
    }
    assert (sorted(expected - raised), sorted(raised - expected)) == ([], [])
    for item in seeded["cross_system"]:
        for flag in flags:
            if (flag["party_name"], flag["kind"], flag["coverage_type"]) != (
                item["legal_name"],
                item["problem"],
                item["coverage_type"],
            ):
                continue
            if item["problem"] == "party_unknown":
                # who knows the party, who lacks it, where, under which agreement
                known = dict.fromkeys(item["platforms"], "known")
                assert flag["values"] == {**known, **dict.fromkeys(item["unknown_in"], "unknown")}, flag
                (absence,) = flag["evidence"]["absences"]
                assert (absence["known_in"], absence["unknown_in"]) == (item["platforms"], item["unknown_in"])
                assert absence["agreements"] and absence["property_id"] in flag["detail"], flag
                assert f"unknown in {', '.join(item['unknown_in'])}" in flag["detail"], flag
                continue
            assert sorted(flag["values"]) == sorted(item["platforms"]), flag
            if item["problem"] == "agreement_drift":
                # what each system states: the differing one ended, the others in force
                states = {p: "active" if s == "active" else "ended" for p, s in item["states"].items()}
                assert flag["values"] == states and states[item["differs_on"]] == "ended", flag
            else:
                # the differing system's value is its own; every other system shows another one
                differing = flag["values"][item["differs_on"]]
                assert list(flag["values"].values()).count(differing) == 1, flag


def _failing(capsys: pytest.CaptureFixture[str], config: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Per party name, its status and failing finding codes (``coisync status``)."""
    code, out = _cli(capsys, "-q", "--config", config, "status", "--as-of", AS_OF.isoformat(), "--json")
    assert code in (0, 3)
    return {
        p["legal_name"]: (
            p["status"],
            frozenset(f["code"] for e in p["evaluations"] for f in e["findings"] if f["outcome"] == "fail"),
        )
        for p in json.loads(out)["parties"]
    }


def _drift_keeps_verdicts(verdicts: dict[str, tuple[str, frozenset[str]]], seeded: dict[str, Any]) -> None:
    """A party whose lease one system shows terminated is judged like its undisturbed peers
    (seeded compliant, same template, same platforms): its requirements still apply."""
    drifting = {item["party_id"] for item in seeded["cross_system"] if item["problem"] == "agreement_drift"}
    problems = {p["party_id"]: p for p in seeded["problems"]}
    for party_id in drifting:
        party = problems[party_id]
        assert party["problem"] == "compliant"
        where = {x["platform"] for x in party["platforms"]}
        peers = [
            p["legal_name"]
            for p in seeded["problems"]
            if p["party_id"] not in drifting
            and (p["problem"], p["template"]) == ("compliant", party["template"])
            and {x["platform"] for x in p["platforms"]} == where
        ]
        assert peers, f"no peer of {party['legal_name']} to compare with"
        assert {verdicts[name] for name in peers} == {verdicts[party["legal_name"]]}


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
    assert (
        {item["problem"] for item in seeded["cross_system"]}
        == {
            "expiration_date_disagrees",
            "limit_disagrees",
            "policy_number_disagrees",
            "insurer_disagrees",
            "agreement_drift",
            "party_unknown",
        }
        == {f"{name}_disagrees" for name in FIELDS} | {"agreement_drift", "party_unknown"}
    )
    _cross_system_flags(first["flags"], seeded)
    _drift_keeps_verdicts(_failing(capsys, config), seeded)

    # Every system holds flags: Procore's insurances, Yardi's vendors and tenants (a user-defined
    # field), MRI's leases (a flag note) and VTS's tenants (a tenant update).
    written = {c["name"]: c for c in first["connections"]}
    for name in PLATFORMS:
        assert written[name]["writes"] and written[name]["applied"] == written[name]["planned"] > 0, name
    procore, yardi = _procore_flags(capsys, sandbox), _yardi_flags(capsys, sandbox)
    for flag in first["flags"]:
        line = f"{flag['kind']}: {flag['detail']}"
        if flag["connection"] == "procore" and flag["platform_type"] == "insurance":
            assert line in procore[flag["platform_id"]]
        elif flag["connection"] == "yardi":
            assert line in yardi[flag["party_name"]]
    assert procore and yardi
    # MRI's and VTS's notes hold exactly the flags raised in that system: every one, nothing else.
    mri, vts = _mri_flags(capsys, sandbox), _vts_flags(capsys, sandbox)
    assert mri == _flag_lines(first["flags"], "mri") and mri
    assert vts == _flag_lines(first["flags"], "vts") and vts
    # The drifting lease is terminated in MRI's own state, and its drift is a line of the flag note
    # of that occupant in MRI and of that tenant in VTS.
    leases = _state(capsys, sandbox, "mri")["leases"]
    for item in seeded["cross_system"]:
        if item["problem"] == "agreement_drift":
            name = item["legal_name"]
            assert {v["OccupancyStatus"] for v in leases.values() if v["OccupantName"] == name} == {"V"}
            for flags in (mri, vts):
                assert any(line.startswith("[coisync reconcile] agreement_drift:") for line in flags[name])
    # The tenant VTS does not know is flagged in MRI's note (VTS has no record of it), and the
    # building is one in both systems.
    tenants = {t["attributes"]["name"] for t in _state(capsys, sandbox, "vts")["tenants"].values()}
    for item in seeded["cross_system"]:
        if item["problem"] == "party_unknown":
            assert item["legal_name"] not in tenants and item["legal_name"] in mri
            assert any(
                line.startswith("[coisync reconcile] party_unknown:") for line in mri[item["legal_name"]]
            )
    kinds = {f["kind"] for f in first["flags"] if f["connection"] in ("mri", "vts")}
    assert {"expiration_date_disagrees", "limit_disagrees"} & kinds, "a cross-system flag reaches MRI/VTS"
    notes_before = len(_state(capsys, sandbox, "mri").get("notes", []))
    updates_before = len(_state(capsys, sandbox, "vts").get("tenant_updates", {}))

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
    assert (_mri_flags(capsys, sandbox), _vts_flags(capsys, sandbox)) == (mri, vts)
    _drift_keeps_verdicts(_failing(capsys, config), seeded)
    code, out = _cli(capsys, "-q", "--config", config, "reconcile", "--as-of", AS_OF.isoformat(), "--json")
    third = json.loads(out)
    assert code == 0 and [c["planned"] for c in third["connections"]] == [0] * len(third["connections"])
    # Nothing was appended to MRI's notes or VTS's tenant updates by the re-runs.
    assert len(_state(capsys, sandbox, "mri").get("notes", [])) == notes_before
    assert len(_state(capsys, sandbox, "vts").get("tenant_updates", {})) == updates_before
