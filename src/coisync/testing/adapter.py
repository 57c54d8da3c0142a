"""What the conformance kit needs to know about one connector: a small adapter per connector.

The kit knows no platform. A connector's test module subclasses :class:`ConformanceAdapter`
to say how to build its emulator, how to configure a connection to it, how to seed and change
records, and which write to try; everything else (serving, faults, clocks, checks) is the kit's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from coisync.connector import Connector, PlatformRecord, WriteOp, WriteTarget
from coisync.http import FakeClock
from coisync.sandbox.emulator import Emulator

DEFAULT_PAGE_SIZE = 5
NON_COMPLIANT = {"compliance_status": "non_compliant", "deficiency_summary": "GL each occurrence below $2M"}
"""The desired status the kit's default write sets."""


def mapped_op(
    connector: Connector,
    platform_type: str,
    platform_id: str | None,
    desired: Mapping[str, Any],
    *,
    op_id: str,
    job: str = "sync",
    target: WriteTarget = WriteTarget.COMPLIANCE_STATUS,
    origin_id: str | None = None,
) -> WriteOp:
    """A write of ``desired`` (canonical values) on one record, its payload from the connector's
    reverse mapping for ``job``, as the planner makes it.

    Raises:
        AssertionError: The mapping could not produce the payload.
    """
    payload = connector.mapping.reverse(platform_type, dict(desired), job=job)
    assert not payload.failures, payload.failures
    return WriteOp(
        op_id=op_id,
        connection=connector.config.name,
        target=target,
        platform_type=platform_type,
        platform_id=platform_id,
        payload=payload.values,
        desired=dict(desired),
        job=job,
        origin_id=origin_id,
    )


def mapped_status_op(
    connector: Connector, platform_type: str, platform_id: str, desired: Mapping[str, Any], *, op_id: str
) -> WriteOp:
    """A compliance-status write of ``desired`` on one record, as the sync plans it (:func:`mapped_op`)."""
    return mapped_op(connector, platform_type, platform_id, desired, op_id=op_id)


class ConformanceAdapter(ABC):
    """A connector's answers to the kit's questions.

    Attributes:
        connector_cls: The connector class under test.
        stream: The stream the kit reads (it should page and read incrementally).
        page_size: Records per page the connection is configured with; the kit seeds enough
            records for at least three pages.
        status_type: The platform type whose compliance status the default :meth:`write_op`
            sets (through the connector's mapping); ``None``: no default write.
    """

    connector_cls: ClassVar[type[Connector]]
    stream: ClassVar[str]
    page_size: ClassVar[int] = DEFAULT_PAGE_SIZE
    status_type: ClassVar[str | None] = None

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
        """A write to try on ``record`` (a record the stream read); ``None`` for a read-only connector.

        By default: mark ``record`` non-compliant with a reason when :attr:`status_type` is set.
        """
        if self.status_type is None:
            return None
        return mapped_status_op(
            connector, self.status_type, record.platform_id, NON_COMPLIANT, op_id="conformance-status-1"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self.connector_cls.__name__}>"


__all__ = ["DEFAULT_PAGE_SIZE", "NON_COMPLIANT", "ConformanceAdapter", "mapped_op", "mapped_status_op"]
