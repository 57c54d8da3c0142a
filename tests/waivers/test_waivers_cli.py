"""coisync waivers add/list/revoke: approver and reason required, audited, and they change verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from coisync.cli import main

PARTY = {
    "format_version": 1,
    "type": "party",
    "data": {"id": "v-1", "kind": "vendor", "legal_name": "Acme HVAC LLC", "category": "hvac"},
}
CERT = {
    "format_version": 1,
    "type": "certificate",
    "data": {
        "id": "c-1",
        "party_id": "v-1",
        "insured": {"name": "Acme HVAC LLC"},
        "lines": [
            {
                "coverage_type": "general_liability",
                "policy_number": "GL-1",
                "effective_date": "2026-01-01",
                "expiration_date": "2027-01-01",
                "basis": "occurrence",
                "limits": {"each_occurrence": 500000, "general_aggregate": 2000000},
            }
        ],
    },
}


def run(db: Path, *args: str) -> tuple[int, str]:
    """Run the CLI the way the console script does (errors become exit codes)."""
    result = CliRunner().invoke(_Main(), ["--db", f"sqlite:///{db}", *args])
    return result.exit_code, result.output


class _Main(click.Command):
    """``coisync.cli.main`` as a click command, so CliRunner captures its exit code and output."""

    def __init__(self) -> None:
        super().__init__("coisync", context_settings={"ignore_unknown_options": True})
        self.params = [click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)]

    def invoke(self, ctx: click.Context) -> None:
        main(list(ctx.params["args"]))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    data = tmp_path / "p.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in (PARTY, CERT)) + "\n")
    path = tmp_path / "coisync.db"
    code, out = run(path, "import", str(data))
    assert code == 0, out
    return path


def findings(db: Path) -> list[tuple[str, str]]:
    code, out = run(db, "status", "--as-of", "2026-06-01", "--json")
    assert code in (0, 3), out
    party = json.loads(out)["parties"][0]
    return [(f["code"], f["outcome"]) for e in party["evaluations"] for f in e["findings"]]


def test_a_waiver_turns_its_finding_into_waived_and_revoking_restores_it(db: Path) -> None:
    assert ("limit_insufficient", "fail") in findings(db)
    code, out = run(
        db,
        "waivers",
        "add",
        "--party",
        "v-1",
        "--code",
        "limit_insufficient",
        "--coverage",
        "general_liability",
        "--approver",
        "J. Smith",
        "--reason",
        "Small job, owner consent on file",
        "--granted",
        "2026-01-01",
        "--json",
    )
    assert code == 0, out
    waiver_id = json.loads(out)["id"]
    assert ("limit_insufficient", "waived") in findings(db)
    assert ("limit_insufficient", "fail") not in findings(db)

    code, out = run(db, "waivers", "revoke", waiver_id, "--by", "J. Smith")
    assert code == 0, out
    assert ("limit_insufficient", "fail") in findings(db)
    code, out = run(db, "waivers", "list", "--json")
    assert json.loads(out)[0]["revoked_at"] is not None

    code, out = run(db, "audit", "verify", "--json")
    assert code == 0, out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "limit_insufficient", "--reason", "r"], "--approver"),
        (["--code", "limit_insufficient", "--approver", "a"], "--reason"),
        (["--code", "no_such_code", "--approver", "a", "--reason", "r"], "unknown finding code"),
        (["--code", "policy_expired", "--approver", "a", "--reason", "r"], "cannot be waived"),
    ],
)
def test_bad_waivers_are_refused(db: Path, args: list[str], message: str) -> None:
    code, out = run(db, "waivers", "add", "--party", "v-1", *args)
    assert code == 2
    assert message in out


def test_unknown_party_is_refused(db: Path) -> None:
    code, out = run(
        db,
        "waivers",
        "add",
        "--party",
        "nobody",
        "--code",
        "limit_insufficient",
        "--approver",
        "a",
        "--reason",
        "r",
    )
    assert code == 2
    assert "no party" in out
