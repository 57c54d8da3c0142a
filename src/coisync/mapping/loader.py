"""Finding, reading and merging mapping files.

Where :func:`load_mapping` looks for a connector's mapping, first match wins:

1. ``name_or_path`` itself, when it is a path to a file (it contains a ``/`` or ends in ``.toml``);
2. locations registered for that name with :func:`register_mapping` (connector packages
   register the mapping shipped inside their wheel when their connector is registered);
3. ``<dir>/<name>.toml`` for each directory of ``COISYNC_MAPPINGS_PATH`` (``os.pathsep``-separated),
   then of ``./mappings``.

A per-connection override (``mapping = "..."`` in ``[connections.NAME]``) is deep-merged over it:
tables merge key by key, and ``fields`` entries merge by ``target`` (same target: the override's
keys win; new target: appended; ``drop = true``: the field is removed).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from coisync.mapping.compiled import PlatformMapping, compile_mapping
from coisync.mapping.errors import MappingError
from coisync.mapping.spec import validate_mapping

MAPPINGS_PATH_ENV = "COISYNC_MAPPINGS_PATH"
DEFAULT_MAPPINGS_DIR = "mappings"

Location = Path | Traversable

_REGISTRY: dict[str, list[Location]] = {}


def register_mapping(name: str, *locations: Location) -> None:
    """Tell :func:`load_mapping` where the mapping named ``name`` may be (tried in order)."""
    known = _REGISTRY.setdefault(name, [])
    for location in locations:
        if location not in known:
            known.append(location)


def registered_mappings() -> dict[str, list[Location]]:
    """Registered names and their candidate locations."""
    return {name: list(locations) for name, locations in _REGISTRY.items()}


def unregister_mapping(name: str) -> None:
    """Forget a registered name (tests)."""
    _REGISTRY.pop(name, None)


def read_mapping_data(location: Location) -> dict[str, Any]:
    """The parsed TOML of a mapping file.

    Raises:
        MappingError: The file cannot be read or is not valid TOML.
    """
    try:
        text = location.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(
            str(location), "(file)", f"cannot be read ({exc.strerror or exc})", "check the path"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            str(location), "(syntax)", f"is not valid TOML ({exc})", "correct the syntax at that line"
        ) from None


def _search_dirs() -> list[Path]:
    dirs = [Path(part) for part in os.environ.get(MAPPINGS_PATH_ENV, "").split(os.pathsep) if part]
    return [*dirs, Path(DEFAULT_MAPPINGS_DIR)]


def find_mapping(name_or_path: str | Path) -> Location:
    """Where the mapping is (see module docs).

    Raises:
        MappingError: Nothing was found; the message lists where coisync looked.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or os.sep in text or text.endswith(".toml"):
        path = Path(text).expanduser()
        if not path.is_file():
            raise MappingError(text, "(file)", "does not exist", "check the path")
        return path
    candidates: list[Location] = [*_REGISTRY.get(text, []), *(d / f"{text}.toml" for d in _search_dirs())]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise MappingError(
        f"{text}.toml",
        "(file)",
        f"no mapping found for {text!r} (looked in: {looked})",
        f"install the connector package, or set {MAPPINGS_PATH_ENV} to a directory holding {text}.toml",
    )


def merge_mapping_data(
    base: dict[str, Any], override: dict[str, Any], file: str = "override", prefix: str = ""
) -> dict[str, Any]:
    """``override`` deep-merged over ``base`` (see module docs); neither input is changed.

    Raises:
        MappingError: A ``drop`` names a target the base does not map, or a field has no target.
    """
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        if key == "fields" and isinstance(value, list) and isinstance(base.get(key), list):
            merged[key] = _merge_fields(base[key], value, file, f"{prefix}{key}")
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge_mapping_data(base[key], value, file, f"{prefix}{key}.")
        else:
            merged[key] = value
    return merged


def _merge_fields(base: list[Any], override: list[Any], file: str, key: str) -> list[Any]:
    fields = [dict(entry) if isinstance(entry, dict) else entry for entry in base]
    by_target = {entry.get("target"): i for i, entry in enumerate(fields) if isinstance(entry, dict)}
    dropped: set[int] = set()
    for position, entry in enumerate(override):
        if not isinstance(entry, dict) or "target" not in entry:
            raise MappingError(
                file, f"{key}[{position}].target", "is missing", "name the canonical field to add or change"
            )
        entry = dict(entry)
        drop = entry.pop("drop", False)
        index = by_target.get(entry["target"])
        if drop:
            if index is None:
                raise MappingError(
                    file, f"{key}[{position}].drop", f"target {entry['target']!r} is not mapped"
                )
            dropped.add(index)
        elif index is None:
            by_target[entry["target"]] = len(fields)
            fields.append(entry)
        else:
            fields[index] = {**fields[index], **entry}
    return [entry for i, entry in enumerate(fields) if i not in dropped]


def load_mapping(
    name_or_path: str | Path, override: str | Path | dict[str, Any] | None = None
) -> PlatformMapping:
    """Load, merge, check and compile a mapping.

    Args:
        name_or_path: A connector name (looked up as described in the module docs) or a file path.
        override: A per-connection override file (or its parsed data) merged over the mapping.

    Returns:
        The compiled mapping.

    Raises:
        MappingError: The mapping or the override cannot be found, read or checked; the message
            names the file, the key and the reason.
    """
    location = find_mapping(name_or_path)
    data = read_mapping_data(location)
    spec = validate_mapping(data, str(location))
    source = str(location)
    if override is None:
        return compile_mapping(spec, source)
    if isinstance(override, dict):
        override_data, override_name = override, "override"
    else:
        override_location = find_mapping(Path(override))
        override_data, override_name = read_mapping_data(override_location), str(override_location)
    merged = merge_mapping_data(data, override_data, override_name)
    spec = validate_mapping(merged, f"{override_name} (merged over {location})")
    return compile_mapping(spec, f"{source} + {override_name}")


def mapping_names(extra_dirs: Iterable[Path] = ()) -> list[str]:
    """Names of every mapping that can be found: registered ones and files in the search path."""
    names = set(_REGISTRY)
    for directory in (*extra_dirs, *_search_dirs()):
        if directory.is_dir():
            names.update(path.stem for path in directory.glob("*.toml"))
    return sorted(names)


__all__ = [
    "MAPPINGS_PATH_ENV",
    "find_mapping",
    "load_mapping",
    "mapping_names",
    "merge_mapping_data",
    "read_mapping_data",
    "register_mapping",
    "registered_mappings",
    "unregister_mapping",
]
