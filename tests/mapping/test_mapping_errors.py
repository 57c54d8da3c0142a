"""Bad mappings fail at load with the file, the key and the reason."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from coisync.errors import ConfigError
from coisync.mapping import MappingError, load_mapping

HEADER = """
[mapping]
name = "broken"

[code_tables.status]
values = { "OK" = "compliant" }

[records.policy]
entity = "certificate"

[[records.policy.fields]]
target = "policy_number"
source = "number"
"""


@dataclass(frozen=True)
class BadMapping:
    test_name: str
    extra: str
    key: str
    reason: str
    header: str = HEADER


CASES = [
    BadMapping(
        "unknown_coercion",
        '[[records.policy.fields]]\ntarget = "limit"\nsource = "limit"\ncoerce = "moneyy"\n',
        "records.policy.fields[1].coerce",
        "unknown coercion 'moneyy' (valid: ",
    ),
    BadMapping(
        "missing_target",
        '[[records.policy.fields]]\nsource = "limit"\n',
        "records.policy.fields[1].target",
        "is missing",
    ),
    BadMapping(
        "bad_path_syntax",
        '[[records.policy.fields]]\ntarget = "limit"\nsource = "limits[0.amount"\n',
        "records.policy.fields[1].source",
        "bad path syntax at position 6",
    ),
    BadMapping(
        "bad_write_path",
        '[[records.policy.fields]]\ntarget = "s"\nwrite = "a..b"\nowner = "coisync"\njob = "sync"\ndirection = "reverse"\n',
        "records.policy.fields[1].write",
        "empty segment",
    ),
    BadMapping(
        "duplicate_target",
        '[[records.policy.fields]]\ntarget = "policy_number"\nsource = "other"\n',
        "records.policy.fields[1].target",
        "duplicate target 'policy_number' (also at fields[0])",
    ),
    BadMapping(
        "invalid_owner",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\nowner = "landlord"\n',
        "records.policy.fields[1].owner",
        "'platform' or 'coisync'",
    ),
    BadMapping(
        "invalid_job",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\nowner = "coisync"\njob = "nightly"\n',
        "records.policy.fields[1].job",
        "'sync', 'reconcile' or 'followup'",
    ),
    BadMapping(
        "coisync_owned_without_job",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\nowner = "coisync"\n',
        "records.policy.fields[1].job",
        "a coisync-owned field needs the job that owns it",
    ),
    BadMapping(
        "platform_owned_with_job",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\njob = "sync"\n',
        "records.policy.fields[1].job",
        "only coisync-owned fields have a job",
    ),
    BadMapping(
        "platform_owned_written_back",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\ndirection = "both"\n',
        "records.policy.fields[1].direction",
        "a platform-owned field is never written back",
    ),
    BadMapping(
        "code_without_table",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\ncoerce = "code"\n',
        "records.policy.fields[1].table",
        "coercion 'code' needs a table",
    ),
    BadMapping(
        "unknown_table",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\ncoerce = "code"\ntable = "colour"\n',
        "records.policy.fields[1].table",
        "unknown code table 'colour' (valid: coverage_type, status)",
    ),
    BadMapping(
        "table_on_non_code",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\ntable = "status"\n',
        "records.policy.fields[1].table",
        "coercion 'string' takes no table",
    ),
    BadMapping(
        "bad_format",
        '[[records.policy.fields]]\ntarget = "d"\nsource = "d"\ncoerce = "date"\nformat = "MM/DD/YYYY"\n',
        "records.policy.fields[1].format",
        "strftime pattern",
    ),
    BadMapping(
        "read_without_source",
        '[[records.policy.fields]]\ntarget = "d"\n',
        "records.policy.fields[1].source",
        "the field is read but has no source",
    ),
    BadMapping(
        "unknown_key",
        '[[records.policy.fields]]\ntarget = "d"\nsource = "d"\ncoersion = "date"\n',
        "records.policy.fields[1].coersion",
        "is not a known key",
    ),
    BadMapping(
        "bad_target_name",
        '[[records.policy.fields]]\ntarget = "Limit Amount"\nsource = "d"\n',
        "records.policy.fields[1].target",
        "snake_case canonical field name",
    ),
    BadMapping(
        "nested_target_collision",
        '[[records.policy.fields]]\ntarget = "policy_number.suffix"\nsource = "d"\n',
        "records.policy.fields[1].target",
        "nests inside 'policy_number'",
    ),
    BadMapping(
        "two_fields_write_one_path",
        '[[records.policy.fields]]\ntarget = "a"\nwrite = "x"\nowner = "coisync"\njob = "sync"\ndirection = "reverse"\n'
        '[[records.policy.fields]]\ntarget = "b"\nwrite = "x"\nowner = "coisync"\njob = "reconcile"\ndirection = "reverse"\n',
        "records.policy.fields[2].write",
        "is written by fields[1] too",
    ),
    BadMapping(
        "unknown_entity",
        "",
        "records.policy.entity",
        "unknown entity kind 'policy_line'",
        header=HEADER.replace('entity = "certificate"', 'entity = "policy_line"'),
    ),
    BadMapping(
        "no_fields",
        "",
        "records.policy.fields",
        "is missing",
        header=HEADER.split("[[records.policy.fields]]")[0],
    ),
    BadMapping(
        "empty_fields",
        "",
        "records.policy.fields",
        "at least 1 item",
        header=HEADER.split("[[records.policy.fields]]")[0] + "fields = []\n",
    ),
    BadMapping(
        "missing_mapping_table",
        "",
        "mapping",
        "is missing",
        header=HEADER.replace('[mapping]\nname = "broken"\n', ""),
    ),
    BadMapping(
        "bad_unknown_policy",
        "",
        "code_tables.status.unknown",
        "'keep' or 'error'",
        header=HEADER.replace(
            'values = { "OK" = "compliant" }', 'values = { "OK" = "compliant" }\nunknown = "drop"'
        ),
    ),
    BadMapping(
        "ambiguous_codes",
        "",
        "code_tables.status.values",
        "'OK' and 'ok' are the same code once case and punctuation are ignored",
        header=HEADER.replace(
            'values = { "OK" = "compliant" }', 'values = { "OK" = "compliant", "ok" = "expired" }'
        ),
    ),
    BadMapping(
        "default_does_not_coerce",
        '[[records.policy.fields]]\ntarget = "d"\nsource = "d"\ncoerce = "date"\ndefault = "someday"\n',
        "records.policy.fields[1].default",
        "does not fit coercion 'date': not a date: 'someday'",
    ),
    BadMapping(
        "default_not_in_strict_table",
        '[[records.policy.fields]]\ntarget = "s"\nsource = "s"\ncoerce = "code"\ntable = "status"\ndefault = "NOPE"\n',
        "records.policy.fields[1].default",
        "is not in code table 'status'",
        header=HEADER.replace(
            'values = { "OK" = "compliant" }', 'values = { "OK" = "compliant" }\nunknown = "error"'
        ),
    ),
    BadMapping("toml_syntax", "[[records.policy.fields]\n", "(syntax)", "is not valid TOML"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.test_name for c in CASES])
def test_bad_mapping(case: BadMapping, tmp_path: Path) -> None:
    path = tmp_path / f"{case.test_name}.toml"
    path.write_text(case.header + case.extra, encoding="utf-8")
    if case.test_name != "toml_syntax":
        tomllib.loads(case.header + case.extra)  # the case itself is valid TOML
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    error = info.value
    assert isinstance(error, ConfigError)
    assert error.file == str(path)
    assert error.key == case.key
    assert case.reason in error.problem
    message = str(error)
    assert str(path) in message
    assert case.key in message


def test_header_alone_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(HEADER, encoding="utf-8")
    assert load_mapping(path).name == "broken"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="does not exist"):
        load_mapping(tmp_path / "absent.toml")
