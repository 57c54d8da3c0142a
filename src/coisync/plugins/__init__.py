"""The plugin host: hook specifications and the manager that loads plugins."""

from coisync.plugins.hookspecs import hookimpl, hookspec
from coisync.plugins.manager import (
    ENTRY_POINT_GROUP,
    LoadReport,
    PluginInfo,
    build_plugin_manager,
    get_plugin_manager,
    load_report,
    reset_plugin_manager,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "LoadReport",
    "PluginInfo",
    "build_plugin_manager",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
    "load_report",
    "reset_plugin_manager",
]
