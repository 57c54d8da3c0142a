"""The query parameters of VTS lists: which filters each list takes, and the record tests they make.

Unknown ``filter[...]`` or ``page[...]`` parameters are a 400 (**assumed**: VTS may ignore them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Request

from coisync.sandbox.emulator import HttpError
from coisync_vts.emulator.documents import record_time, since_time
from coisync_vts.emulator.settings import CERTIFICATES, TENANT_UPDATES, VtsSettings

PAGE_PARAMS = frozenset({"page[size]", "page[after]", "page[before]"})
FILTERS: dict[str, frozenset[str]] = {
    "assets": frozenset({"filter[multi_building_asset_id]", "filter[updated_since]"}),
    "tenants": frozenset({"filter[primary_tenant_id]", "filter[global_tenant_id]", "filter[updated_since]"}),
    "global_tenants": frozenset({"filter[cap_iq_id][]", "filter[q]", "filter[updated_since]"}),
    "leases": frozenset({"filter[sourceid]", "filter[delinquent]", "filter[updated_since]"}),
    "tenant_contacts": frozenset({"filter[lease_id]", "filter[updated_since]"}),
    CERTIFICATES: frozenset({"filter[lease_id]", "filter[updated_since]"}),
    TENANT_UPDATES: frozenset({"filter[property_id]", "filter[tenant_id]", "filter[updated_since]"}),
}
"""The filters each list takes (fragments; the certificate filters **assumed**)."""
Check = Callable[[Mapping[str, Any]], bool]


def record_checks(request: Request, kind: str, settings: VtsSettings) -> list[Check]:
    """The record tests of the request's filters (400 for unknown or malformed ones)."""
    allowed = FILTERS[kind]
    for name in request.args:
        if (name.startswith("filter[") and name not in allowed) or (
            name.startswith("page[") and name not in PAGE_PARAMS
        ):
            raise HttpError(400, message=f"Unknown parameter {name}")
    args = request.args
    checks: list[Check] = []
    if "filter[updated_since]" in args:
        checks.append(_updated_since(since_time(args["filter[updated_since]"]), settings))
    for name, rel in (
        ("filter[lease_id]", "lease"),
        ("filter[global_tenant_id]", "global_tenant"),
        ("filter[multi_building_asset_id]", "multi_building_asset"),
        ("filter[tenant_id]", "tenant"),
        ("filter[property_id]", "asset"),
    ):
        if name in args:
            if kind == "tenant_contacts" and rel == "lease":
                checks.append(_in_list("lease_ids", args[name]))
            else:
                checks.append(_related(rel, args[name]))
    if "filter[sourceid]" in args:
        checks.append(_attribute("sourceid", args["filter[sourceid]"]))
    if "filter[primary_tenant_id]" in args:
        checks.append(_record_id(args["filter[primary_tenant_id]"]))
    if args.get("filter[delinquent]", "").lower() == "true":
        checks.append(_nothing)  # the emulator keeps no delinquencies
    if "filter[q]" in args:
        checks.append(_name_contains(args["filter[q]"]))
    return checks


def _updated_since(since: datetime, settings: VtsSettings) -> Check:
    def check(record: Mapping[str, Any]) -> bool:
        moment = record_time(record["attributes"].get("updated_at"))
        if moment is None:
            return False
        return moment >= since if settings.updated_since_inclusive else moment > since

    return check


def _in_list(key: str, wanted: str) -> Check:
    return lambda record: wanted in record.get(key, ())


def _related(name: str, wanted: str) -> Check:
    return lambda record: bool(record["rel"].get(name) == wanted)


def _attribute(name: str, wanted: str) -> Check:
    return lambda record: bool(record["attributes"].get(name) == wanted)


def _record_id(wanted: str) -> Check:
    return lambda record: bool(record["id"] == wanted)


def _nothing(record: Mapping[str, Any]) -> bool:
    return False


def _name_contains(text: str) -> Check:
    lowered = text.lower()
    return lambda record: lowered in str(record["attributes"].get("name", "")).lower()


__all__ = ["FILTERS", "PAGE_PARAMS", "Check", "record_checks"]
