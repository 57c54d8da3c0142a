"""A whole compiled mapping (every record type of one connector) and how it is built.

:func:`compile_mapping` turns a checked :class:`~coisync.mapping.spec.MappingSpec` into a
:class:`PlatformMapping`: code tables merged over the built-ins, paths parsed, coercions looked
up, so forward and reverse mapping do no parsing per record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coisync.mapping.codes import CodeTable, tables_in_force
from coisync.mapping.coercions import get_coercion
from coisync.mapping.engine import CompiledField, MappedRecord, PlatformPayload, RecordMapping
from coisync.mapping.paths import parse_path
from coisync.mapping.spec import FieldSpec, MappingSpec, field_options


@dataclass(frozen=True)
class MappingRow:
    """One line of ``coisync mappings show``."""

    record_type: str
    source: str | None
    write: str | None
    target: str
    coercion: str
    owner: str
    job: str | None
    direction: str
    default: Any = None
    required: bool = False


@dataclass(frozen=True)
class PlatformMapping:
    """A whole compiled mapping: every record type of one connector.

    Attributes:
        spec: The checked mapping file (override applied).
        source: Where it was loaded from (file path or resource, plus the override).
        records: Record type to compiled mapping.
        tables: Code tables in force (built-ins merged with the file's).
    """

    spec: MappingSpec
    source: str
    records: dict[str, RecordMapping] = field(default_factory=dict)
    tables: dict[str, CodeTable] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The connector name the mapping is for."""
        return self.spec.mapping.name

    def record(self, record_type: str) -> RecordMapping:
        """The mapping of one record type.

        Raises:
            KeyError: The mapping has no such record type; the message lists the known ones.
        """
        try:
            return self.records[record_type]
        except KeyError:
            known = ", ".join(sorted(self.records))
            raise KeyError(
                f"mapping {self.name!r} has no record type {record_type!r} (known: {known})"
            ) from None

    def forward(self, record_type: str, raw: Mapping[str, Any]) -> MappedRecord:
        """Platform record to canonical fields."""
        return self.record(record_type).forward(raw)

    def reverse(
        self, record_type: str, canonical: Mapping[str, Any], *, job: str | None = None
    ) -> PlatformPayload:
        """Desired canonical values to a platform payload."""
        return self.record(record_type).reverse(canonical, job=job)

    def rows(self) -> list[MappingRow]:
        """Every field of every record type, for display."""
        return [
            MappingRow(
                name,
                c.spec.source,
                c.spec.write_path if c.spec.effective_direction != "forward" else None,
                c.spec.target,
                f"{c.spec.coerce}:{c.spec.table}" if c.spec.table else c.spec.coerce,
                c.spec.owner,
                c.spec.job,
                c.spec.effective_direction,
                c.spec.default,
                c.spec.required,
            )
            for name, record in self.records.items()
            for c in record.fields
        ]


def _compile_field(spec: FieldSpec, tables: Mapping[str, CodeTable]) -> CompiledField:
    options = field_options(spec, tables)
    coercion = get_coercion(spec.coerce)
    return CompiledField(
        spec=spec,
        source=parse_path(spec.source) if spec.source else None,
        write=parse_path(spec.write_path) if spec.write_path else None,
        target=parse_path(spec.target),
        coercion=coercion,
        options=options,
        default=None if spec.default is None else coercion.forward(spec.default, options),
    )


def compile_mapping(spec: MappingSpec, source: str) -> PlatformMapping:
    """Build the runnable mapping from a checked spec (see :func:`coisync.mapping.spec.validate_mapping`)."""
    tables = tables_in_force({n: (t.values, t.reverse, t.unknown) for n, t in spec.code_tables.items()})
    records = {
        name: RecordMapping(
            name=name,
            spec=record,
            fields=tuple(_compile_field(f, tables) for f in record.fields),
            id_path=parse_path(record.id) if record.id else None,
            updated_at_path=parse_path(record.updated_at) if record.updated_at else None,
            version_path=parse_path(record.version) if record.version else None,
        )
        for name, record in spec.records.items()
    }
    return PlatformMapping(spec=spec, source=source, records=records, tables=tables)


__all__ = ["MappingRow", "PlatformMapping", "compile_mapping"]
