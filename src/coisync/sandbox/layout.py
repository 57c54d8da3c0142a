"""What a sandbox directory holds, its recorded settings and whether a sandbox runs there.

::

    DIR/sandbox-settings.json   seed, size, date and --only of this sandbox
    DIR/sandbox.json            the running sandbox: pid, readiness, emulator URLs, SMTP address
    DIR/sandbox.pid             pid of the serving process (while it runs)
    DIR/sandbox.log             output of a detached sandbox
    DIR/emulators/NAME/         each emulator's state (survives restarts; wiped by reset)
    DIR/mail/                   what the SMTP sink received
    DIR/coisync.toml, DIR/credentials/, DIR/coisync.db
    DIR/portfolio.jsonl, DIR/seeded-problems.json, DIR/ratings.csv
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from coisync.errors import UsageError

DEFAULT_DIR = Path(".coisync-sandbox")
SETTINGS_FILE = "sandbox-settings.json"
STATE_FILE = "sandbox.json"
PID_FILE = "sandbox.pid"
LOG_FILE = "sandbox.log"
EMULATORS_DIR = "emulators"
SEEDED_MARKER = ".seeded"
DEFAULT_SEED = 1
DEFAULT_SIZE = 40


@dataclass(frozen=True)
class SandboxSettings:
    """The scenario parameters a sandbox directory was set up with.

    Attributes:
        seed: The scenario seed.
        size: Parties in the scenario.
        as_of: The day the scenario's dates are relative to.
        only: Emulators to serve (empty: all installed).
    """

    seed: int
    size: int
    as_of: date
    only: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "seed": self.seed,
            "size": self.size,
            "as_of": self.as_of.isoformat(),
            "only": list(self.only),
        }


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object file, or None when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a JSON object atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def load_settings(directory: Path) -> SandboxSettings | None:
    """The recorded settings, or None for a fresh directory."""
    raw = read_json(directory / SETTINGS_FILE)
    if raw is None:
        return None
    return SandboxSettings(
        seed=int(raw["seed"]),
        size=int(raw["size"]),
        as_of=date.fromisoformat(str(raw["as_of"])),
        only=tuple(raw.get("only", [])),
    )


def resolve_settings(
    directory: Path,
    seed: int | None,
    size: int | None,
    as_of: date | None,
    only: tuple[str, ...],
    *,
    reset: bool,
) -> SandboxSettings:
    """Settings for starting (or resetting) the sandbox in ``directory``.

    Without ``reset``, a directory that already holds a scenario keeps it: options left out
    take the recorded values, and options that contradict them are refused (the emulators'
    state was seeded from the recorded scenario).

    Raises:
        UsageError: An option contradicts the recorded scenario.
    """
    recorded = load_settings(directory)
    if recorded is None or reset:
        base = recorded or SandboxSettings(DEFAULT_SEED, DEFAULT_SIZE, as_of or date.today())
        return SandboxSettings(
            seed=base.seed if seed is None else seed,
            size=base.size if size is None else size,
            as_of=as_of or (date.today() if reset or recorded is None else base.as_of),
            only=only or base.only,
        )
    for option, given, kept in (("--seed", seed, recorded.seed), ("--size", size, recorded.size),
                                ("--as-of", as_of, recorded.as_of)):  # fmt: skip
        if given is not None and given != kept:
            raise UsageError(
                f"{directory} holds a sandbox made with {option} {kept}; "
                f"run coisync sandbox reset {option} {given} --dir {directory} to rebuild it"
            )
    return SandboxSettings(recorded.seed, recorded.size, recorded.as_of, only or recorded.only)


def running_pid(directory: Path) -> int | None:
    """The pid of the process serving ``directory``, or None (a stale pid file is removed)."""
    path = directory / PID_FILE
    try:
        pid = int(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        path.unlink(missing_ok=True)
        return None
    except PermissionError:
        return pid
    return pid


def running_state(directory: Path) -> dict[str, Any]:
    """The state of the sandbox running in ``directory``.

    Raises:
        UsageError: No sandbox runs there (naming how to start one).
    """
    pid = running_pid(directory)
    state = read_json(directory / STATE_FILE)
    if pid is None or state is None or state.get("pid") != pid or not state.get("ready"):
        raise UsageError(f"no sandbox running in {directory}; start it with coisync sandbox up --detach")
    return state


def emulator_url(directory: Path, connection: str) -> str:
    """The base URL of a running emulator by connection name.

    Raises:
        UsageError: No sandbox runs, or it serves no such connection.
    """
    emulators = running_state(directory).get("emulators", {})
    if connection not in emulators:
        served = ", ".join(sorted(emulators)) or "none"
        raise UsageError(
            f"the sandbox in {directory} serves no connection {connection!r} (serving: {served})"
        )
    return str(emulators[connection]["url"])


__all__ = [
    "DEFAULT_DIR",
    "EMULATORS_DIR",
    "LOG_FILE",
    "PID_FILE",
    "SEEDED_MARKER",
    "SETTINGS_FILE",
    "STATE_FILE",
    "SandboxSettings",
    "emulator_url",
    "load_settings",
    "read_json",
    "resolve_settings",
    "running_pid",
    "running_state",
    "write_json",
]
