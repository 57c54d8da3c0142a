"""Requirement templates: built-in set, extra directories, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from coisync.compliance import TemplateLibrary, TemplateNotFoundError
from coisync.errors import InputError

BUILTIN = {
    "tenant_office",
    "tenant_retail",
    "tenant_restaurant",
    "vendor_low",
    "vendor_medium",
    "vendor_high",
    "contractor",
    "property_manager",
}


def test_builtin_templates_load_through_importlib_resources() -> None:
    library = TemplateLibrary.builtin()
    assert set(library.names()) == BUILTIN
    for name in library.names():
        requirements = library.get(name)
        assert requirements.name == name
        assert requirements.coverages, name
        assert library.origin(name) == "builtin"
        assert "# " in library.text(name), f"{name} should cite its sources in comments"


def test_tenant_office_values() -> None:
    office = TemplateLibrary.builtin().get("tenant_office")
    gl = office.coverage("general_liability")
    assert gl is not None
    assert {k: int(v.amount) for k, v in gl.limits.items()} == {
        "each_occurrence": 1_000_000,
        "general_aggregate": 2_000_000,
        "products_completed_ops_aggregate": 2_000_000,
    }
    assert gl.umbrella_may_fill and gl.waiver_of_subrogation and gl.primary_noncontributory
    assert office.notice_of_cancellation_days == 30
    assert (office.min_am_best_rating, office.min_financial_size_class) == ("A-", 8)
    assert office.certificate_holder is not None and office.certificate_holder.name is None
    assert [ai.role.value for ai in office.additional_insureds if ai.role] == ["owner", "manager"]


def test_restaurant_adds_liquor_and_contractor_needs_completed_ops() -> None:
    library = TemplateLibrary.builtin()
    assert library.get("tenant_restaurant").coverage("liquor_liability") is not None
    assert library.get("tenant_office").coverage("liquor_liability") is None
    assert all(ai.completed_operations for ai in library.get("contractor").additional_insureds)
    high = library.get("vendor_high").coverage("general_liability")
    assert high is not None and high.limits["each_occurrence"].amount == 2_000_000


def test_unknown_template_lists_known_ones() -> None:
    with pytest.raises(TemplateNotFoundError, match="known templates: contractor"):
        TemplateLibrary.builtin().get("nope")


def test_extra_directory_adds_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "vendor_low.toml").write_text(
        'description = "house rule"\n[[coverages]]\ncoverage_type = "cyber"\n', encoding="utf-8"
    )
    (tmp_path / "janitorial.toml").write_text(
        '[[coverages]]\ncoverage_type = "general_liability"\nlimits = { each_occurrence = 500_000 }\n',
        encoding="utf-8",
    )
    library = TemplateLibrary.with_directories([tmp_path])
    assert "janitorial" in library.names() and "tenant_office" in library.names()
    assert library.get("vendor_low").description == "house rule"
    assert library.origin("vendor_low") == str(tmp_path / "vendor_low.toml")
    assert library.origin("tenant_office") == "builtin"
    janitorial = library.get("janitorial").coverage("general_liability")
    assert janitorial is not None and janitorial.limits["each_occurrence"].amount == 500_000


def test_broken_template_is_reported_when_used(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("coverages = [ { coverage_type = ", encoding="utf-8")
    (tmp_path / "invalid.toml").write_text('min_am_best_rating = "Q"\n', encoding="utf-8")
    library = TemplateLibrary.with_directories([tmp_path], include_builtin=False)
    assert library.names() == ["broken", "invalid"]
    with pytest.raises(InputError, match="not valid TOML"):
        library.get("broken")
    with pytest.raises(InputError, match="min_am_best_rating"):
        library.get("invalid")


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        TemplateLibrary.with_directories([tmp_path / "absent"])
