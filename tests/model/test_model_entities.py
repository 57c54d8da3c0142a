"""Parties, properties, agreements, waivers: identity, masking, activity windows."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from coisync.model import Agreement, Party, Property, Waiver


def test_tax_id_is_masked_except_in_canonical_json() -> None:
    party = Party.model_validate_json(
        '{"id": "p-1", "kind": "vendor", "legal_name": "Acme HVAC LLC", "tax_id": "12-3456789"}'
    )
    assert "3456789" not in repr(party)
    assert "3456789" not in party.model_dump_json()
    assert party.model_dump()["tax_id"] == "***-**-6789"
    assert '"tax_id":"12-3456789"' in party.canonical_json()
    assert party.masked_tax_id == "***-**-6789"


@pytest.mark.parametrize("bad_id", ["", " spaced id", "-leading", "x" * 201, "semi;colon"])
def test_ids_are_readable_and_safe(bad_id: str) -> None:
    with pytest.raises(ValidationError):
        Party(id=bad_id, kind="vendor", legal_name="X")  # type: ignore[arg-type]


def test_property_holder_defaults_to_owner_entity() -> None:
    prop = Property.model_validate_json(
        '{"id": "prop-1", "name": "One Main", "owner_entity": "One Main Owner LLC", "time_zone": "America/Chicago"}'
    )
    assert prop.holder.name == "One Main Owner LLC"


def test_property_refuses_unknown_time_zone() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        Property.model_validate_json(
            '{"id": "prop-1", "name": "One Main", "owner_entity": "O LLC", "time_zone": "Mars/Olympus"}'
        )


def test_agreement_activity_window() -> None:
    agreement = Agreement.model_validate_json(
        '{"id": "a-1", "kind": "lease", "party_id": "p-1", "property_id": "prop-1",'
        ' "start_date": "2026-01-01", "end_date": "2026-12-31"}'
    )
    assert not agreement.is_active_on(date(2025, 12, 31))
    assert agreement.is_active_on(date(2026, 12, 31))
    assert not agreement.is_active_on(date(2027, 1, 1))
    terminated = agreement.model_copy(update={"status": "terminated"})
    assert not terminated.is_active_on(date(2026, 6, 1))


def test_waiver_activity_and_revocation() -> None:
    waiver = Waiver.model_validate_json(
        '{"id": "w-1", "party_id": "p-1", "scope": {"finding_codes": ["limit_insufficient"]},'
        ' "approver": "J. Smith", "reason": "Small job", "granted_on": "2026-01-01", "expires_on": "2026-06-30"}'
    )
    assert waiver.active_on(date(2026, 6, 30))
    assert not waiver.active_on(date(2026, 7, 1))
    revoked = waiver.model_copy(update={"revoked_at": datetime(2026, 2, 1)})
    assert not revoked.active_on(date(2026, 3, 1))


def test_waiver_needs_a_scope_reason_and_approver() -> None:
    with pytest.raises(ValidationError):
        Waiver.model_validate_json(
            '{"id": "w-1", "party_id": "p-1", "scope": {"finding_codes": []},'
            ' "approver": "", "reason": "", "granted_on": "2026-01-01"}'
        )
