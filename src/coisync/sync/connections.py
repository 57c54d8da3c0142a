"""Connections from coisync.toml, built into connectors (installed through plugins)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from coisync.connector import Connector, connection_tables, get_connector_registry, load_connection
from coisync.connector.base import SessionFactory
from coisync.errors import ConfigError


def connection_names(config: Mapping[str, Any], wanted: Sequence[str] = ()) -> list[str]:
    """The configured connection names (only ``wanted``, checked, when given)."""
    tables = connection_tables(config)
    if not wanted:
        return sorted(tables)
    for name in wanted:
        if name not in tables:
            known = ", ".join(sorted(tables)) or "none"
            raise ConfigError(
                f"connections.{name}", f"is not configured (configured: {known})", "check --connection"
            )
    return list(dict.fromkeys(wanted))


def build_connector(
    name: str,
    config: Mapping[str, Any],
    config_path: Path,
    session_factory: SessionFactory | None = None,
) -> Connector:
    """The connector of one configured connection."""
    settings = load_connection(name, config, config_path=config_path)
    cls = get_connector_registry().get(settings.connector, key=f"connections.{name}.connector")
    return cls(settings, session_factory)
