"""The schema of a mapping file, and the checks that make a bad mapping fail at load.

Shape checks (types, unknown keys, allowed values) are pydantic's; :func:`validate_mapping`
turns their errors and the cross-field checks (duplicate targets, ownership, code tables) into a
:class:`~coisync.mapping.errors.MappingError` naming the file, the key and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coisync.mapping.codes import BUILTIN_CODE_TABLES, CodeTable, ambiguous_codes, tables_in_force
from coisync.mapping.coercions import COERCIONS, CoercionOptions, get_coercion
from coisync.mapping.errors import CoercionError, MappingError, PathSyntaxError
from coisync.mapping.paths import parse_path
from coisync.model.entities import EntityKind

Owner = Literal["platform", "coisync"]
Job = Literal["sync", "reconcile", "followup"]
Direction = Literal["forward", "reverse", "both"]

MAPPED_ENTITY_KINDS: tuple[str, ...] = (*(kind.value for kind in EntityKind), "policy")
"""Entity kinds a platform record type can map to; ``policy`` is one coverage line of a party."""

TARGET_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


def _check_path(value: str | None) -> str | None:
    if value is not None:
        try:
            parse_path(value)
        except PathSyntaxError as exc:
            raise ValueError(str(exc)) from None
    return value


class FieldSpec(_Spec):
    """One canonical field of one platform record type."""

    target: str = Field(description="Canonical field, dotted for nested values")
    source: str | None = Field(default=None, description="Path read from the platform record")
    write: str | None = Field(default=None, description="Path written on the platform; default: source")
    coerce: str = "string"
    table: str | None = None
    format: str | None = None
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    default: Any = Field(default=None, description="Canonical value used when the platform has none")
    required: bool = False
    owner: Owner = "platform"
    job: Job | None = None
    direction: Direction | None = None
    description: str | None = None

    @field_validator("target")
    @classmethod
    def _target_name(cls, value: str) -> str:
        if not TARGET_PATTERN.match(value):
            raise ValueError(
                "must be a snake_case canonical field name, dotted for nesting (e.g. 'limit.amount')"
            )
        return value

    @field_validator("source", "write")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        return _check_path(value)

    @field_validator("coerce")
    @classmethod
    def _known_coercion(cls, value: str) -> str:
        try:
            get_coercion(value)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
        return value

    @property
    def effective_direction(self) -> Direction:
        """``direction`` as written, else ``both`` for coisync-owned fields and ``forward`` otherwise."""
        if self.direction is not None:
            return self.direction
        return "both" if self.owner == "coisync" else "forward"

    @property
    def write_path(self) -> str | None:
        """The platform path the reverse direction writes."""
        return self.write or self.source


class CodeTableSpec(_Spec):
    """A vocabulary table: platform code to canonical value."""

    values: dict[str, str] = Field(default_factory=dict)
    reverse: dict[str, str] = Field(default_factory=dict, description="Canonical value to platform code")
    unknown: Literal["keep", "error"] = "keep"
    description: str | None = None


class RecordSpec(_Spec):
    """How one platform record type maps to canonical fields."""

    entity: str = Field(description="Canonical entity kind the record describes")
    id: str | None = Field(default=None, description="Path of the platform's id")
    updated_at: str | None = Field(default=None, description="Path of the last-modified time")
    version: str | None = Field(default=None, description="Path of the version or ETag")
    description: str | None = None
    fields: list[FieldSpec] = Field(min_length=1)

    @field_validator("entity")
    @classmethod
    def _entity(cls, value: str) -> str:
        if value not in MAPPED_ENTITY_KINDS:
            raise ValueError(f"unknown entity kind {value!r} (valid: {', '.join(MAPPED_ENTITY_KINDS)})")
        return value

    @field_validator("id", "updated_at", "version")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        return _check_path(value)


class MappingMeta(_Spec):
    """The ``[mapping]`` table: what the file is for."""

    name: str = Field(min_length=1, description="Connector name")
    version: int = Field(default=1, ge=1)
    description: str | None = None


class MappingSpec(_Spec):
    """A whole mapping file."""

    mapping: MappingMeta
    code_tables: dict[str, CodeTableSpec] = Field(default_factory=dict)
    records: dict[str, RecordSpec] = Field(min_length=1)


def format_loc(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a dotted key: ``records.insurance.fields[2].coerce``."""
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top level)"


def _problem(error: Any) -> tuple[str, str | None]:
    kind = error["type"]
    if kind == "missing":
        return "is missing", "add it"
    if kind == "extra_forbidden":
        return "is not a known key", "check the spelling against docs/mappings.md"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message, None


def validate_mapping(data: dict[str, Any], file: str) -> MappingSpec:
    """Parse and check a mapping file's data.

    Args:
        data: The parsed TOML.
        file: The file's path or resource name, for messages.

    Returns:
        The checked mapping.

    Raises:
        MappingError: The first problem found, naming file, key and reason.
    """
    try:
        spec = MappingSpec.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        problem, fix = _problem(error)
        raise MappingError(file, format_loc(tuple(error["loc"])), problem, fix) from None
    for name, table in spec.code_tables.items():
        clash = ambiguous_codes(table.values)
        if clash:
            raise MappingError(
                file,
                f"code_tables.{name}.values",
                f"{clash[0]!r} and {clash[1]!r} are the same code once case and punctuation are ignored, "
                "but map to different values",
                "keep one of them",
            )
    tables = tables_in_force({n: (t.values, t.reverse, t.unknown) for n, t in spec.code_tables.items()})
    for record_name, record in spec.records.items():
        _check_record(spec, record_name, record, file, tables)
    return spec


def field_options(field: FieldSpec, tables: Mapping[str, CodeTable]) -> CoercionOptions:
    """The coercion options of a field, its code table looked up in ``tables``."""
    return CoercionOptions(
        format=field.format, currency=field.currency, table=tables[field.table] if field.table else None
    )


def _check_record(
    spec: MappingSpec, record_name: str, record: RecordSpec, file: str, tables: dict[str, CodeTable]
) -> None:
    targets: dict[str, int] = {}
    writes: dict[str, int] = {}
    for position, field in enumerate(record.fields):
        key = f"records.{record_name}.fields[{position}]"
        if field.target in targets:
            raise MappingError(
                file,
                f"{key}.target",
                f"duplicate target {field.target!r} (also at fields[{targets[field.target]}])",
                "map each canonical field once per record type",
            )
        targets[field.target] = position
        _check_field(spec, field, key, file)
        if field.default is not None:
            try:
                COERCIONS[field.coerce].forward(field.default, field_options(field, tables))
            except CoercionError as exc:
                raise MappingError(
                    file, f"{key}.default", f"does not fit coercion {field.coerce!r}: {exc}"
                ) from None
        if field.effective_direction != "forward" and field.write_path is not None:
            path = str(parse_path(field.write_path))
            if path in writes:
                raise MappingError(
                    file, f"{key}.write", f"platform path {path!r} is written by fields[{writes[path]}] too"
                )
            writes[path] = position
    for target in targets:
        for other in targets:
            if other.startswith(target + "."):
                raise MappingError(
                    file,
                    f"records.{record_name}.fields[{targets[other]}].target",
                    f"{other!r} nests inside {target!r}, which is mapped as a value",
                )


def _check_field(spec: MappingSpec, field: FieldSpec, key: str, file: str) -> None:
    coercion = COERCIONS[field.coerce]
    if coercion.needs_table and field.table is None:
        valid = sorted({*BUILTIN_CODE_TABLES, *spec.code_tables})
        raise MappingError(
            file, f"{key}.table", f"coercion {field.coerce!r} needs a table", f"add table = one of {valid}"
        )
    if field.table is not None:
        if not coercion.needs_table:
            raise MappingError(
                file, f"{key}.table", f"coercion {field.coerce!r} takes no table", 'use coerce = "code"'
            )
        if field.table not in spec.code_tables and field.table not in BUILTIN_CODE_TABLES:
            valid = sorted({*BUILTIN_CODE_TABLES, *spec.code_tables})
            raise MappingError(
                file, f"{key}.table", f"unknown code table {field.table!r} (valid: {', '.join(valid)})"
            )
    if field.format is not None:
        reason = coercion.check_format(field.format)
        if reason:
            raise MappingError(file, f"{key}.format", reason)
    if field.owner == "coisync" and field.job is None:
        raise MappingError(
            file,
            f"{key}.job",
            "a coisync-owned field needs the job that owns it",
            'add job = "sync", "reconcile" or "followup"',
        )
    if field.owner == "platform" and field.job is not None:
        raise MappingError(
            file, f"{key}.job", "only coisync-owned fields have a job", 'remove job or set owner = "coisync"'
        )
    direction = field.effective_direction
    if field.owner == "platform" and direction != "forward":
        raise MappingError(
            file,
            f"{key}.direction",
            "a platform-owned field is never written back to the platform",
            'set owner = "coisync" with its job, or direction = "forward"',
        )
    if direction != "reverse" and field.source is None and field.default is None:
        raise MappingError(
            file,
            f"{key}.source",
            "is missing: the field is read but has no source",
            'add source = "path" or a default',
        )
    if direction != "forward" and field.write_path is None:
        raise MappingError(
            file,
            f"{key}.write",
            "is missing: the field is written but has no platform path",
            'add write = "path"',
        )


__all__ = [
    "MAPPED_ENTITY_KINDS",
    "CodeTableSpec",
    "Direction",
    "FieldSpec",
    "Job",
    "MappingMeta",
    "MappingSpec",
    "Owner",
    "RecordSpec",
    "field_options",
    "format_loc",
    "validate_mapping",
]
