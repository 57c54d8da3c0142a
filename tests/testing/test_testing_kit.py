"""The conformance kit run for a connector it has never heard of: a read-only, API-key platform.

"Kit Lease" is written here the way a third party would write theirs: an emulator on the
emulator base, a connector on the connector contract, a mapping, and an adapter. Its write
check must skip with the reason; every other check must pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import Field
from werkzeug.wrappers import Request, Response

from coisync.connector import (
    ApiKeyCredentials,
    CheckItem,
    ConnectionCheck,
    ConnectionConfig,
    Connector,
    Cursor,
    RecordBatch,
    Stream,
    batch_records,
)
from coisync.connector.mapped import NUMERIC_ID, identified_record
from coisync.errors import CoisyncError
from coisync.http import AuthError, FakeClock
from coisync.sandbox.emulator import Emulator, HttpError, Router, iso_utc, json_response
from coisync.testing import ConformanceAdapter, ConnectorConformance

MAPPING = Path(__file__).parent / "fixtures" / "kitlease.toml"
API_KEY = "kit-key-4471"
KEY_ENV = "KITLEASE_TEST_API_KEY"


class KitLeaseEmulator(Emulator):
    """``GET /api/policies?updated_since=&offset=&limit=`` with ``x-api-key``; ``{"data": [...]}``."""

    name = "kitlease"

    def routes(self, router: Router) -> None:
        router.add("/api/policies", ["GET"], self.policies)

    def policies(self, request: Request) -> Response:
        if request.headers.get("x-api-key") != API_KEY:
            raise HttpError(401, message="bad api key")
        since = request.args.get("updated_since", "")
        offset, limit = int(request.args.get("offset", 0)), int(request.args.get("limit", 50))
        with self.store.reading() as state:
            rows = sorted(state.get("policies", {}).values(), key=lambda row: row["id"])
        rows = [row for row in rows if row["updated_at"] >= since]
        return json_response({"data": rows[offset : offset + limit]}, 200, {"X-Total-Count": str(len(rows))})


class KitLeaseConfig(ConnectionConfig):
    credentials: ApiKeyCredentials
    page_size: int = Field(default=50, ge=1)


class PolicyStream(Stream):
    name = "policies"
    entity = "policy"
    platform_type = "policy"
    cursor_field = "updated_at"

    def __init__(self, connector: KitLeaseConnector) -> None:
        self.connector = connector

    def read(self, cursor: Cursor) -> Iterator[RecordBatch]:
        mapping = self.connector.mapping.record(self.platform_type)
        params = {"updated_since": cursor.value} if cursor.value else {}
        pager = {"type": "offset_total", "page_size": self.connector.config.page_size, "records_key": "data"}
        pages = self.connector.session.paginate("/api/policies", pager, params)
        items = (
            identified_record(self, raw, mapping, id_pattern=NUMERIC_ID)
            for page in pages
            for raw in page.records
        )
        yield from batch_records(self.name, items, cursor)


class KitLeaseConnector(Connector):
    name = "kitlease"
    title = "Kit Lease"
    config_model = KitLeaseConfig
    mapping_locations = (MAPPING,)
    read_only = True
    read_only_reason = "Kit Lease offers no write API"

    config: KitLeaseConfig

    def streams(self) -> Sequence[Stream]:
        return [PolicyStream(self)]

    def check(self) -> ConnectionCheck:
        try:
            self.session.request("GET", "/api/policies", params={"limit": 1})
        except AuthError as exc:
            return ConnectionCheck(
                CheckItem(False, str(exc)), CheckItem(None, "not tested"), self.writable_check()
            )
        except CoisyncError as exc:
            return ConnectionCheck(
                CheckItem(None, "not tested"), CheckItem(False, str(exc)), self.writable_check()
            )
        return ConnectionCheck(
            CheckItem(True, "key accepted"), CheckItem(True, "reachable"), self.writable_check()
        )


class KitLeaseAdapter(ConformanceAdapter):
    connector_cls = KitLeaseConnector
    stream = "policies"
    page_size = 4

    def create_emulator(self, state_dir: Path, clock: FakeClock) -> Emulator:
        return KitLeaseEmulator(state_dir, clock)

    def connection_table(self, base_url: str) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "page_size": self.page_size,
            "credentials": {"headers": {"x-api-key": {"$env": KEY_ENV}}},
        }

    def credentials_env(self, *, valid: bool) -> dict[str, str]:
        return {KEY_ENV: API_KEY if valid else "kit-key-wrong"}

    def seed(self, emulator: Emulator, count: int) -> list[str]:
        now = emulator.clock.now()
        with emulator.store.transaction() as state:
            policies = state.setdefault("policies", {})
            start = len(policies) + 100
            for n in range(start, start + count):
                policies[str(n)] = {
                    "id": n,
                    "policy_no": f"KL-{n}",
                    "vendor": f"v-{n % 3}",
                    "coverage": "GL",
                    "updated_at": iso_utc(now - 600 + n),
                }
        return [str(n) for n in range(start, start + count)]

    def modify(self, emulator: Emulator, platform_id: str) -> None:
        with emulator.store.transaction() as state:
            row = state["policies"][platform_id]
            row["coverage"] = "Umbrella"
            row["updated_at"] = iso_utc(emulator.clock.now())


class TestKitLeaseConformance(ConnectorConformance):
    adapter = KitLeaseAdapter()
    modes: ClassVar[tuple[str, ...]] = ("in_process",)


def test_write_check_skips_with_the_reason_for_a_read_only_connector() -> None:
    suite = TestKitLeaseConformance()
    with pytest.raises(pytest.skip.Exception, match="kitlease is read-only: Kit Lease offers no write API"):
        suite.test_same_write_twice_changes_the_platform_once(None, None, None, None)  # type: ignore[arg-type]


def test_modes_can_be_narrowed() -> None:
    assert TestKitLeaseConformance.modes == ("in_process",)
    assert ConnectorConformance.modes == ("in_process", "served")
