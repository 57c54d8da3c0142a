"""Reading the inputs of ``coisync check``: canonical JSON records, requirements, templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from coisync.cli.context import AppContext
from coisync.compliance import TemplateLibrary, read_requirements_file
from coisync.errors import InputError, UsageError
from coisync.model import FORMAT_VERSION, CanonicalModel, RequirementSet

M = TypeVar("M", bound=CanonicalModel)


def _summary(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc


def _unwrap(item: Any, record_type: str, path: Path) -> Any:
    """The record's data: a bare object or the canonical envelope of the right type."""
    if isinstance(item, dict) and "data" in item and "type" in item:
        if item.get("type") != record_type:
            raise InputError(f"{path}: holds a {item.get('type')!r} record, expected {record_type!r}")
        version = item.get("format_version")
        if version != FORMAT_VERSION:
            raise InputError(
                f"{path}: format_version {version!r} is not supported (this coisync reads {FORMAT_VERSION})"
            )
        return item["data"]
    return item


def load_records(path: Path, model: type[M], record_type: str, plural: str) -> list[M]:
    """Read one record, a list of records or a portfolio object from a canonical JSON file.

    Raises:
        InputError: The file is unreadable or a record does not validate (the message names both).
    """
    data = _read_json(path)
    if isinstance(data, dict) and plural in data and "type" not in data:
        items = data[plural]
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    if not isinstance(items, list):
        raise InputError(f"{path}: {plural!r} must be a list")
    records: list[M] = []
    for number, item in enumerate(items, start=1):
        payload = _unwrap(item, record_type, path)
        try:
            records.append(model.model_validate_json(json.dumps(payload)))
        except ValidationError as exc:
            where = f" record {number}" if len(items) > 1 else ""
            raise InputError(f"{path}{where}: not a valid {record_type}: {_summary(exc)}") from exc
    return records


def load_requirements(app: AppContext, value: str) -> tuple[RequirementSet, str]:
    """A requirement set from a TOML/JSON file or a template name, with its source.

    Raises:
        InputError: The file is unreadable or invalid.
        TemplateNotFoundError: Neither a file nor a known template.
    """
    path = Path(value)
    if path.suffix.lower() == ".json":
        (requirements,) = load_records(path, RequirementSet, "requirements", "requirements")
        return requirements, path.stem
    if path.suffix.lower() == ".toml" or path.exists():
        return read_requirements_file(path), requirements_source(path)
    return template_library(app).get(value), value


def requirements_source(path: Path) -> str:
    """Source reported for a requirements file: its name without extension."""
    return path.stem


def template_library(app: AppContext) -> TemplateLibrary:
    """The built-in templates plus the directories listed in ``[compliance] template_dirs``."""
    section = app.config.get("compliance", {})
    dirs = section.get("template_dirs", []) if isinstance(section, dict) else []
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        raise UsageError("config key 'compliance.template_dirs' must be a list of directory paths")
    base = app.config_path.resolve().parent
    return TemplateLibrary.with_directories([base / d for d in dirs]) if dirs else TemplateLibrary.builtin()
