"""What the conformance kit needs to know about one connector: a small adapter per connector.

The kit knows no platform. A connector's test module subclasses :class:`ConformanceAdapter`
to say how to build its emulator, how to configure a connection to it, how to seed and change
records, and which write to try; everything else (serving, faults, clocks, checks) is the kit's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from coisync.connector import Connector, PlatformRecord, WriteOp
from coisync.http import FakeClock
from coisync.sandbox.emulator import Emulator

DEFAULT_PAGE_SIZE = 5


class ConformanceAdapter(ABC):
    """A connector's answers to the kit's questions.

    Attributes:
        connector_cls: The connector class under test.
        stream: The stream the kit reads (it should page and read incrementally).
        page_size: Records per page the connection is configured with; the kit seeds enough
            records for at least three pages.
    """

    connector_cls: ClassVar[type[Connector]]
    stream: ClassVar[str]
    page_size: ClassVar[int] = DEFAULT_PAGE_SIZE

    @abstractmethod
    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        """A fresh emulator on ``clock``, holding the context the records need (no records yet)."""

    @abstractmethod
    def connection_table(self, base_url: str) -> dict[str, Any]:
        """The ``[connections.NAME]`` table for ``base_url``, with secrets as ``{"$env": ...}``.

        The kit adds ``connector``, ``writes``, ``allow_private_network`` and
        ``allow_insecure_http``; the table sets ``page_size`` (or its equivalent) itself.
        """

    @abstractmethod
    def credentials_env(self, *, valid: bool) -> dict[str, str]:
        """Environment variables the table's secret references name: valid or refused values."""

    def secrets(self) -> list[str]:
        """Values that must never appear in logs or errors; by default every valid credential."""
        return list(self.credentials_env(valid=True).values())

    @abstractmethod
    def seed(self, emulator: Emulator, count: int) -> list[str]:
        """Add ``count`` records the stream reads; return their platform ids (as text)."""

    @abstractmethod
    def modify(self, emulator: Emulator, platform_id: str) -> None:
        """Change one seeded record through the emulator, as a user of the platform would."""

    def write_op(self, connector: Connector, record: PlatformRecord) -> WriteOp | None:
        """A write to try on ``record`` (a record the stream read); ``None`` for a read-only connector."""
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self.connector_cls.__name__}>"


__all__ = ["DEFAULT_PAGE_SIZE", "ConformanceAdapter"]
