"""Every shipped mapping's code tables turn platform values into values the canonical model
accepts: a code that maps a platform's status to a word the model refuses would quarantine
every record carrying it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pytest

from coisync.mapping import load_mapping
from coisync.model import AgreementKind, AgreementStatus, PartyKind
from coisync.model.finding import Status

MAPPINGS = sorted((Path(__file__).parents[2] / "mappings").glob("*.toml"))

ENUM_TARGETS: dict[tuple[str, str], type[StrEnum]] = {
    ("agreement", "status"): AgreementStatus,
    ("agreement", "kind"): AgreementKind,
    ("party", "kind"): PartyKind,
    ("party", "compliance_status"): Status,
    ("agreement", "compliance_status"): Status,
    ("policy", "compliance_status"): Status,
}
"""Canonical targets whose values the model restricts, per entity kind."""


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.stem)
def test_code_tables_of_restricted_targets_give_model_values(path: Path) -> None:
    spec = load_mapping(path).spec
    checked = 0
    for name, record in spec.records.items():
        for field in record.fields:
            allowed = ENUM_TARGETS.get((record.entity, field.target))
            if allowed is None or field.coerce != "code" or not field.table:
                continue
            values = set(spec.code_tables[field.table].values.values())
            wrong = sorted(values - {member.value for member in allowed})
            assert not wrong, f"{path.name} records.{name} {field.target} via {field.table}: {wrong}"
            checked += 1
    assert MAPPINGS, "no shipped mappings found"
    if path.stem in ("yardi", "mri"):
        assert checked, f"{path.name}: expected code-mapped statuses to check"
