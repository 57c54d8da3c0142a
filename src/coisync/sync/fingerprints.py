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

    A small batch asks the store for its own records; at the third large batch of a record type
    (a first read, a ``--full`` re-read) every stored fingerprint of that type is read in one
    query and kept, and the records of each batch the pull writes are dropped from what is kept
    (a first read keeps nothing). The check is only a shortcut: a batch found changed is
    checked again inside its write transaction.
    """

    BULK = 200
    LOAD_AT = 3
    """The large batch of a record type at which every fingerprint of the type is read. By the
    third, the pull's worker processes have started if the batches need writing: forked before
    the fingerprints are read, they do not inherit (and keep private copies of) those pages."""

    def __init__(self, store: Store, connector: Connector) -> None:
        self.store = store
        self.connector = connector
        self.kept: dict[str, dict[str, str | None]] = {}
        self.large: dict[str, int] = {}

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
                self.large[platform_type] = self.large.get(platform_type, 0) + 1
                if self.large[platform_type] >= self.LOAD_AT:
                    with read_connection(self.store.engine) as conn:
                        kept = self.kept[platform_type] = all_hashes(conn, name, platform_type)
            if kept is None:
                with read_connection(self.store.engine) as conn:
                    kept = stored_hashes(conn, name, platform_type, [r.platform_id for r in group])
            if any(kept.get(r.platform_id) != fingerprint(r.content_hash, salt) for r in group):
                return False
        return True

    def forget(self, records: Sequence[PlatformRecord]) -> None:
        """Drop what is kept of a written batch's records: a record read again later in the run
        is then found changed and checked against the store inside its write transaction."""
        for record in records:
            kept = self.kept.get(record.platform_type)
            if kept is not None:
                kept.pop(record.platform_id, None)
