"""``DIR/coisync.toml`` for a running sandbox, and its credential files.

One ``[connections.NAME]`` table per served emulator (``writes = true``, loopback and plain
HTTP allowed), its secrets in ``DIR/credentials/NAME-KEY`` files (mode 0600) referenced with
``{"$file" = ...}``; ``[store] url`` points at ``DIR/coisync.db`` and ``[portfolio]`` at the
sandbox's ratings table. The file is rewritten on every start (ports may change).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coisync.compliance import DEFAULT_WINDOWS
from coisync.sandbox.plugins import SandboxConnection
from coisync.sandbox.scenario_files import RATINGS_FILE

CONFIG_FILE = "coisync.toml"
DB_FILE = "coisync.db"
CREDENTIALS_DIR = "credentials"


@dataclass(frozen=True)
class ServedConnection:
    """One emulator as the config describes it.

    Attributes:
        name: Connection name (the emulator's registered name).
        connector: The connector that talks to it.
        base_url: Where it listens.
        connection: Its credentials and extra settings.
    """

    name: str
    connector: str
    base_url: str
    connection: SandboxConnection


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Sequence):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def write_secret(path: Path, value: str) -> None:
    """Write ``value`` to ``path`` readable by the owner only (created 0600, never wider)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    tmp.chmod(0o600)
    tmp.replace(path)


def _secret_files(name: str, path: tuple[str, ...], value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _secret_files(name, (*path, str(key)), inner)
    else:
        yield "-".join((name, *path)), str(value)


def _file_refs(name: str, path: tuple[str, ...], value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _file_refs(name, (*path, str(key)), inner) for key, inner in value.items()}
    return {"$file": f"{CREDENTIALS_DIR}/{'-'.join((name, *path))}"}


def config_text(directory: Path, served: Sequence[ServedConnection], smtp: str | None) -> str:
    """The TOML text of ``DIR/coisync.toml`` (credential files are written separately)."""
    db_url = f"sqlite:///{(directory / DB_FILE).resolve()}"
    lines = [
        "# Written by `coisync sandbox up`; rewritten whenever the sandbox starts (ports may change).",
        f"# SMTP sink: {smtp} (messages land in mail/)" if smtp else "# SMTP sink: not running",
        "",
        "[store]",
        f"url = {_toml_value(db_url)}",
        "",
        "[portfolio]",
        f"expiring_windows = {_toml_value(list(DEFAULT_WINDOWS))}",
        f"ratings = {_toml_value(RATINGS_FILE)}",
        "",
        "[sync]",
        "# Every seeded platform status starts undecided, so the first sync changes them all.",
        "max_write_fraction = 1.0",
    ]
    if smtp:
        host, _, port = smtp.rpartition(":")
        lines += [
            "",
            "[followup.smtp]",
            f"host = {_toml_value(host)}",
            f"port = {int(port)}",
            'from = "coi-desk@sandbox.example"',
            "",
            "[followup.contacts.default]",
            'manager = "property-manager@sandbox.example"',
            'owner = "owner@sandbox.example"',
        ]
    for item in served:
        table = f"connections.{item.name}"
        lines += [
            "",
            f"[{table}]",
            f"connector = {_toml_value(item.connector)}",
            f"base_url = {_toml_value(item.base_url)}",
            "writes = true",
            "allow_private_network = true",
            "allow_insecure_http = true",
        ]
        lines += [f"{key} = {_toml_value(value)}" for key, value in item.connection.settings.items()]
        if item.connection.credentials:
            lines += ["", f"[{table}.credentials]"]
            for key, value in item.connection.credentials.items():
                lines.append(f"{json.dumps(key)} = {_toml_value(_file_refs(item.name, (key,), value))}")
    return "\n".join(lines) + "\n"


def write_config(directory: Path, served: Sequence[ServedConnection], smtp: str | None = None) -> Path:
    """Write the credential files and ``DIR/coisync.toml``; returns the config path."""
    for item in served:
        for file_name, value in _secret_files(item.name, (), item.connection.credentials):
            write_secret(directory / CREDENTIALS_DIR / file_name, value)
    path = directory / CONFIG_FILE
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(config_text(directory, served, smtp), encoding="utf-8")
    tmp.replace(path)
    return path


__all__ = [
    "CONFIG_FILE",
    "CREDENTIALS_DIR",
    "DB_FILE",
    "ServedConnection",
    "config_text",
    "write_config",
    "write_secret",
]
