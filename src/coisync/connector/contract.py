"""Static checks of a connector's declarations, for the conformance kit and ``coisync`` itself.

:func:`contract_problems` inspects what a connector instance declares (no request is sent) and
lists every way it breaks the contract: its mapping does not load, a stream reads a record type
the mapping does not map or names another entity, a writer writes fields the mapping leaves to
the platform, a read-only connector offers writers, the config lets a new connection write.
"""

from __future__ import annotations

from collections import Counter

from coisync.connector.base import Connector
from coisync.connector.writer import ownership_problems
from coisync.errors import ConfigError
from coisync.mapping.spec import MAPPED_ENTITY_KINDS


def contract_problems(connector: Connector) -> list[str]:
    """Every way ``connector``'s declarations break the contract; empty when they keep it."""
    problems: list[str] = []
    writes_default = connector.config_model.model_fields["writes"].default
    if writes_default is not False:
        problems.append("config_model: a new connection must be read-only (writes defaults to False)")
    try:
        mapping = connector.mapping
    except ConfigError as exc:
        return [*problems, f"mapping: {exc}"]
    streams = list(connector.streams())
    for name, count in Counter(s.name for s in streams).items():
        if count > 1:
            problems.append(f"stream name {name!r} is used {count} times")
    for stream in streams:
        where = f"stream {stream.name!r}"
        if str(stream.entity) not in MAPPED_ENTITY_KINDS:
            problems.append(f"{where}: unknown entity kind {str(stream.entity)!r}")
        if stream.platform_type not in mapping.records:
            problems.append(f"{where}: reads {stream.platform_type!r}, which the mapping does not map")
        elif mapping.records[stream.platform_type].spec.entity != str(stream.entity):
            mapped = mapping.records[stream.platform_type].spec.entity
            problems.append(
                f"{where}: yields {str(stream.entity)!r} but the mapping maps {stream.platform_type!r} to {mapped!r}"
            )
        if stream.batch_size < 1:
            problems.append(f"{where}: batch_size must be at least 1")
        if stream.cursor_field is None and stream.sorted:
            problems.append(
                f"{where}: a full-refresh stream (no cursor_field) cannot be sorted by its cursor"
            )
    writers = list(connector.writers())
    if connector.read_only and writers:
        problems.append(f"read-only connector offers writers: {', '.join(w.name for w in writers)}")
    for name, count in Counter(w.name for w in writers).items():
        if count > 1:
            problems.append(f"writer name {name!r} is used {count} times")
    for writer in writers:
        if not writer.targets:
            problems.append(f"writer {writer.name!r} declares no target it can hold")
        problems.extend(ownership_problems(writer, mapping))
    return problems


__all__ = ["contract_problems"]
