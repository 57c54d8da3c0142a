"""The shipped samples: valid against the published JSON Schemas, complete, and importable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from coisync.cli import build_cli
from coisync.ingest import import_files
from coisync.model import CoverageType, is_known_coverage
from coisync.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CERTIFICATES = sorted((SAMPLES / "certificates").glob("*.json"))
EVIDENCE = sorted((SAMPLES / "evidence").glob("*.json"))


def printed_schema(model: str) -> dict[str, Any]:
    result = CliRunner().invoke(build_cli(), ["schema", model])
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def data_of(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format_version"] == 1
    data: dict[str, Any] = document["data"]
    return data


@pytest.fixture(scope="module")
def certificate_schema() -> dict[str, Any]:
    return printed_schema("certificate")


@pytest.mark.parametrize("path", CERTIFICATES, ids=lambda p: p.stem)
def test_sample_certificate_matches_the_schema(path: Path, certificate_schema: dict[str, Any]) -> None:
    jsonschema.validate(data_of(path), certificate_schema)


@pytest.mark.parametrize("path", EVIDENCE, ids=lambda p: p.stem)
def test_sample_evidence_matches_the_schema(path: Path) -> None:
    jsonschema.validate(data_of(path), printed_schema("evidence"))


def test_schema_check_is_not_vacuous(certificate_schema: dict[str, Any]) -> None:
    broken = data_of(CERTIFICATES[0])
    broken["lines"][0]["effective_date"] = 20260101
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, certificate_schema)


def test_samples_cover_every_coverage_type_and_an_unknown_one() -> None:
    used = {line["coverage_type"] for path in CERTIFICATES for line in data_of(path)["lines"]}
    assert {c.value for c in CoverageType} <= used
    unknown = {c for c in used if not is_known_coverage(c)}
    assert unknown == {"marine cargo"}
    assert len(EVIDENCE) >= 1 and len(CERTIFICATES) >= 3


def test_portfolio_has_every_record_type_and_each_party_kind() -> None:
    records = [
        json.loads(line) for line in (SAMPLES / "portfolio.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert {r["type"] for r in records} == {
        "property",
        "party",
        "agreement",
        "certificate",
        "evidence",
        "waiver",
    }
    assert {r["data"]["kind"] for r in records if r["type"] == "party"} == {"tenant", "vendor", "contractor"}


def test_samples_import_cleanly_and_keep_the_unknown_coverage(store: Store) -> None:
    report = import_files(store, [SAMPLES / "portfolio.jsonl", *CERTIFICATES, *EVIDENCE])
    assert report.unreadable == [] and report.summary.problems == []
    marine = store.get_certificate("coi-coastal-freight-2026")
    assert marine is not None
    assert marine.lines[0].coverage_type == "marine cargo"
    assert marine.lines[0].label == "MARINE CARGO - OPEN POLICY"
    assert [c.id for c in store.certificates_for_party("party-harbor-bistro")] == ["coi-harbor-bistro-2026"]
