"""Declarative mappings: platform records to canonical fields and back, from TOML files.

A mapping file (``mappings/<connector>.toml``, shipped inside the connector's wheel) declares,
per platform record type, where each canonical field is read from, how it is coerced, who owns
it (the platform, or one of coisync's jobs) and where coisync writes it back. The format is
documented in ``docs/mappings.md``. This package knows no platform by name.

Typical use::

    mapping = load_mapping("acme", override=connection.mapping)
    result = mapping.forward("insurance", raw_record)
    if result.failures:
        quarantine(raw_record, result.reason)
    payload = mapping.reverse("insurance", {"compliance_status": "non_compliant"}, job="sync")
"""

from coisync.mapping.codes import BUILTIN_CODE_TABLES, CodeTable, normalise_code, snake_case
from coisync.mapping.coercions import COERCIONS, Coercion, CoercionOptions, get_coercion, register_coercion
from coisync.mapping.compiled import MappingRow, PlatformMapping, compile_mapping
from coisync.mapping.engine import CompiledField, FieldFailure, MappedRecord, PlatformPayload, RecordMapping
from coisync.mapping.errors import CoercionError, MappingError, PathSyntaxError
from coisync.mapping.loader import (
    MAPPINGS_PATH_ENV,
    find_mapping,
    load_mapping,
    mapping_names,
    merge_mapping_data,
    read_mapping_data,
    register_mapping,
    registered_mappings,
    unregister_mapping,
)
from coisync.mapping.paths import MISSING, Path, parse_path
from coisync.mapping.spec import CodeTableSpec, FieldSpec, MappingSpec, RecordSpec, validate_mapping

__all__ = [
    "BUILTIN_CODE_TABLES",
    "COERCIONS",
    "MAPPINGS_PATH_ENV",
    "MISSING",
    "CodeTable",
    "CodeTableSpec",
    "Coercion",
    "CoercionError",
    "CoercionOptions",
    "CompiledField",
    "FieldFailure",
    "FieldSpec",
    "MappedRecord",
    "MappingError",
    "MappingRow",
    "MappingSpec",
    "Path",
    "PathSyntaxError",
    "PlatformMapping",
    "PlatformPayload",
    "RecordMapping",
    "RecordSpec",
    "compile_mapping",
    "find_mapping",
    "get_coercion",
    "load_mapping",
    "mapping_names",
    "merge_mapping_data",
    "normalise_code",
    "parse_path",
    "read_mapping_data",
    "register_coercion",
    "register_mapping",
    "registered_mappings",
    "snake_case",
    "unregister_mapping",
    "validate_mapping",
]
