"""Record fingerprints: how the pull knows, before any work, that a record has not changed.

A record's fingerprint is its content hash (of the raw record, as the platform sent it) bound
to a digest of the mapping it is read through, so editing a mapping re-maps every record once.
The fingerprint is stored on the record's ref when the record is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

from coisync.connector import Connector, PlatformRecord
from coisync.store import Store
from coisync.store.engine import read_connection
from coisync.store.refs import all_hashes, stored_hashes


@lru_cache(maxsize=64)
def _spec_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def mapping_fingerprint(connector: Connector, platform_type: str) -> str:
    """A digest of the mapping a record type is read through."""
    spec = connector.mapping.record(platform_type).spec
    return _spec_digest(spec.model_dump_json())


def fingerprint(content_hash: str, salt: str) -> str:
    """A record's content hash bound to the mapping it was read through."""
    return hashlib.sha256(f"{content_hash}|{salt}".encode()).hexdigest()


class StoredFingerprints:
    """The fingerprints stored on a connection's refs, as the pull's unchanged check reads them.

    A small batch asks the store for its own records; at the first large batch of a record type
    (a first read, a ``--full`` re-read) every stored fingerprint of that type is read in one
    query and kept, and each batch the pull writes is read back into what is kept. The check is
    only a shortcut: a batch found changed is checked again inside its write transaction.
    """

    BULK = 200

    def __init__(self, store: Store, connector: Connector) -> None:
        self.store = store
        self.connector = connector
        self.kept: dict[str, dict[str, str | None]] = {}

    def unchanged(self, records: Sequence[PlatformRecord]) -> bool:
        """Whether every record holds the fingerprint stored on its ref."""
        if not records:
            return False
        name = self.connector.config.name
        by_type: dict[str, list[PlatformRecord]] = {}
        for record in records:
            by_type.setdefault(record.platform_type, []).append(record)
        for platform_type, group in by_type.items():
            salt = mapping_fingerprint(self.connector, platform_type)
            kept = self.kept.get(platform_type)
            if kept is None and len(group) >= self.BULK:
                with read_connection(self.store.engine) as conn:
                    kept = self.kept[platform_type] = all_hashes(conn, name, platform_type)
            if kept is None:
                with read_connection(self.store.engine) as conn:
                    kept = stored_hashes(conn, name, platform_type, [r.platform_id for r in group])
            if any(kept.get(r.platform_id) != fingerprint(r.content_hash, salt) for r in group):
                return False
        return True

    def refresh(self, records: Sequence[PlatformRecord]) -> None:
        """Read back what a written batch left stored, for the types kept in full."""
        name = self.connector.config.name
        for platform_type, kept in self.kept.items():
            ids = [r.platform_id for r in records if r.platform_type == platform_type]
            if ids:
                with read_connection(self.store.engine) as conn:
                    found = stored_hashes(conn, name, platform_type, ids)
                for platform_id in ids:
                    kept[platform_id] = found.get(platform_id)
