"""Errors of the connector contract."""

from __future__ import annotations

from coisync.errors import CoisyncError, ConfigError, ExitCode


class WritesDisabledError(ConfigError):
    """A write was asked of a connection that may not write."""

    def __init__(self, connection: str, problem: str | None = None) -> None:
        super().__init__(
            f"connections.{connection}.writes",
            problem or "is false: this connection is read-only",
            f"set writes = true in [connections.{connection}] once the mapping has been reviewed",
        )
        self.connection = connection


class ConnectorRegistrationError(CoisyncError):
    """A plugin registered something that is not a usable connector, or a name twice."""

    exit_code = ExitCode.INTERNAL


__all__ = ["ConnectorRegistrationError", "WritesDisabledError"]
