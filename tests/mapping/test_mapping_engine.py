"""The fictional Acme Lease mapping: forward, reverse, ownership, override, lookup."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from coisync.mapping import (
    MappingError,
    load_mapping,
    merge_mapping_data,
    register_mapping,
    unregister_mapping,
)

FIXTURES = Path(__file__).parent / "fixtures"
MAPPING = FIXTURES / "acmelease.toml"
OVERRIDE = FIXTURES / "acmelease.override.toml"


def raw_policy(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "policyId": 9001,
        "policyNo": "GL-998877",
        "vendor": {"id": "v-17", "name": "Acme HVAC"},
        "coverageType": "CGL",
        "carrier": {"name": " Hartford "},
        "effective": "01/01/2025",
        "expires": "2026-01-01T00:00:00",
        "limits": [{"amount": "$1,000,000.00"}, {"amount": "$2,000,000.00"}],
        "requiredLimit": {"magnitude": 1000000, "unit": "USD"},
        "flags": {"ai": "Y"},
        "certReceived": "X",
        "udf": [{"@Name": "Tier", "#text": "Gold"}],
        "status": "Deficient",
        "reviewFlag": "N",
        "lastNotice": "2025-02-01T09:30:00",
        "custom_field_123": "Tier 1",
        "customStatus": "Good",
        "meta": {"lastModified": "2025-03-01T10:15:32Z", "etag": 'W/"7"'},
    }
    record.update(changes)
    return record


def test_forward_maps_every_field() -> None:
    mapping = load_mapping(MAPPING)
    result = mapping.forward("policy", raw_policy())
    assert result.ok, result.reason
    assert result.values == {
        "policy_number": "GL-998877",
        "holder_id": "v-17",
        "coverage_type": "general_liability",
        "insurer": {"name": "Hartford"},
        "effective_date": date(2025, 1, 1),
        "expiration_date": date(2026, 1, 1),
        "limit": {"amount": Decimal(1000000), "currency": "USD"},
        "required_limit": {"amount": Decimal(1000000), "currency": "USD"},
        "additional_insured": True,
        "certificate_received": True,
        "tier": "Gold",
        "compliance_status": "non_compliant",
        "needs_review": False,
        "notice_sent_on": datetime(2025, 2, 1, 9, 30, tzinfo=UTC),
    }


def test_record_identity_paths() -> None:
    record = load_mapping(MAPPING).record("policy")
    raw = raw_policy()
    assert record.platform_id(raw) == "9001"
    assert record.updated_at(raw) == "2025-03-01T10:15:32Z"
    assert record.version(raw) == 'W/"7"'
    assert record.platform_id({}) is None


def test_mapping_own_code_table_merges_over_builtin() -> None:
    mapping = load_mapping(MAPPING)
    assert mapping.forward("policy", raw_policy(coverageType="GEN-LIAB-PRIMARY")).values["coverage_type"] == (
        "general_liability"
    )
    assert (
        mapping.forward("policy", raw_policy(coverageType="WC")).values["coverage_type"]
        == "workers_compensation"
    )


def test_unknown_coverage_type_is_kept_not_dropped() -> None:
    result = load_mapping(MAPPING).forward("policy", raw_policy(coverageType="Builders Risk"))
    assert result.ok
    assert result.values["coverage_type"] == "builders_risk"


def test_absent_path_leaves_field_out_and_null_gives_none_or_default() -> None:
    raw = raw_policy(certReceived=None)
    del raw["carrier"]
    del raw["flags"]
    values = load_mapping(MAPPING).forward("policy", raw).values
    assert "insurer" not in values
    assert values["certificate_received"] is None
    assert values["additional_insured"] is False  # the field's default


def test_bad_values_are_listed_and_siblings_still_map() -> None:
    raw = raw_policy(expires="soon", status="Whatever", limits=[{"amount": "lots"}])
    del raw["policyNo"]
    result = load_mapping(MAPPING).forward("policy", raw)
    assert not result.ok
    failed = {f.target: f for f in result.failures}
    assert set(failed) == {"policy_number", "expiration_date", "compliance_status", "limit"}
    assert failed["expiration_date"].path == "expires"
    assert "not a date" in failed["expiration_date"].reason
    assert "required value is missing" in failed["policy_number"].reason
    assert "not in code table 'compliance_status'" in failed["compliance_status"].reason
    assert "expiration_date (from expires)" in result.reason
    assert result.values["holder_id"] == "v-17"
    assert "expiration_date" not in result.values


def test_required_blank_value_fails() -> None:
    result = load_mapping(MAPPING).forward("policy", raw_policy(policyNo="  "))
    assert [f.target for f in result.failures] == ["policy_number"]
    assert "empty" in result.failures[0].reason


def test_reverse_writes_only_coisync_owned_fields() -> None:
    mapping = load_mapping(MAPPING)
    desired = {
        "policy_number": "CHANGED",  # platform-owned: never written
        "compliance_status": "expiring",
        "status_checked_on": date(2025, 3, 2),
        "needs_review": True,
        "notice_sent_on": datetime(2025, 3, 3, 12, 0, tzinfo=UTC),
    }
    payload = mapping.reverse("policy", desired)
    assert payload.failures == ()
    assert payload.values == {
        "status": "Expiring Soon",
        "statusDate": "03/02/2025",
        "reviewFlag": "Y",
        "lastNotice": "2025-03-03T12:00:00Z",
    }


@pytest.mark.parametrize(
    ("job", "expected_keys"),
    [("sync", {"status", "statusDate"}), ("reconcile", {"reviewFlag"}), ("followup", {"lastNotice"})],
)
def test_reverse_per_job(job: str, expected_keys: set[str]) -> None:
    desired = {
        "compliance_status": "compliant",
        "status_checked_on": date(2025, 3, 2),
        "needs_review": False,
        "notice_sent_on": datetime(2025, 3, 3, tzinfo=UTC),
    }
    assert set(load_mapping(MAPPING).reverse("policy", desired, job=job).values) == expected_keys


def test_reverse_status_uses_first_listed_platform_value() -> None:
    payload = load_mapping(MAPPING).reverse("policy", {"compliance_status": "non_compliant"})
    assert payload.values == {"status": "Non-Compliant"}


def test_reverse_unknown_status_is_a_failure_not_a_write() -> None:
    payload = load_mapping(MAPPING).reverse("policy", {"compliance_status": "bogus", "needs_review": True})
    assert payload.values == {"reviewFlag": "Y"}
    assert payload.failures[0].target == "compliance_status"
    assert payload.failures[0].path == "status"


def test_reverse_only_fields_are_not_read() -> None:
    values = load_mapping(MAPPING).forward("policy", raw_policy(statusDate="01/01/2025")).values
    assert "status_checked_on" not in values


def test_ownership_lookup() -> None:
    record = load_mapping(MAPPING).record("policy")
    status = record.owner_of("compliance_status")
    assert status is not None
    assert (status.owner, status.job, status.effective_direction) == ("coisync", "sync", "both")
    number = record.owner_of("policy_number")
    assert number is not None
    assert (number.owner, number.job, number.effective_direction) == ("platform", None, "forward")
    assert record.owner_of("nope") is None
    assert [c.spec.target for c in record.writable(job="sync")] == ["compliance_status", "status_checked_on"]


def test_unknown_record_type_lists_known() -> None:
    with pytest.raises(KeyError, match=r"known: policy"):
        load_mapping(MAPPING).record("vendor")


def test_override_deep_merges_without_code() -> None:
    mapping = load_mapping(MAPPING, override=OVERRIDE)
    assert str(OVERRIDE) in mapping.source
    result = mapping.forward("policy", raw_policy())
    assert result.ok, result.reason
    assert result.values["custom"] == {"coi_tier": "Tier 1"}
    assert (
        result.values["compliance_status"] == "compliant"
    )  # from customStatus via the merged table entry "Good"
    assert "tier" not in result.values  # dropped
    assert result.values["policy_number"] == "GL-998877"  # untouched fields still there
    spec = mapping.record("policy").owner_of("compliance_status")
    assert spec is not None
    assert (spec.coerce, spec.table, spec.owner, spec.job) == ("code", "compliance_status", "coisync", "sync")
    assert mapping.reverse("policy", {"compliance_status": "expired"}).values == {"customStatus": "Expired"}
    assert mapping.forward("policy", raw_policy(customStatus="Deficient")).values["compliance_status"] == (
        "non_compliant"
    )


def test_override_as_data_and_bad_override_names_override_file() -> None:
    data = {"records": {"policy": {"fields": [{"target": "policy_number", "coerce": "moneyy"}]}}}
    with pytest.raises(MappingError) as info:
        load_mapping(MAPPING, override=data)
    message = str(info.value)
    assert "override" in message
    assert "records.policy.fields[0].coerce" in message
    assert "unknown coercion 'moneyy'" in message


def test_override_drop_of_unmapped_target_fails() -> None:
    data = {"records": {"policy": {"fields": [{"target": "nope", "drop": True}]}}}
    with pytest.raises(MappingError, match=r"records\.policy\.fields\[0\]\.drop.*'nope' is not mapped"):
        load_mapping(MAPPING, override=data)


def test_merge_leaves_inputs_unchanged() -> None:
    base = {"a": {"b": 1, "fields": [{"target": "x", "source": "s"}]}}
    override = {"a": {"c": 2, "fields": [{"target": "x", "source": "t"}, {"target": "y", "source": "u"}]}}
    merged = merge_mapping_data(base, override)
    assert merged == {
        "a": {"b": 1, "c": 2, "fields": [{"target": "x", "source": "t"}, {"target": "y", "source": "u"}]}
    }
    assert base == {"a": {"b": 1, "fields": [{"target": "x", "source": "s"}]}}


def test_lookup_by_registered_name_and_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register_mapping("acmelease_test", tmp_path / "absent.toml", MAPPING)
    try:
        assert load_mapping("acmelease_test").name == "acmelease"
    finally:
        unregister_mapping("acmelease_test")
    monkeypatch.setenv("COISYNC_MAPPINGS_PATH", str(FIXTURES))
    assert load_mapping("acmelease").source == str(FIXTURES / "acmelease.toml")


def test_missing_mapping_says_where_it_looked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COISYNC_MAPPINGS_PATH", str(tmp_path))
    with pytest.raises(MappingError) as info:
        load_mapping("nosuchplatform")
    assert str(tmp_path / "nosuchplatform.toml") in str(info.value)
    assert "COISYNC_MAPPINGS_PATH" in str(info.value)


def test_rows_for_display() -> None:
    rows = {row.target: row for row in load_mapping(MAPPING).rows()}
    assert rows["coverage_type"].coercion == "code:coverage_type"
    assert rows["compliance_status"].write == "status"
    assert rows["policy_number"].write is None
    assert rows["status_checked_on"].source is None
    assert rows["status_checked_on"].direction == "reverse"


def test_defaults_are_coerced_at_load(tmp_path: Path) -> None:
    text = MAPPING.read_text(encoding="utf-8") + (
        '\n[[records.policy.fields]]\ntarget = "renewal_date"\nsource = "renewal"\ncoerce = "date"\ndefault = "01/31/2026"\n'
        '\n[[records.policy.fields]]\ntarget = "floor_limit"\nsource = "floor"\ncoerce = "money"\ndefault = "$5,000"\n'
    )
    path = tmp_path / "with_defaults.toml"
    path.write_text(text, encoding="utf-8")
    values = load_mapping(path).forward("policy", raw_policy()).values
    assert values["renewal_date"] == date(2026, 1, 31)
    assert values["floor_limit"] == {"amount": Decimal(5000), "currency": "USD"}
