"""``coisync requirements``: list and show the requirement templates."""

from __future__ import annotations

import click

from coisync.cli.compliance_inputs import template_library
from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, safe_text, table
from coisync.compliance.ratings import roman_size_class
from coisync.model import RequirementSet, coverage_title
from coisync.model.vocabulary import limit_title


@click.group("requirements")
def requirements_group() -> None:
    """Requirement templates: what each kind of tenant, vendor or contractor must carry."""


@requirements_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the templates as JSON.")
@pass_app
def list_command(app: AppContext, as_json: bool) -> None:
    """List the requirement templates (built-in and from [compliance] template_dirs)."""
    library = template_library(app)
    templates = [(name, library.get(name), library.origin(name)) for name in library.names()]
    if as_json:
        emit_json(
            {
                "templates": [
                    {
                        "name": name,
                        "origin": origin,
                        "description": requirements.description,
                        "coverages": [c.coverage_type for c in requirements.coverages],
                    }
                    for name, requirements, origin in templates
                ]
            }
        )
        return
    console().print(
        table(
            f"{len(templates)} requirement templates",
            ("name", "origin", "description"),
            [(name, origin, requirements.description or "") for name, requirements, origin in templates],
        )
    )


def _flags(item: object) -> str:
    names = {
        "umbrella_may_fill": "umbrella may fill",
        "additional_insured": "ADDL INSD",
        "waiver_of_subrogation": "waiver of subrogation",
        "primary_noncontributory": "primary & non-contributory",
        "statutory": "statutory",
    }
    return ", ".join(label for attr, label in names.items() if getattr(item, attr, False))


def render_requirements(name: str, requirements: RequirementSet) -> None:
    """Print a requirement set readably: coverages table, names and the other terms."""
    out = console()
    out.print(f"[bold]{safe_text(name)}[/bold]: {safe_text(requirements.description or '')}")
    rows = []
    for item in requirements.coverages:
        limits = "; ".join(f"{limit_title(k)} {v}" for k, v in item.limits.items()) or "-"
        extra = []
        if item.basis:
            extra.append(item.basis.value.replace("_", "-"))
        if item.max_deductible:
            extra.append(f"max deductible {item.max_deductible}")
        flags = ", ".join(part for part in (_flags(item), *extra) if part)
        rows.append(
            (coverage_title(item.coverage_type), limits, flags, str(item.clause) if item.clause else "")
        )
    out.print(table("Coverages", ("coverage", "minimum limits", "terms", "clause"), rows))
    holder = requirements.certificate_holder
    if holder is not None:
        out.print(f"Certificate holder: {safe_text(holder.name or 'the property certificate holder')}")
    for ai in requirements.additional_insureds:
        who = ai.name or (f"the property {ai.role.value}" if ai.role else "?")
        ops = " and ".join(
            o for o, on in (("ongoing", ai.ongoing_operations), ("completed", ai.completed_operations)) if on
        )
        covs = ", ".join(coverage_title(c) for c in ai.coverage_types)
        out.print(f"Additional insured: {safe_text(who)} on {safe_text(covs)} ({ops} operations)")
    if requirements.notice_of_cancellation_days is not None:
        out.print(f"Notice of cancellation: {requirements.notice_of_cancellation_days} days")
    if requirements.min_am_best_rating or requirements.min_financial_size_class:
        size = requirements.min_financial_size_class
        out.print(
            f"Insurer: AM Best {requirements.min_am_best_rating or 'any'} / "
            f"{roman_size_class(size) if size else 'any size'} or better"
        )
    terms = requirements.property_terms
    if terms is not None:
        parts = [f"{terms.perils} form" if terms.perils else "", (terms.valuation or "").replace("_", " ")]
        if terms.max_coinsurance_percent is not None:
            parts.append(f"coinsurance at most {terms.max_coinsurance_percent}%")
        if terms.business_income:
            parts.append("business income")
        parts.extend(
            f"{k.replace('_', ' ')}{f' at least {v}' if v else ''}" for k, v in terms.required_rows.items()
        )
        out.print("Property (ACORD 28): " + safe_text(", ".join(p for p in parts if p)))


@requirements_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the template as canonical JSON.")
@pass_app
def show_command(app: AppContext, name: str, as_json: bool) -> None:
    """Show one requirement template."""
    library = template_library(app)
    requirements = library.get(name)
    if as_json:
        emit_json(requirements.model_dump(mode="json", exclude_none=True))
        return
    render_requirements(name, requirements)
