"""``coisync check``: judge certificate files against requirements on one day, without a store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

from coisync.cli.compliance_inputs import load_records, load_requirements
from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, safe_text, table
from coisync.compliance import RatingsTable, evaluate, fill_names
from coisync.errors import ExitCode, InputError
from coisync.model import (
    Certificate,
    Evaluation,
    Property,
    PropertyEvidence,
    RequirementSet,
    Status,
    Waiver,
)

WIDE_TABLE_COLUMNS = 140
"""Terminal width from which findings print as one table; narrower terminals get one block each."""

PASSING_STATUSES = (Status.COMPLIANT, Status.NOT_REQUIRED)
"""Statuses that exit 0; every other status exits 3 (findings)."""


def unresolved_roles(requirements: RequirementSet) -> list[str]:
    """What the name checks will skip because a role was never turned into a name."""
    skipped = []
    holder = requirements.certificate_holder
    if holder is not None and not holder.name:
        skipped.append("certificate holder")
    if any(not item.name for item in requirements.additional_insureds):
        skipped.append("additional insureds")
    return skipped


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
    unresolved = unresolved_roles(requirements)
    if unresolved:
        click.echo(
            f"note: {', '.join(unresolved)} not checked: the requirements name roles, not names; "
            "give --property to fill them in",
            err=True,
        )
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
