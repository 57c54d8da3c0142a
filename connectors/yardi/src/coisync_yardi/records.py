"""Voyager's XML documents as the raw dicts streams hand over and mappings read.

Vendors and tenants keep their own elements (``Insurance`` included, so a change to a policy
changes the party's content hash too). Each ``<Policy>`` becomes a record of its own, carrying
its holder's id (``VendorId`` or ``TenantCode``) and the holder's ``LastModified``: the assumed
policy shape has no timestamp of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from coisync.http.soap import local_name
from coisync.mapping.xmldict import element_to_value


def as_list(value: Any) -> list[Any]:
    """A repeated child as a list (XML gives a dict for one, a list for several, None for none)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def children_named(document: Element | None, name: str) -> Iterator[Element]:
    """The document's children called ``name`` (namespaces ignored)."""
    if document is None:
        return
    for child in document:
        if local_name(child.tag) == name:
            yield child


def raw_records(document: Element | None, name: str) -> list[dict[str, Any] | Any]:
    """Each ``name`` child as a dict (a child without elements comes back as its text)."""
    return [element_to_value(child) for child in children_named(document, name)]


def policy_records(holder: Any, key: str) -> list[Any]:
    """The policies of a vendor or tenant dict, each with the holder's ``key`` and ``LastModified``."""
    if not isinstance(holder, dict):
        return []
    insurance = holder.get("Insurance")
    policies = as_list(insurance.get("Policy")) if isinstance(insurance, dict) else []
    out: list[Any] = []
    for policy in policies:
        if isinstance(policy, dict):
            out.append({**policy, key: holder.get(key), "LastModified": holder.get("LastModified")})
        else:
            out.append(policy)
    return out


def without_insurance(holder: Any) -> Any:
    """A tenant dict without its policies (the lease record)."""
    if not isinstance(holder, dict):
        return holder
    return {k: v for k, v in holder.items() if k not in ("Insurance", "UserDefinedFields", "Notes")}


__all__ = ["as_list", "children_named", "policy_records", "raw_records", "without_insurance"]
