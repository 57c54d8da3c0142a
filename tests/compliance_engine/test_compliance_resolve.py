"""Which requirements apply: agreement over template, assignment, names from the property."""

from __future__ import annotations

import pytest

from coisync.compliance import (
    TemplateLibrary,
    TemplateNotFoundError,
    assigned_template,
    resolve_requirements,
)
from coisync.model import Agreement, Party, Property, RequirementSet

PROPERTY = Property.model_validate(
    {
        "id": "prop-1",
        "name": "400 Commerce",
        "owner_entity": "Commerce Street Owner LLC",
        "manager": "Harbor Point Management Inc.",
        "certificate_holder": {
            "name": "Commerce Street Owner LLC c/o Harbor Point",
            "address": "400 Commerce",
        },
    },
    strict=False,
)


def party(kind: str = "tenant", category: str | None = None) -> Party:
    return Party.model_validate(
        {"id": "p-1", "kind": kind, "legal_name": "Blue Heron LLC", "category": category}, strict=False
    )


def agreement(**fields: object) -> Agreement:
    data = {"id": "lease-1", "kind": "lease", "party_id": "p-1", "property_id": "prop-1", **fields}
    return Agreement.model_validate(data, strict=False)


@pytest.mark.parametrize(
    ("kind", "category", "template"),
    [
        ("tenant", None, "tenant_office"),
        ("tenant", "Restaurant", "tenant_restaurant"),
        ("tenant", "retail", "tenant_retail"),
        ("vendor", "HVAC", "vendor_low"),
        ("vendor", "tree service", "vendor_high"),
        ("vendor", "unknown trade", "vendor_low"),
        ("contractor", None, "contractor"),
    ],
)
def test_assignment(kind: str, category: str | None, template: str) -> None:
    assert assigned_template(party(kind, category)) == template


def test_template_by_assignment_with_names_from_property() -> None:
    resolved, source = resolve_requirements(
        party=party("vendor", "roofing"),
        property=PROPERTY,
        agreement=None,
        templates=TemplateLibrary.builtin(),
    )
    assert source == "vendor_high"
    assert resolved.certificate_holder is not None
    assert resolved.certificate_holder.name == "Commerce Street Owner LLC c/o Harbor Point"
    assert [ai.name for ai in resolved.additional_insureds] == [
        "Commerce Street Owner LLC",
        "Harbor Point Management Inc.",
    ]


def test_role_without_name_on_property_is_dropped() -> None:
    bare = PROPERTY.model_copy(update={"manager": None, "certificate_holder": None})
    resolved, _ = resolve_requirements(
        party=party(), property=bare, agreement=None, templates=TemplateLibrary.builtin()
    )
    assert [ai.name for ai in resolved.additional_insureds] == ["Commerce Street Owner LLC"]
    assert resolved.certificate_holder is not None
    assert resolved.certificate_holder.name == "Commerce Street Owner LLC"


def test_agreement_template_wins_over_assignment() -> None:
    _, source = resolve_requirements(
        party=party("tenant"),
        property=PROPERTY,
        agreement=agreement(template="tenant_restaurant"),
        templates=TemplateLibrary.builtin(),
    )
    assert source == "tenant_restaurant"


def test_agreement_requirements_overlay_template_item_by_item() -> None:
    own = RequirementSet.model_validate(
        {
            "notice_of_cancellation_days": 60,
            "coverages": [
                {"coverage_type": "general_liability", "limits": {"each_occurrence": 2_000_000}},
                {"coverage_type": "pollution_liability", "limits": {"each_occurrence": 1_000_000}},
            ],
        },
        strict=False,
    )
    resolved, source = resolve_requirements(
        party=party(),
        property=PROPERTY,
        agreement=agreement(template="tenant_office", requirements=own.model_dump()),
        templates=TemplateLibrary.builtin(),
    )
    assert source == "lease-1"
    gl = resolved.coverage("general_liability")
    assert gl is not None
    assert gl.limits["each_occurrence"].amount == 2_000_000  # the agreement's own value
    assert gl.limits["general_aggregate"].amount == 2_000_000  # kept from the template
    assert gl.waiver_of_subrogation  # a flag the agreement did not set stays
    assert resolved.coverage("pollution_liability") is not None
    assert resolved.coverage("workers_compensation") is not None
    assert resolved.notice_of_cancellation_days == 60
    assert resolved.min_am_best_rating == "A-"
    assert resolved.additional_insureds[0].name == "Commerce Street Owner LLC"


def test_agreement_requirements_without_template_stand_alone() -> None:
    own = RequirementSet.model_validate({"coverages": [{"coverage_type": "cyber"}]}, strict=False)
    resolved, source = resolve_requirements(
        party=party(),
        property=None,
        agreement=agreement(requirements=own.model_dump()),
        templates=TemplateLibrary.builtin(),
    )
    assert source == "lease-1"
    assert [c.coverage_type for c in resolved.coverages] == ["cyber"]


def test_no_assignment_means_nothing_required() -> None:
    resolved, source = resolve_requirements(
        party=party("vendor"),
        property=None,
        agreement=None,
        templates=TemplateLibrary.builtin(),
        assignment={},
    )
    assert source == "none"
    assert resolved.coverages == ()


def test_unknown_template_on_agreement() -> None:
    with pytest.raises(TemplateNotFoundError):
        resolve_requirements(
            party=party(),
            property=None,
            agreement=agreement(template="nope"),
            templates=TemplateLibrary.builtin(),
        )
