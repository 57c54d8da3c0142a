"""The rule registry and the register_rules plugin hook."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from compliance_factories import AS_OF, certificate, line, requirements

from coisync import hookimpl
from coisync.compliance import (
    DEFAULT_RULES,
    DuplicateRuleError,
    EvaluationContext,
    Rule,
    RuleRegistry,
    build_rule_registry,
    default_rules,
    evaluate,
)
from coisync.model import Finding, Outcome
from coisync.plugins import build_plugin_manager


class AlwaysUnverified:
    """A plugin rule: flags every evaluation for review."""

    name = "always_unverified"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        yield Finding(code="house_rule", outcome=Outcome.UNVERIFIED, message="A human must look at this.")


class HouseRulesPlugin:
    @hookimpl
    def register_rules(self, register: object) -> None:
        register(AlwaysUnverified())  # type: ignore[operator]


def test_builtin_rules_are_rules_with_unique_names() -> None:
    names = [rule.name for rule in DEFAULT_RULES]
    assert len(names) == len(set(names))
    assert all(isinstance(rule, Rule) for rule in DEFAULT_RULES)
    assert names == [
        "missing",
        "dates",
        "coverage_limits",
        "names",
        "endorsements",
        "insurer",
        "terms",
        "property_terms",
    ]


def test_default_rules_come_from_the_plugin_manager() -> None:
    assert [r.name for r in default_rules()][: len(DEFAULT_RULES)] == [r.name for r in DEFAULT_RULES]


def test_registry_refuses_duplicates_and_non_rules() -> None:
    registry = RuleRegistry(DEFAULT_RULES)
    with pytest.raises(DuplicateRuleError, match="already registered"):
        registry.register(DEFAULT_RULES[0])
    with pytest.raises(TypeError, match="not a compliance rule"):
        registry.register(object())  # type: ignore[arg-type]


def test_plugin_rule_runs_after_builtins() -> None:
    pm, _ = build_plugin_manager(extra_plugins=(HouseRulesPlugin(),))
    registry = build_rule_registry(pm)
    assert registry.names()[-1] == "always_unverified"
    assert registry.names()[: len(DEFAULT_RULES)] == [r.name for r in DEFAULT_RULES]
    evaluation = evaluate(
        [certificate(line())], requirements(), as_of=AS_OF, party_id="p", rules=registry.rules()
    )
    assert evaluation.status.value == "pending_review"
    assert [f.code for f in evaluation.findings] == ["house_rule"]


def test_builtins_present_even_when_builtin_plugin_not_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COISYNC_LOAD_PLUGINS", "")
    pm, _ = build_plugin_manager(extra_plugins=(HouseRulesPlugin(),))
    assert build_rule_registry(pm).names() == [r.name for r in DEFAULT_RULES] + ["always_unverified"]
