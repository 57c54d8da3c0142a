"""The rule contract and the registry plugins extend through ``register_rules(register)``.

A rule is any object with a ``name`` and a ``check(context)`` method returning results
(:class:`~coisync.model.Finding`). Rules run in registration order; the built-in ones are
registered by ``coisync.builtin_plugins`` through the same hook third-party plugins use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from coisync.errors import UsageError
from coisync.model import Finding

if TYPE_CHECKING:
    from coisync.compliance.context import EvaluationContext


@runtime_checkable
class Rule(Protocol):
    """One family of checks.

    Attributes:
        name: Unique, stable name, e.g. ``coverage_limits``.
    """

    name: str

    def check(self, context: EvaluationContext) -> Iterable[Finding]:
        """Every result of this rule's checks (pass, fail or unverified); never raises on valid models."""
        ...


class DuplicateRuleError(UsageError):
    """Two rules were registered under the same name."""


class RuleRegistry:
    """Rules in registration order, unique by name, with the plugin that registered each."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        """Start a registry, optionally with rules."""
        self._rules: dict[str, Rule] = {}
        self._sources: dict[str, str | None] = {}
        for rule in rules:
            self.register(rule)

    def register(self, rule: Rule, *, source: str | None = None) -> None:
        """Add a rule (the ``register`` callback handed to ``register_rules``).

        Raises:
            TypeError: The object is not a rule.
            DuplicateRuleError: A rule with that name is already registered.
        """
        name = getattr(rule, "name", None)
        if not isinstance(name, str) or not name or not callable(getattr(rule, "check", None)):
            raise TypeError(
                f"{rule!r} is not a compliance rule: it needs a 'name' and a 'check(context)' method"
            )
        if name in self._rules:
            raise DuplicateRuleError(
                f"a compliance rule named {name!r} is already registered; give the new rule another name"
            )
        self._rules[name] = rule
        self._sources[name] = source

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, name: object) -> bool:
        return name in self._rules

    def names(self) -> list[str]:
        """Rule names in run order."""
        return list(self._rules)

    def rules(self) -> tuple[Rule, ...]:
        """The rules in run order."""
        return tuple(self._rules.values())


def build_rule_registry(plugin_manager: object | None = None) -> RuleRegistry:
    """A registry filled through the ``register_rules`` hook.

    The built-in rules always run first, in their own order, even when the built-in plugin is
    not loaded (e.g. an allow-list in ``COISYNC_LOAD_PLUGINS`` naming only third-party plugins);
    plugin rules follow in the order pluggy calls their hooks. A plugin rule reusing a built-in
    rule's name is refused.

    Args:
        plugin_manager: A pluggy manager; the process-wide one when None.
    """
    from coisync.compliance.rules import DEFAULT_RULES
    from coisync.plugins import get_plugin_manager

    pm = plugin_manager if plugin_manager is not None else get_plugin_manager()
    collected = RuleRegistry()
    pm.hook.register_rules(register=collected.register)  # type: ignore[attr-defined]
    registry = RuleRegistry(DEFAULT_RULES)
    builtin = {id(rule) for rule in DEFAULT_RULES}
    for rule in collected:
        if id(rule) not in builtin:
            registry.register(rule)
    return registry


_lock = threading.Lock()
_default: tuple[Rule, ...] | None = None


def default_rules() -> tuple[Rule, ...]:
    """The registered rules, collected once per process through the plugin manager."""
    global _default
    with _lock:
        if _default is None:
            _default = build_rule_registry().rules()
        return _default


def reset_default_rules() -> None:
    """Forget the collected rules (tests that change which plugins load)."""
    global _default
    with _lock:
        _default = None
