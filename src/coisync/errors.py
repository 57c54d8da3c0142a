"""Errors and the one exit-code table every command uses.

Exception tree::

    CoisyncError                     exit 2 unless a subclass says otherwise
    ├── UsageError                   2  bad arguments or command use
    ├── ConfigError                  2  a config key is wrong; the message names key and fix
    ├── InputError                   2  a file could not be read at all
    ├── StoreError                   2  the store cannot be opened or migrated
    ├── LockHeldError                4  another run holds the connection's lock
    └── TemporaryError               75 rate limit past the cap, platform outage: retry later

Exit codes (documented in docs/cli.md and printed by ``coisync --help``):

====  ===========================================================================
0     ok
1     partial failure: some records or writes failed, the rest were done
2     usage or configuration error
3     findings: not compliant, or new flags raised
4     another run holds the lock
75    temporary: rate limit past the cap or platform outage, retry later
70    internal error: a bug in coisync or a plugin (the message says where to look)
====  ===========================================================================
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes every coisync command uses."""

    OK = 0
    PARTIAL = 1
    USAGE = 2
    FINDINGS = 3
    LOCKED = 4
    TEMPORARY = 75
    INTERNAL = 70


EXIT_CODE_TABLE: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "ok"),
    (ExitCode.PARTIAL, "partial failure: some records or writes failed, the rest were done"),
    (ExitCode.USAGE, "usage or configuration error"),
    (ExitCode.FINDINGS, "findings: not compliant, or new flags raised"),
    (ExitCode.LOCKED, "another run holds the lock"),
    (ExitCode.TEMPORARY, "temporary: rate limit past the cap or platform outage; retry later"),
    (ExitCode.INTERNAL, "internal error: a bug in coisync or a plugin; run with -v for details"),
)


class CoisyncError(Exception):
    """Base of every error coisync raises on purpose; its message is one line for the user."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(CoisyncError):
    """Bad arguments or command use."""


class ConfigError(CoisyncError):
    """A configuration value is wrong; the message names the key and the fix."""

    def __init__(self, key: str, problem: str, fix: str | None = None) -> None:
        self.key = key
        self.problem = problem
        self.fix = fix
        message = f"config key '{key}': {problem}"
        if fix:
            message += f" (fix: {fix})"
        super().__init__(message)


class InputError(CoisyncError):
    """An input file could not be read at all."""


class StoreError(CoisyncError):
    """The store cannot be opened, migrated or written."""


class LockHeldError(CoisyncError):
    """Another run holds the lock."""

    exit_code = ExitCode.LOCKED


class TemporaryError(CoisyncError):
    """Retry later: a rate limit past the cap or a platform outage."""

    exit_code = ExitCode.TEMPORARY
