"""``coisync mappings``: show, check and list the field mappings between platforms and coisync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import UsageError

WIDE_OUTPUT = 160


def _prepare() -> None:
    """Let installed connectors register where their shipped mappings are."""
    from coisync.connector.registry import get_connector_registry

    get_connector_registry()


def _override_for(app: AppContext, connector: str, connection: str) -> Path | None:
    from coisync.connector.config import connection_tables

    tables = connection_tables(app.config)
    if connection not in tables:
        known = ", ".join(sorted(tables)) or "none"
        raise UsageError(
            f"connection {connection!r} is not configured in {app.config_path} (configured: {known})"
        )
    table_ = tables[connection]
    if table_.get("connector") not in (None, connector):
        raise UsageError(
            f"connection {connection!r} uses connector {table_.get('connector')!r}, not {connector!r}; "
            f"run `coisync mappings show {table_.get('connector')} --connection {connection}`"
        )
    override = table_.get("mapping")
    if override is None:
        return None
    path = Path(str(override)).expanduser()
    return path if path.is_absolute() else app.config_path.resolve().parent / path


def mapping_data(mapping: Any) -> dict[str, Any]:
    """A mapping as JSON-ready data: records with their fields, and the code tables in force."""
    from coisync.mapping import PlatformMapping

    assert isinstance(mapping, PlatformMapping)
    records: dict[str, Any] = {}
    for name, record in mapping.records.items():
        records[name] = {
            "entity": record.spec.entity,
            "id": record.spec.id,
            "updated_at": record.spec.updated_at,
            "version": record.spec.version,
            "fields": [
                {
                    "platform_field": row.source,
                    "canonical_field": row.target,
                    "coercion": row.coercion,
                    "owner": row.owner,
                    "job": row.job,
                    "direction": row.direction,
                    "write": row.write,
                    "default": row.default,
                    "required": row.required,
                }
                for row in mapping.rows()
                if row.record_type == name
            ],
        }
    tables = {
        name: {"values": dict(t.values), "reverse": dict(t.reverse), "unknown": t.unknown}
        for name, t in sorted(mapping.tables.items())
    }
    return {"mapping": mapping.name, "source": mapping.source, "records": records, "code_tables": tables}


@click.group("mappings")
def mappings_group() -> None:
    """Field mappings between platform records and coisync's canonical fields.

    Each connector ships a mapping (mappings/<connector>.toml); a connection may override it
    with `mapping = "path.toml"` in its [connections.NAME] table. See docs/mappings.md.
    """


@mappings_group.command("show")
@click.argument("connector")
@click.option("--connection", metavar="NAME", help="Apply this connection's mapping override.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def show_command(app: AppContext, connector: str, connection: str | None, as_json: bool) -> None:
    """Print the effective mapping of CONNECTOR (a connector name or a mapping file).

    One row per field: platform field -> canonical field, coercion, owner (platform, or the
    coisync job that writes it) and direction (forward = read, reverse = written, both).
    """
    from coisync.mapping import load_mapping

    _prepare()
    override = _override_for(app, connector, connection) if connection else None
    mapping = load_mapping(connector, override=override)
    data = mapping_data(mapping)
    if as_json:
        emit_json(data)
        return
    out = console()
    if not out.is_terminal:
        out.width = max(out.width, WIDE_OUTPUT)  # piped output: lay tables out wide, do not fold paths
    out.print(f"mapping {mapping.name} from {mapping.source}", markup=False, highlight=False)
    for name, record in data["records"].items():
        rows = [
            (
                f["platform_field"] or "-",
                f["canonical_field"],
                f["coercion"],
                f["owner"] if f["job"] is None else f"{f['owner']}:{f['job']}",
                f["direction"],
                f["write"] or "-",
            )
            for f in record["fields"]
        ]
        columns = ("platform field", "canonical field", "coercion", "owner", "direction", "writes to")
        rendered = table(f"{name} -> {record['entity']}", columns, rows)
        for column in rendered.columns:
            column.overflow = "fold"  # paths are long single words: fold them, never cut them
        out.print(rendered)


@mappings_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--override", type=click.Path(dir_okay=False, path_type=Path), help="Also merge this override.")
def check_command(path: Path, override: Path | None) -> None:
    """Check a mapping file (and an override) without running anything; exit 2 on the first problem."""
    from coisync.mapping import load_mapping

    mapping = load_mapping(path, override=override)
    fields = sum(len(r.fields) for r in mapping.records.values())
    types = len(mapping.records)
    click.echo(
        f"ok: mapping {mapping.name} ({types} record type{'' if types == 1 else 's'}, {fields} fields)"
    )


@mappings_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a list.")
def list_command(as_json: bool) -> None:
    """List the mappings coisync can find (installed connectors, COISYNC_MAPPINGS_PATH, ./mappings)."""
    from coisync.mapping import mapping_names

    _prepare()
    names = mapping_names()
    if as_json:
        emit_json({"mappings": names})
        return
    for name in names:
        click.echo(name)


__all__ = ["mapping_data", "mappings_group"]
