"""The connector registry, fed by the ``register_connectors(register)`` hook.

Each plugin's hook is called with a ``register`` bound to that plugin, so the registry knows
where every connector came from. ``register(cls)`` checks that ``cls`` is a concrete
:class:`~coisync.connector.base.Connector` subclass with a valid name and config model, refuses a
name registered before (naming both plugins), and registers the connector's shipped mapping
with :func:`coisync.mapping.register_mapping`. A plugin whose registration fails is reported and
skipped; the others still register.
"""

from __future__ import annotations

import inspect
import logging
import re
import threading
from dataclasses import dataclass, field

import pluggy

from coisync.connector.base import Connector
from coisync.connector.config import ConnectionConfig
from coisync.connector.errors import ConnectorRegistrationError
from coisync.errors import ConfigError
from coisync.mapping.loader import register_mapping

log = logging.getLogger("coisync.connector")

CONNECTOR_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class RegisteredConnector:
    """A connector class and the plugin that registered it."""

    cls: type[Connector]
    plugin: str


@dataclass
class ConnectorRegistry:
    """Connector classes by name.

    Attributes:
        entries: Name to registered connector.
        errors: Plugin name to why its registration failed.
    """

    entries: dict[str, RegisteredConnector] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def register(self, cls: object, *, plugin: str = "(direct)") -> None:
        """Add a connector class.

        Raises:
            ConnectorRegistrationError: ``cls`` is not a usable connector, or its name is taken.
        """
        problem = _problem(cls)
        if problem:
            raise ConnectorRegistrationError(f"plugin {plugin!r} registered {cls!r}: {problem}")
        assert isinstance(cls, type) and issubclass(cls, Connector)
        existing = self.entries.get(cls.name)
        if existing is not None:
            raise ConnectorRegistrationError(
                f"connector name {cls.name!r} is registered twice: by plugin {existing.plugin!r} "
                f"({existing.cls.__module__}.{existing.cls.__qualname__}) and by plugin {plugin!r} "
                f"({cls.__module__}.{cls.__qualname__}); uninstall one or limit COISYNC_LOAD_PLUGINS"
            )
        self.entries[cls.name] = RegisteredConnector(cls, plugin)
        if cls.mapping_locations:
            register_mapping(cls.name, *cls.mapping_locations)

    def get(self, name: str, *, key: str = "connector") -> type[Connector]:
        """The connector class called ``name``.

        Raises:
            ConfigError: No such connector; the message lists the installed ones.
        """
        if name not in self.entries:
            known = ", ".join(sorted(self.entries)) or "none installed"
            raise ConfigError(
                key,
                f"unknown connector {name!r} (installed: {known})",
                "install its package (see `coisync plugins`)",
            )
        return self.entries[name].cls

    def names(self) -> list[str]:
        """Registered connector names, sorted."""
        return sorted(self.entries)


def _problem(cls: object) -> str | None:
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        return "not a subclass of coisync.connector.Connector"
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(getattr(cls, "__abstractmethods__", ())))
        return f"abstract methods not implemented: {missing}"
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not CONNECTOR_NAME.match(name):
        return "its name must be lower-case letters, digits and '_' (at most 40)"
    if not (isinstance(cls.config_model, type) and issubclass(cls.config_model, ConnectionConfig)):
        return "config_model must be a ConnectionConfig subclass"
    if cls.read_only and not cls.read_only_reason:
        return "a read-only connector must say why in read_only_reason"
    return None


def collect_connectors(pm: pluggy.PluginManager) -> ConnectorRegistry:
    """Call every plugin's ``register_connectors`` with a ``register`` bound to that plugin."""
    registry = ConnectorRegistry()
    impls = pm.hook.register_connectors.get_hookimpls()
    for impl in impls:
        others = [other.plugin for other in impls if other.plugin is not impl.plugin]
        caller = pm.subset_hook_caller("register_connectors", remove_plugins=others)

        def register(cls: object, _plugin: str = impl.plugin_name) -> None:
            registry.register(cls, plugin=_plugin)

        try:
            caller(register=register)
        except Exception as exc:  # one broken plugin must not hide the others
            reason = f"{type(exc).__name__}: {exc}"
            registry.errors[impl.plugin_name] = reason
            log.warning(
                "plugin %r could not register its connectors and was skipped (%s)", impl.plugin_name, reason
            )
    return registry


_lock = threading.Lock()
_registry: ConnectorRegistry | None = None
_source: pluggy.PluginManager | None = None


def get_connector_registry() -> ConnectorRegistry:
    """The process-wide registry, collected from the plugin manager (again when the manager was reset)."""
    global _registry, _source
    from coisync.plugins import get_plugin_manager

    pm = get_plugin_manager()
    with _lock:
        if _registry is None or _source is not pm:
            _registry, _source = collect_connectors(pm), pm
        return _registry


def reset_connector_registry() -> None:
    """Forget the process-wide registry (tests that change plugins)."""
    global _registry, _source
    with _lock:
        _registry, _source = None, None


__all__ = [
    "ConnectorRegistry",
    "RegisteredConnector",
    "collect_connectors",
    "get_connector_registry",
    "reset_connector_registry",
]
