"""Tinylease: a whole coisync connector for a tiny platform (its emulator: tinylease_emulator.py).

Tinylease lists tenants at ``GET /api/tenants`` (``offset``/``limit``, total in ``X-Total-Count``,
``updated_since`` filter, ``X-Api-Key`` header) and stores a COI status per tenant
(``PUT /api/tenants/{id}``). See docs/writing-a-connector.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from coisync import hookimpl
from coisync.connector import (
    ApiKeyCredentials,
    CheckItem,
    ConnectionCheck,
    ConnectionConfig,
    Connector,
    Cursor,
    Idempotency,
    RecordBatch,
    Stream,
    WriteOp,
    WriteOutcome,
    Writer,
    WriteResult,
    WriteTarget,
    batch_records,
)
from coisync.connector.mapped import identified_record
from coisync.http import HttpError, NotFoundError

MAPPING = Path(__file__).with_name("tinylease.toml")


class TinyleaseConfig(ConnectionConfig):
    """``[connections.NAME]`` of a Tinylease connection: an API key header and a page size."""

    credentials: ApiKeyCredentials
    page_size: int = 50


class TenantStream(Stream):
    """Tenants changed since the cursor (``updated_since`` is inclusive, so the bound is closed)."""

    name, entity, platform_type, cursor_field = "tenants", "party", "tenant", "updated"

    def __init__(self, connector: TinyleaseConnector) -> None:
        self.connector = connector

    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        mapping = self.connector.mapping.record(self.platform_type)
        since = cursor.request_value()
        paginator = {"type": "offset_total", "page_size": self.connector.config.page_size}
        pages = self.connector.session.paginate(
            "/api/tenants", paginator, {"updated_since": since} if since else {}
        )
        items = (identified_record(self, raw, mapping) for page in pages for raw in page.records)
        yield from batch_records(self.name, items, cursor)


class StatusWriter(Writer):
    """The tenant's ``coi_status``; addressed by id, so writing it again changes nothing."""

    name, platform_type = "tenant_status", "tenant"
    targets: ClassVar[frozenset[WriteTarget]] = frozenset({WriteTarget.COMPLIANCE_STATUS})
    idempotency: ClassVar[frozenset[Idempotency]] = frozenset({Idempotency.NATURAL_KEY})
    owned_fields = ("compliance_status",)

    def __init__(self, connector: TinyleaseConnector) -> None:
        self.connector = connector

    def read_back(self, op: WriteOp) -> Mapping[str, Any] | None:
        try:
            return dict(self.connector.session.get(f"/api/tenants/{op.platform_id}").json())
        except NotFoundError:
            return None

    def apply(self, op: WriteOp) -> WriteResult:
        current = self.read_back(op)
        if current is None:
            return WriteResult(op_id=op.op_id, outcome=WriteOutcome.REJECTED, message="no such tenant")
        if current["coi_status"] == op.payload["coi_status"]:
            return WriteResult(op_id=op.op_id, outcome=WriteOutcome.UNCHANGED, platform_id=op.platform_id)
        body = {"coi_status": op.payload["coi_status"]}
        row = self.connector.session.request("PUT", f"/api/tenants/{op.platform_id}", json=body).json()
        return WriteResult(
            op_id=op.op_id, outcome=WriteOutcome.APPLIED, platform_id=op.platform_id, platform_value=row
        )


class TinyleaseConnector(Connector):
    """The connector: one stream, one writer, a check."""

    name, title, config_model = "tinylease", "Tinylease", TinyleaseConfig
    mapping_locations = (MAPPING,)

    def streams(self) -> Sequence[Stream]:
        return (TenantStream(self),)

    def writers(self) -> Sequence[Writer]:
        return (StatusWriter(self),)

    def check(self) -> ConnectionCheck:
        try:
            self.session.get("/api/tenants", params={"limit": 1})
        except HttpError as exc:
            return ConnectionCheck(
                CheckItem(False, str(exc)), CheckItem(None, "not tested"), self.writable_check()
            )
        return ConnectionCheck(
            CheckItem(True, "API key accepted"), CheckItem(True, "reachable"), self.writable_check()
        )


@hookimpl
def register_connectors(register: Any) -> None:
    register(TinyleaseConnector)


@hookimpl
def register_emulators(register: Any) -> None:
    from tinylease_emulator import TinyleaseEmulatorFactory  # the emulator loads only for the sandbox

    register("tinylease", TinyleaseEmulatorFactory())
