"""The emulator's list responses have the shapes of VTS's published fragments (see vts_schemas)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import jsonschema
import pytest
from coisync_vts.emulator import VtsEmulator
from coisync_vts.sandbox import scenario_seed
from vts_raw import portfolio
from vts_schemas import ASSETS, GLOBAL_TENANTS, LEASES, TENANT_CONTACTS

from coisync.sandbox.scenario import build_scenario
from coisync.sandbox.views import platform_view

CASES = [
    ("/api/v1/assets", ASSETS),
    ("/api/v1/leases", LEASES),
    ("/api/v1/global_tenants", GLOBAL_TENANTS),
    ("/api/v1/tenant_contacts", TENANT_CONTACTS),
    ("/api/v1/tenants/7/contacts", TENANT_CONTACTS),
]


def errors(schema: dict[str, Any], body: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


@pytest.mark.parametrize(("path", "schema"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("page_size", [1, 25])
def test_list_responses_match_the_published_shapes(
    authed: httpx.Client, emulator: VtsEmulator, path: str, schema: dict[str, Any], page_size: int
) -> None:
    emulator.seed(portfolio(3))
    body = authed.get(path, params={"page[size]": page_size}).json()
    assert body["data"], "nothing to validate"
    assert errors(schema, body) == []


def test_the_schemas_catch_a_wrong_shape() -> None:
    bad = {
        "data": [{"id": 1, "type": "leases", "attributes": {"structure": "gross", "sourceid": 5}}],
        "links": {},
    }
    found = errors(LEASES, bad)
    assert len(found) == 4, found  # id not a string, bad enum, sourceid not a string, links.self missing


def test_scenario_seeded_lists_match_too(authed: httpx.Client, emulator: VtsEmulator) -> None:
    view = platform_view(build_scenario(3, 40, date(2026, 12, 4)), "vts")
    emulator.seed(scenario_seed(view))
    for path, schema in CASES[:2] + CASES[3:4]:
        body = authed.get(path, params={"page[size]": 100}).json()
        assert body["data"] and errors(schema, body) == [], path
