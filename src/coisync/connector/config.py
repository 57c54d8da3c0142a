"""Connection settings: the ``[connections.NAME]`` tables of ``coisync.toml``.

::

    [connections.procore]
    connector = "procore"
    base_url = "https://api.procore.com"
    mapping = "mappings/procore.custom.toml"   # optional override, relative to this file
    writes = false                              # read-only until you switch writes on
    rate_limit = { rate = 2.0, burst = 5, concurrency = 2 }

    [connections.procore.credentials]
    client_id = {"$env" = "PROCORE_CLIENT_ID"}
    client_secret = {"$env" = "PROCORE_CLIENT_SECRET"}

A new connection is read-only: coisync writes nothing to the platform until ``writes = true``.
Connectors subclass :class:`ConnectionConfig` for their own keys and credential table. Errors
name the full key (``connections.procore.base_url``) and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coisync.connector.credentials import Credentials
from coisync.errors import ConfigError
from coisync.http import HttpConfig
from coisync.secrets import INLINE_SECRET_ERROR, inline_secret_error, resolve_secret_refs

if TYPE_CHECKING:
    from coisync.connector.registry import ConnectorRegistry

CONNECTION_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
DEFAULT_CONCURRENCY = 4


class RateLimitConfig(BaseModel):
    """How fast coisync may call the platform on this connection.

    Attributes:
        rate: Requests per second; ``None`` leaves pacing to the platform's own headers.
        burst: Requests that may go back to back after an idle period.
        concurrency: Most requests in flight at once.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: float | None = Field(default=None, gt=0)
    burst: int = Field(default=1, ge=1)
    concurrency: int = Field(default=DEFAULT_CONCURRENCY, ge=1, le=64)


class ConnectionConfig(BaseModel):
    """One connection to one platform account. Connectors subclass it for their own keys.

    Attributes:
        name: The connection's name (the table key, filled in by the loader).
        connector: Which connector plugin serves it.
        base_url: The platform's API root.
        credentials: The connector's credential table (secret references only).
        mapping: Path of a mapping override merged over the connector's shipped mapping.
        rate_limit: Pacing and concurrency.
        writes: Whether coisync may write to the platform. Off for a new connection.
        allow_private_network: Allow loopback/private addresses (emulators, on-premises servers).
        allow_insecure_http: Allow ``http://`` URLs (local emulators only).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    name: str = Field(pattern=CONNECTION_NAME.pattern)
    connector: str = Field(min_length=1)
    base_url: str
    credentials: Credentials = Field(default_factory=Credentials)
    mapping: Path | None = None
    rate_limit: RateLimitConfig = Field(default_factory=RateLimitConfig)
    writes: bool = False
    allow_private_network: bool = False
    allow_insecure_http: bool = False

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an absolute http(s) URL, e.g. https://api.example.com")
        return value.rstrip("/")

    def http_config(self, **overrides: Any) -> HttpConfig:
        """The :class:`~coisync.http.config.HttpConfig` of this connection (overrides win)."""
        settings: dict[str, Any] = {
            "base_url": self.base_url,
            "rate": self.rate_limit.rate,
            "burst": self.rate_limit.burst,
            "concurrency": self.rate_limit.concurrency,
            "allow_private_network": self.allow_private_network,
            "allow_insecure_http": self.allow_insecure_http,
        }
        settings.update(overrides)
        return HttpConfig(**settings)


def _key(prefix: str, loc: tuple[int | str, ...]) -> str:
    key = prefix
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return key


def _fix_for(error: Mapping[str, Any], key: str) -> tuple[str, str | None]:
    kind = str(error["type"])
    if kind == "missing":
        return "is missing", f"add {key.rsplit('.', 1)[-1]} = ... to the table"
    if kind == "extra_forbidden":
        return "is not a known key for this connector", "check the spelling in the connector's docs"
    return str(error["msg"]).removeprefix("Value error, "), None


def parse_connection(
    name: str,
    table: Mapping[str, Any],
    model: type[ConnectionConfig],
    *,
    base_dir: Path | None = None,
) -> ConnectionConfig:
    """Validate one ``[connections.NAME]`` table against a connector's config model.

    Args:
        name: The connection name.
        table: The table as parsed from TOML.
        model: The connector's config model.
        base_dir: The config file's directory (``$file`` secrets and the mapping override
            are relative to it).

    Returns:
        The validated config, secrets resolved.

    Raises:
        ConfigError: Naming the full key (``connections.NAME.KEY``) and the fix.
    """
    prefix = f"connections.{name}"
    if not CONNECTION_NAME.match(name):
        raise ConfigError(
            prefix, "is not a valid connection name", "use lower-case letters, digits, '-' and '_'"
        )
    if "name" in table:
        raise ConfigError(f"{prefix}.name", "is set by the table name", "remove it")
    data = resolve_secret_refs(dict(table), key=prefix, base_dir=base_dir)
    data["name"] = name
    mapping = data.get("mapping")
    if isinstance(mapping, str) and base_dir is not None and not Path(mapping).expanduser().is_absolute():
        data["mapping"] = base_dir / mapping
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = _key(prefix, tuple(error["loc"]))
        if error["type"] == INLINE_SECRET_ERROR:
            raise inline_secret_error(key) from None
        problem, fix = _fix_for(error, key)
        raise ConfigError(key, problem, fix) from None


def connection_tables(config: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The ``[connections.*]`` tables of a parsed config file.

    Raises:
        ConfigError: ``connections`` or one of its entries is not a table.
    """
    connections = config.get("connections", {})
    if not isinstance(connections, Mapping):
        raise ConfigError("connections", "must be a table", "write [connections.NAME] tables")
    for name, table in connections.items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"connections.{name}", "must be a table", f"write it as [connections.{name}]")
    return dict(connections)


def load_connection(
    name: str,
    config: Mapping[str, Any],
    *,
    config_path: Path | None = None,
    registry: ConnectorRegistry | None = None,
) -> ConnectionConfig:
    """The validated config of the connection ``name``, using its connector's config model.

    Args:
        name: The connection name.
        config: The parsed ``coisync.toml``.
        config_path: The config file (relative paths start at its directory).
        registry: Connectors to look ``connector`` up in; the plugins' registry by default.

    Raises:
        ConfigError: The connection is not configured, names an unknown connector, or a key is wrong.
    """
    from coisync.connector.registry import get_connector_registry

    tables = connection_tables(config)
    if name not in tables:
        known = ", ".join(sorted(tables)) or "none"
        raise ConfigError(
            f"connections.{name}",
            f"is not configured (configured: {known})",
            f"add a [connections.{name}] table",
        )
    table = tables[name]
    connector = table.get("connector")
    if not isinstance(connector, str) or not connector:
        raise ConfigError(f"connections.{name}.connector", "is missing", 'add connector = "<connector name>"')
    registry = registry or get_connector_registry()
    model = registry.get(connector, key=f"connections.{name}.connector").config_model
    base_dir = config_path.resolve().parent if config_path is not None else None
    return parse_connection(name, table, model, base_dir=base_dir)


__all__ = [
    "ConnectionConfig",
    "RateLimitConfig",
    "connection_tables",
    "load_connection",
    "parse_connection",
]
