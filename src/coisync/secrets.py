"""Secrets in config files: references only, resolved in one place, never printed.

A config value that is a secret (a password, a client secret, an API key) is written as a
reference, never as the secret itself::

    [connections.procore.credentials]
    client_id = {"$env" = "PROCORE_CLIENT_ID"}
    client_secret = {"$file" = "secrets/procore_client_secret"}

``$env`` names an environment variable; ``$file`` names a file whose contents (without the
trailing newline) are the secret; a relative path is resolved against the directory of the
config file. :func:`resolve_secret` is the one function that turns a reference into a
:class:`pydantic.SecretStr`, whose ``repr`` and ``str`` show ``**********``.

Errors name the config key and the reference, never the value: an inline plain secret is
refused with the fix (move it to an environment variable), a missing variable or an unreadable
file is reported with the variable's name or the file's path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, SecretStr
from pydantic_core import PydanticCustomError

from coisync.errors import ConfigError

ENV_REF = "$env"
FILE_REF = "$file"
REF_KEYS = frozenset({ENV_REF, FILE_REF})

INLINE_SECRET_ERROR = "inline_secret"  # noqa: S105 - an error type name, not a secret
"""Pydantic error type raised when a secret field holds a plain string."""

INLINE_SECRET_FIX = 'put it in an environment variable and write {"$env": "NAME"}'  # noqa: S105 - advice text


def is_secret_ref(value: object) -> bool:
    """True when ``value`` is a ``{"$env": NAME}`` or ``{"$file": PATH}`` reference."""
    return (
        isinstance(value, Mapping)
        and len(value) == 1
        and next(iter(value)) in REF_KEYS
        and isinstance(next(iter(value.values())), str)
    )


def describe_ref(value: Mapping[str, str]) -> str:
    """A reference as the user wrote it, safe to print (it holds no secret)."""
    ((kind, target),) = value.items()
    return f'{{"{kind}": "{target}"}}'


def inline_secret_error(key: str) -> ConfigError:
    """The error for a secret written inline in a config file."""
    return ConfigError(key, "is a secret written inline in the config file", INLINE_SECRET_FIX)


def resolve_secret(value: object, *, key: str, base_dir: Path | None = None) -> SecretStr:
    """Turn a secret reference into a :class:`~pydantic.SecretStr`.

    Args:
        value: ``{"$env": NAME}``, ``{"$file": PATH}`` or an already resolved ``SecretStr``.
        key: The dotted config key holding the value, for error messages.
        base_dir: Directory relative ``$file`` paths are resolved against (the config file's
            directory); the working directory when not given.

    Returns:
        The secret, wrapped so it is never printed.

    Raises:
        ConfigError: The value is an inline plain secret, the variable is not set or empty, or
            the file cannot be read. The message names the key and the reference, never a value.
    """
    if isinstance(value, SecretStr):
        return value
    if not is_secret_ref(value):
        if isinstance(value, str | int | float):
            raise inline_secret_error(key)
        raise ConfigError(
            key, "must be a secret reference", 'write {"$env": "NAME"} or {"$file": "path/to/file"}'
        )
    assert isinstance(value, Mapping)
    ((kind, target),) = value.items()
    shown = describe_ref(value)
    if kind == ENV_REF:
        secret = os.environ.get(target)
        if not secret:
            state = "is empty" if secret == "" else "is not set"
            raise ConfigError(
                key,
                f"refers to environment variable {target} ({shown}), which {state}",
                f"export {target}=... before running coisync",
            )
        return SecretStr(secret)
    path = Path(target).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise ConfigError(
            key,
            f"refers to file {path} ({shown}), which cannot be read ({reason})",
            "check the path (relative paths start at the config file's directory) and its permissions",
        ) from None
    secret = text.rstrip("\r\n")
    if not secret:
        raise ConfigError(key, f"refers to file {path} ({shown}), which is empty", "write the secret into it")
    return SecretStr(secret)


def resolve_secret_refs(data: Any, *, key: str, base_dir: Path | None = None) -> Any:
    """A copy of ``data`` with every secret reference, at any depth, resolved.

    Args:
        data: Parsed config (dicts, lists, scalars).
        key: Dotted key of ``data`` itself, e.g. ``connections.procore``.
        base_dir: Directory relative ``$file`` paths are resolved against.

    Returns:
        The same structure with each reference replaced by a ``SecretStr``.
    """
    if is_secret_ref(data):
        return resolve_secret(data, key=key, base_dir=base_dir)
    if isinstance(data, Mapping):
        return {k: resolve_secret_refs(v, key=f"{key}.{k}", base_dir=base_dir) for k, v in data.items()}
    if isinstance(data, list):
        return [resolve_secret_refs(v, key=f"{key}[{i}]", base_dir=base_dir) for i, v in enumerate(data)]
    return data


def _secret_field(value: object) -> object:
    if isinstance(value, SecretStr):
        return value
    if is_secret_ref(value):
        return resolve_secret(value, key="(secret)")
    if isinstance(value, str):
        raise PydanticCustomError(INLINE_SECRET_ERROR, "is a secret written inline; " + INLINE_SECRET_FIX)
    return value


Secret = Annotated[SecretStr, BeforeValidator(_secret_field)]
"""Type of a secret config field: accepts a resolved ``SecretStr`` or a reference, refuses plain text."""


__all__ = [
    "ENV_REF",
    "FILE_REF",
    "INLINE_SECRET_ERROR",
    "INLINE_SECRET_FIX",
    "Secret",
    "describe_ref",
    "inline_secret_error",
    "is_secret_ref",
    "resolve_secret",
    "resolve_secret_refs",
]
