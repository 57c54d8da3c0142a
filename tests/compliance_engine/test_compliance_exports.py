"""The public surface of coisync.compliance: the contract's entry points, nothing dangling."""

from __future__ import annotations

import inspect

import coisync.compliance as compliance


def test_all_names_exist_and_are_sorted_uniquely() -> None:
    assert len(set(compliance.__all__)) == len(compliance.__all__)
    for name in compliance.__all__:
        assert hasattr(compliance, name), name


def test_contract_signatures() -> None:
    evaluate = inspect.signature(compliance.evaluate)
    assert list(evaluate.parameters)[:2] == ["certificates", "requirements"]
    keyword_only = {n for n, p in evaluate.parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert keyword_only == {
        "as_of",
        "party_id",
        "evidence",
        "waivers",
        "ratings",
        "windows",
        "agreement_id",
        "property_id",
        "requirement_source",
        "rules",
    }
    resolve = inspect.signature(compliance.resolve_requirements)
    assert all(p.kind is p.KEYWORD_ONLY for p in resolve.parameters.values())
    assert set(resolve.parameters) == {"party", "property", "agreement", "templates", "assignment"}
    for name in ("from_csv", "from_rows", "lookup"):
        assert callable(getattr(compliance.RatingsTable, name))
    for name in ("builtin", "names", "get"):
        assert callable(getattr(compliance.TemplateLibrary, name))
