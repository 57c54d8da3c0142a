"""``coisync check``: judge certificate files against requirements on one day, without a store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, safe_text, table
from coisync.compliance import RatingsTable, TemplateLibrary, evaluate, fill_names, read_requirements_file
from coisync.errors import ExitCode, InputError, UsageError
from coisync.model import (
    FORMAT_VERSION,
    CanonicalModel,
    Certificate,
    Evaluation,
    Property,
    PropertyEvidence,
    RequirementSet,
    Status,
    Waiver,
)

M = TypeVar("M", bound=CanonicalModel)

WIDE_TABLE_COLUMNS = 140
"""Terminal width from which findings print as one table; narrower terminals get one block each."""

PASSING_STATUSES = (Status.COMPLIANT, Status.NOT_REQUIRED)
"""Statuses that exit 0; every other status exits 3 (findings)."""


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


def render_evaluation(evaluation: Evaluation) -> None:
    """Print the verdict: a status line, then a table of every non-pass finding."""
    out = console()
    checked = len(evaluation.results)
    parts = [
        f"[bold]{evaluation.status.value.upper()}[/bold]",
        f"party {safe_text(evaluation.party_id)}",
        f"as of {evaluation.as_of}",
    ]
    if evaluation.requirement_source:
        parts.append(f"requirements {safe_text(evaluation.requirement_source)}")
    if evaluation.earliest_expiration:
        parts.append(f"earliest expiration {evaluation.earliest_expiration}")
    out.print("Status: " + "  ".join(parts), soft_wrap=True)
    findings = evaluation.findings
    if not findings:
        out.print(f"No findings: all {checked} checked items passed.")
        return
    title = f"{len(findings)} findings of {checked} checked items"
    if out.width >= WIDE_TABLE_COLUMNS:
        rows = [
            (
                f.code,
                f.outcome.value,
                f.coverage_type or "",
                f.required or "",
                f.found or "",
                f.evidence or "",
                str(f.clause) if f.clause else "",
                f.message,
            )
            for f in findings
        ]
        columns = ("code", "outcome", "coverage", "required", "found", "evidence", "clause", "message")
        out.print(table(title, columns, rows))
        return
    out.print(title)
    for f in findings:
        where = " ".join(
            part for part in (f.coverage_type, f"[{f.limit_key}]" if f.limit_key else None) if part
        )
        lines = [
            f"\n[bold]{f.outcome.value.upper()}[/bold]  {safe_text(f.code)}  {safe_text(where)}",
            f"  required: {safe_text(f.required or '-')}   found: {safe_text(f.found or '-')}",
        ]
        if f.evidence:
            lines.append(f"  evidence: {safe_text(f.evidence)}")
        if f.clause:
            lines.append(f"  clause: {safe_text(f.clause)}")
        lines.append(f"  {safe_text(f.message)}")
        for text in lines:
            out.print(text, soft_wrap=True)


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as JSON data, with its non-pass ``findings`` alongside ``results``."""
    data = evaluation.model_dump(mode="json")
    data["findings"] = [f.model_dump(mode="json") for f in evaluation.findings]
    return data


@click.command("check")
@click.option(
    "--certificate",
    "certificate_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Canonical JSON certificate (ACORD 25); repeat for several.",
)
@click.option(
    "--evidence",
    "evidence_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Canonical JSON ACORD 28 evidence of property insurance; repeat for several.",
)
@click.option(
    "--requirements",
    "requirements_value",
    required=True,
    metavar="FILE|TEMPLATE",
    help="Requirements TOML file or template name (see 'coisync requirements list').",
)
@click.option(
    "--property",
    "property_path",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Property JSON: fills holder and additional insured names.",
)
@click.option(
    "--waivers",
    "waivers_path",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help='Waivers JSON (one, a list, or {"waivers": [...]}).',
)
@click.option(
    "--ratings",
    "ratings_path",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="AM Best ratings CSV: naic,name,am_best_rating,financial_size_class.",
)
@click.option(
    "--as-of",
    "as_of",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The day judged.",
)
@click.option(
    "--window",
    "windows",
    multiple=True,
    type=click.IntRange(min=1),
    metavar="DAYS",
    help="Expiring window in days; repeat (default 30, 60, 90).",
)
@click.option(
    "--party", "party_id", metavar="ID", help="Party id (default: the certificates' party_id, else 'party')."
)
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
@pass_app
@click.pass_context
def check_command(
    ctx: click.Context,
    app: AppContext,
    certificate_paths: Sequence[Path],
    evidence_paths: Sequence[Path],
    requirements_value: str,
    property_path: Path | None,
    waivers_path: Path | None,
    ratings_path: Path | None,
    as_of: Any,
    windows: Sequence[int],
    party_id: str | None,
    as_json: bool,
) -> None:
    """Judge certificates against requirements on one day and print the verdict.

    \b
    Example:
      coisync check --certificate cert.json --requirements tenant_office \\
          --property property.json --ratings ambest.csv --as-of 2026-12-01

    Exit code 0 when compliant (or nothing is required), 3 otherwise.
    """
    certificates = [
        c for p in certificate_paths for c in load_records(p, Certificate, "certificate", "certificates")
    ]
    evidence = [e for p in evidence_paths for e in load_records(p, PropertyEvidence, "evidence", "evidence")]
    requirements, source = load_requirements(app, requirements_value)
    property_id = None
    if property_path is not None:
        records = load_records(property_path, Property, "property", "properties")
        if len(records) != 1:
            raise InputError(f"{property_path}: holds {len(records)} properties; give exactly one")
        requirements = fill_names(requirements, records[0])
        property_id = records[0].id
    waivers = load_records(waivers_path, Waiver, "waiver", "waivers") if waivers_path else []
    ratings = RatingsTable.from_csv(ratings_path) if ratings_path else None
    party = party_id or next((c.party_id for c in certificates if c.party_id), None) or "party"
    day: date = as_of.date()
    evaluation = evaluate(
        certificates,
        requirements,
        as_of=day,
        party_id=party,
        evidence=evidence,
        waivers=waivers,
        ratings=ratings,
        windows=tuple(windows) or (30, 60, 90),
        property_id=property_id,
        requirement_source=source,
    )
    if as_json:
        emit_json(evaluation_json(evaluation))
    else:
        render_evaluation(evaluation)
    ctx.exit(int(ExitCode.OK if evaluation.status in PASSING_STATUSES else ExitCode.FINDINGS))
