"""The plugin manager: lazy, idempotent entry-point loading that survives broken plugins.

* Only the ``coisync`` entry-point group is read, once per process (:func:`get_plugin_manager`).
* ``COISYNC_LOAD_PLUGINS`` is a comma-separated allow-list of entry-point names; when set,
  nothing else loads (an empty value loads no plugin at all, built-ins included).
* A plugin that fails to import or register is skipped with a warning naming the plugin and its
  distribution, so one broken connector cannot stop a scheduled run.
* ``COISYNC_TRACE_PLUGINS=1`` logs every hook call and its result.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

import pluggy

from coisync.plugins import hookspecs

log = logging.getLogger("coisync.plugins")

ENTRY_POINT_GROUP = "coisync"


@dataclass
class PluginInfo:
    """What ``coisync plugins`` shows for one plugin."""

    name: str
    distribution: str | None
    version: str | None
    hooks: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    """Which plugins loaded and which failed, with the reason."""

    loaded: dict[str, PluginInfo] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


_lock = threading.Lock()
_pm: pluggy.PluginManager | None = None
_report = LoadReport()


def _allowed() -> set[str] | None:
    raw = os.environ.get("COISYNC_LOAD_PLUGINS")
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def _load_entry_point(pm: pluggy.PluginManager, ep: EntryPoint, report: LoadReport) -> None:
    dist = ep.dist.name if ep.dist else None
    version = ep.dist.version if ep.dist else None
    try:
        plugin = ep.load()
        pm.register(plugin, name=ep.name)
    except Exception as exc:  # a broken plugin must not stop the run
        reason = f"{type(exc).__name__}: {exc}"
        report.failed[ep.name] = reason
        log.warning(
            "plugin %r from package %r could not be loaded and was skipped (%s)",
            ep.name,
            dist or "unknown",
            reason,
        )
        return
    hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
    report.loaded[ep.name] = PluginInfo(ep.name, dist, version, hooks)


def _trace(pm: pluggy.PluginManager) -> None:
    def before(hook_name: str, hook_impls: object, kwargs: object) -> None:
        log.info("hook %s called with %r", hook_name, kwargs)

    def after(outcome: object, hook_name: str, hook_impls: object, kwargs: object) -> None:
        log.info("hook %s returned", hook_name)

    pm.add_hookcall_monitoring(before, after)


def build_plugin_manager(
    extra_plugins: tuple[object, ...] = (),
) -> tuple[pluggy.PluginManager, LoadReport]:
    """A fresh plugin manager with entry points loaded (no caching); used by tests."""
    pm = pluggy.PluginManager("coisync")
    pm.add_hookspecs(hookspecs)
    report = LoadReport()
    allowed = _allowed()
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name != "builtin", e.name)):
        if allowed is not None and ep.name not in allowed:
            continue
        if pm.has_plugin(ep.name):
            continue
        _load_entry_point(pm, ep, report)
    for plugin in extra_plugins:
        pm.register(plugin)
    if os.environ.get("COISYNC_TRACE_PLUGINS"):
        _trace(pm)
    return pm, report


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, loaded on first use."""
    global _pm, _report
    with _lock:
        if _pm is None:
            _pm, _report = build_plugin_manager()
        return _pm


def load_report() -> LoadReport:
    """What the process-wide manager loaded."""
    get_plugin_manager()
    return _report


def reset_plugin_manager() -> None:
    """Forget the process-wide manager (tests that change the environment)."""
    global _pm, _report
    with _lock:
        _pm = None
        _report = LoadReport()
