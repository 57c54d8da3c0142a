"""The Tinylease platform, emulated: tenants in a JSON state file, an API key, offset paging.

``TinyleaseEmulatorFactory`` is what the connector registers for ``coisync sandbox``: it builds
the emulator and seeds it with the scenario's tenants. See docs/writing-a-connector.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from coisync.sandbox.emulator import Clock, Emulator, Router, json_response, read_json
from coisync.sandbox.emulator import HttpError as Refusal
from coisync.sandbox.plugins import SandboxConnection

API_KEY = "tinylease-sandbox-key"  # the emulator's only key (a sandbox secret, not a real one)


class TinyleaseEmulator(Emulator):
    """The platform: tenants in a JSON state file, an API key, offset paging."""

    name = "tinylease"

    def routes(self, router: Router) -> None:
        router.add("/api/tenants", ["GET"], self.list_tenants)
        router.add("/api/tenants/<tenant_id>", ["GET", "PUT"], self.tenant)

    def seed(self, tenants: Sequence[Mapping[str, Any]]) -> None:
        with self.store.transaction() as state:
            for row in tenants:
                state.setdefault("tenants", {})[row["id"]] = {
                    "coi_status": "review",
                    "updated": self.now_iso(),
                    **row,
                }

    def _authorize(self, request: Request) -> None:
        if request.headers.get("X-Api-Key") != API_KEY:
            raise Refusal(401, message="invalid API key")

    def list_tenants(self, request: Request) -> Response:
        self._authorize(request)
        rows = sorted(self.store.snapshot().get("tenants", {}).values(), key=lambda row: row["id"])
        rows = [row for row in rows if row["updated"] >= request.args.get("updated_since", "")]
        offset, limit = int(request.args.get("offset", 0)), int(request.args.get("limit", 50))
        return json_response(rows[offset : offset + limit], headers={"X-Total-Count": str(len(rows))})

    def tenant(self, request: Request, tenant_id: str) -> Response:
        self._authorize(request)
        with self.store.transaction() as state:
            row = state.get("tenants", {}).get(tenant_id)
            if row is None:
                raise Refusal(404, message=f"no tenant {tenant_id}")
            if request.method == "PUT":
                row.update(coi_status=str(read_json(request)["coi_status"]), updated=self.now_iso())
            return json_response(row)


class TinyleaseEmulatorFactory:
    """What ``coisync sandbox`` serves: builds the emulator, seeds it with the scenario's tenants."""

    connector, platform = "tinylease", "vts"  # Tinylease holds tenants: reuse the VTS placements

    def __call__(self, state_dir: Path | str, clock: Clock | None = None, seed: int = 0) -> TinyleaseEmulator:
        return TinyleaseEmulator(state_dir, clock, seed)

    def seed_from_scenario(self, emulator: Emulator, view: Any) -> None:
        assert isinstance(emulator, TinyleaseEmulator)
        emulator.seed([{"id": f"T-{m.platform_id}", "name": m.party["legal_name"]} for m in view.parties])

    def sandbox_connection(self, emulator: Emulator, base_url: str) -> SandboxConnection:
        return SandboxConnection(credentials={"headers": {"X-Api-Key": API_KEY}})
