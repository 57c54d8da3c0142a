"""Errors of the mapping engine: a bad mapping file, and one value that would not coerce."""

from __future__ import annotations

from coisync.errors import ConfigError


class MappingError(ConfigError):
    """A mapping file is wrong; the message names the file, the key and the reason.

    Attributes:
        file: The mapping file (path or resource name) the problem is in.
        key: Dotted key inside the file, e.g. ``records.insurance.fields[2].coerce``.
        problem: What is wrong.
        fix: What to do about it, when known.
    """

    def __init__(self, file: str, key: str, problem: str, fix: str | None = None) -> None:
        super().__init__(key, problem, fix)
        self.file = file
        message = f"mapping {file}, key '{key}': {problem}"
        if fix:
            message += f" (fix: {fix})"
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


class CoercionError(ValueError):
    """A platform or canonical value could not be converted; the message says why."""


class PathSyntaxError(ValueError):
    """A source or write path is not valid path syntax."""
