"""``coisync mappings show|check|list``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coisync.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config directory with the fixture mapping in ./mappings and an override beside the config."""
    (tmp_path / "mappings").mkdir()
    shutil.copy(FIXTURES / "acmelease.toml", tmp_path / "mappings" / "acmelease.toml")
    shutil.copy(FIXTURES / "acmelease.override.toml", tmp_path / "custom.toml")
    (tmp_path / "coisync.toml").write_text(
        '[connections.acme]\nconnector = "acmelease"\nbase_url = "https://api.acme.test"\nmapping = "custom.toml"\n'
        '[connections.acme.credentials]\nclient_secret = {"$env" = "NOT_NEEDED_TO_SHOW_A_MAPPING"}\n'
        '[connections.other]\nconnector = "otherplatform"\nbase_url = "https://x.test"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COISYNC_MAPPINGS_PATH", raising=False)
    return tmp_path


def test_show_table(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--config", str(workdir / "coisync.toml"), "mappings", "show", "acmelease"], capsys)
    assert code == 0
    assert "policy -> certificate" in out
    line = next(line for line in out.splitlines() if "compliance_status" in line)
    for cell in ("status", "code:compliance_status", "coisync:sync", "both"):
        assert cell in line
    assert "custom_field_123" not in out


def test_show_json_with_connection_override(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "--config",
        str(workdir / "coisync.toml"),
        "mappings",
        "show",
        "acmelease",
        "--connection",
        "acme",
        "--json",
    ]
    code, out, _ = run(args, capsys)
    assert code == 0
    data = json.loads(out)
    assert data["source"].endswith("custom.toml")
    fields = {f["canonical_field"]: f for f in data["records"]["policy"]["fields"]}
    assert fields["custom.coi_tier"]["platform_field"] == "custom_field_123"
    assert fields["compliance_status"]["platform_field"] == "customStatus"
    assert (fields["compliance_status"]["owner"], fields["compliance_status"]["job"]) == ("coisync", "sync")
    assert "tier" not in fields
    assert data["code_tables"]["compliance_status"]["values"]["Good"] == "compliant"
    assert data["code_tables"]["coverage_type"]["values"]["CGL"] == "general_liability"


@pytest.mark.parametrize(
    ("connection", "message"),
    [
        ("nope", "connection 'nope' is not configured"),
        ("other", "uses connector 'otherplatform', not 'acmelease'"),
    ],
)
def test_show_bad_connection(
    workdir: Path, capsys: pytest.CaptureFixture[str], connection: str, message: str
) -> None:
    args = [
        "--config",
        str(workdir / "coisync.toml"),
        "mappings",
        "show",
        "acmelease",
        "--connection",
        connection,
    ]
    code, _, err = run(args, capsys)
    assert code == 2
    assert message in err


def test_show_unknown_mapping_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["mappings", "show", "nosuchplatform"], capsys)
    assert code == 2
    assert "no mapping found for 'nosuchplatform'" in err
    assert "Traceback" not in err


def test_check_ok_and_bad(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["mappings", "check", "mappings/acmelease.toml", "--override", "custom.toml"], capsys)
    assert (code, out.strip()) == (0, "ok: mapping acmelease (1 record type, 15 fields)")
    bad = workdir / "bad.toml"
    bad.write_text(
        (FIXTURES / "acmelease.toml")
        .read_text(encoding="utf-8")
        .replace('owner = "coisync"\njob = "sync"', 'owner = "tenant"', 1),
        encoding="utf-8",
    )
    code, _, err = run(["mappings", "check", str(bad)], capsys)
    assert code == 2
    assert str(bad) in err
    assert "records.policy.fields[11].owner" in err


def test_list_finds_search_path(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = workdir / "more"
    extra.mkdir()
    (extra / "zeta.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("COISYNC_MAPPINGS_PATH", str(extra))
    code, out, _ = run(["mappings", "list", "--json"], capsys)
    assert code == 0
    names = json.loads(out)["mappings"]
    assert {"acmelease", "zeta"} <= set(names)
