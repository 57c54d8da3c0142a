"""``[reconcile]`` settings, the flag text and desired values, and the formula-safe CSV report."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from coisync.errors import ConfigError
from coisync.model import ExternalRef
from coisync.reconcile.compare import Flag
from coisync.reconcile.flags import KINDS, TARGET, desired_index, flag_text, load_settings
from coisync.reconcile.report import flags_csv
from coisync.reconcile.run import ReconcileResult


def _flag(kind: str, connection: str = "procore", detail: str = "gl expired 2026-01-01") -> Flag:
    return Flag("p:1", "Acme LLC", connection, (connection, "insurance", "11"), ("certificate", "c1"), kind,
                "general_liability", detail)  # fmt: skip


def test_defaults_and_per_connection_override() -> None:
    settings = load_settings({})
    assert settings.auto_link_threshold == 95.0 and settings.kinds_for("procore") == KINDS
    settings = load_settings(
        {
            "reconcile": {
                "auto_link_threshold": 90,
                "flags": ["expired"],
                "connections": {"yardi": {"flags": []}},
            }
        }
    )
    assert settings.kinds_for("procore") == ("expired",) and settings.kinds_for("yardi") == ()


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"colour": 1}, "reconcile.colour"),
        ({"auto_link_threshold": 101}, "reconcile.auto_link_threshold"),
        ({"auto_link_threshold": True}, "reconcile.auto_link_threshold"),
        ({"flags": ["expired", "sunburn"]}, "reconcile.flags"),
        ({"flags": "expired"}, "reconcile.flags"),
        ({"connections": {"mri": {"flags": ["nope"]}}}, "reconcile.connections.mri.flags"),
        ({"connections": {"mri": {"colour": 1}}}, "reconcile.connections.mri"),
    ],
)
def test_config_errors_name_the_key(section: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings({"reconcile": section})
    assert exc.value.key == key and "\n" not in str(exc.value)


def test_desired_values_per_record_and_per_party() -> None:
    settings = load_settings({"reconcile": {"connections": {"yardi": {"flags": ["expired"]}}}})
    flags = [
        _flag("expired"),
        _flag("limit_disagrees"),
        _flag("limit_disagrees", "yardi"),
        _flag("expired", "yardi"),
    ]
    index = desired_index(flags, settings)
    refs = [
        ExternalRef.model_validate(
            {"connection": c, "platform_type": t, "platform_id": i, "entity_kind": k, "entity_id": e},
            strict=False,
        )
        for c, t, i, k, e in (
            ("procore", "insurance", "11", "certificate", "c1"),
            ("procore", "insurance", "12", "certificate", "c2"),
            ("yardi", "vendor", "v1", "party", "p:1"),
        )
    ]
    values = index(None, refs)  # type: ignore[arg-type]
    assert values[("certificate", "c1")][TARGET] == flag_text(flags[:2])
    assert values[("certificate", "c2")][TARGET] == ""
    assert values[("party", "p:1")][TARGET] == "[coisync reconcile] expired: gl expired 2026-01-01"
    assert flag_text(reversed(flags[:2])) == flag_text(flags[:2])


def test_csv_report_is_formula_safe() -> None:
    result = ReconcileResult(
        "r1", date(2026, 12, 4), False, flags=[_flag("expired", detail='=HYPERLINK("x")')]
    )
    rows = list(csv.reader(io.StringIO(flags_csv(result))))
    assert rows[0] == ["party", "system", "record", "flag", "coverage", "evidence"]
    assert rows[1][5].startswith("'=")
    assert result.exit_code == 0
    result.new_flags = ["x"]
    assert int(result.exit_code) == 3
