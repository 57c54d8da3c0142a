"""Where coisync finds its config file and its store, and how the file is read.

Resolution order for the config path: ``--config``, then ``COISYNC_CONFIG``, then
``./coisync.toml``. The store URL: ``--db``, then ``COISYNC_DB``, then the ``[store] url`` key,
then a ``coisync.db`` SQLite file beside the config file. A missing config file is fine (the
defaults apply); a config file that cannot be parsed is a :class:`~coisync.errors.ConfigError`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coisync.errors import ConfigError

DEFAULT_CONFIG_NAME = "coisync.toml"
DEFAULT_DB_NAME = "coisync.db"


def resolve_config_path(option: str | None) -> Path:
    """The config file path from the option, the environment or the default."""
    raw = option or os.environ.get("COISYNC_CONFIG") or DEFAULT_CONFIG_NAME
    return Path(raw).expanduser()


def read_config_file(path: Path) -> dict[str, Any]:
    """The parsed TOML config, or an empty dict when the file does not exist."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"is not valid TOML ({exc})", "correct the syntax at that line") from exc
    except OSError as exc:
        raise ConfigError(
            str(path), f"cannot be read ({exc.strerror})", "check the path and permissions"
        ) from exc


def resolve_db_url(option: str | None, config_path: Path, config: dict[str, Any]) -> str:
    """The SQLAlchemy URL of the store."""
    if option:
        return option
    env = os.environ.get("COISYNC_DB")
    if env:
        return env
    store = config.get("store", {})
    if not isinstance(store, dict):
        raise ConfigError("store", "must be a table", 'write it as [store] with url = "..."')
    url = store.get("url")
    if url is not None:
        if not isinstance(url, str) or not url:
            raise ConfigError("store.url", "must be a non-empty string", 'e.g. url = "sqlite:///coisync.db"')
        return url
    db_path = config_path.resolve().parent / DEFAULT_DB_NAME
    return f"sqlite:///{db_path}"


def config_key(prefix: str, loc: tuple[int | str, ...]) -> str:
    """The dotted config key of a validation error location, e.g. ``portfolio.windows[1]``."""
    key = prefix
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return key


def config_error(prefix: str, exc: ValidationError) -> ConfigError:
    """The first problem of a validation error, as a ConfigError naming the full key and the fix."""
    error = exc.errors()[0]
    key = config_key(prefix, tuple(error["loc"]))
    kind = str(error["type"])
    if kind == "missing":
        return ConfigError(key, "is missing", f"add {key.rsplit('.', 1)[-1]} = ... to the [{prefix}] table")
    if kind == "extra_forbidden":
        return ConfigError(key, "is not a known key", "check the spelling against docs/configuration.md")
    return ConfigError(key, str(error["msg"]).removeprefix("Value error, "), None)
