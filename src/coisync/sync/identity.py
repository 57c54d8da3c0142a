"""Canonical ids for platform records, and bulk lookup of the refs that already name them.

A platform record that no ref names yet becomes a new canonical entity whose id is derived from
where it came from (``<connection>:<platform type>:<platform id>``), so re-reading it, or
reading a child that points at it before the parent arrives, always gives the same id.
Reconciliation later links entities known to several connections into one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.engine import Connection

from coisync.model import ExternalRef
from coisync.store.refs import RefKey, get_refs

_UNSAFE = re.compile(r"[^A-Za-z0-9._:@/-]+")


def canonical_id(connection: str, platform_type: str, platform_id: str) -> str:
    """The canonical id of a platform record no ref names yet."""
    text = f"{connection}:{platform_type}:{_UNSAFE.sub('-', platform_id)}"
    return text[:200]


def existing_refs(conn: Connection, keys: Iterable[RefKey]) -> dict[RefKey, ExternalRef]:
    """The stored refs of the given keys (those that exist)."""
    return get_refs(conn, list(keys))
