"""``coisync plugins``: which plugins loaded, from which package, with which hooks and connectors."""

from __future__ import annotations

from typing import Any

import click

from coisync.cli.output import console, emit_json, table

WIDE_OUTPUT = 160


def plugins_report() -> dict[str, Any]:
    """Loaded and failed plugins, and the connectors each plugin registered, as plain data."""
    from coisync.connector.registry import get_connector_registry
    from coisync.plugins import load_report

    report = load_report()
    registry = get_connector_registry()
    connectors: dict[str, list[str]] = {}
    for name, entry in registry.entries.items():
        connectors.setdefault(entry.plugin, []).append(name)
    failed = [{"name": name, "reason": reason} for name, reason in sorted(report.failed.items())]
    failed += [
        {"name": name, "reason": f"register_connectors failed: {reason}"}
        for name, reason in sorted(registry.errors.items())
    ]
    return {
        "plugins": [
            {
                "name": info.name,
                "distribution": info.distribution,
                "version": info.version,
                "hooks": list(info.hooks),
                "connectors": sorted(connectors.get(info.name, [])),
            }
            for info in sorted(report.loaded.values(), key=lambda i: (i.name != "builtin", i.name))
        ],
        "failed": failed,
    }


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins: name, package, version, hooks and connectors.

    Plugins are the ``coisync`` entry points of installed packages. COISYNC_LOAD_PLUGINS
    (comma-separated names) limits which are loaded; COISYNC_TRACE_PLUGINS=1 logs every hook
    call (run with -v to see them). A plugin that failed to load is listed with the reason and
    did not stop the others.
    """
    data = plugins_report()
    if as_json:
        emit_json(data)
        return
    out = console()
    if not out.is_terminal:
        out.width = max(out.width, WIDE_OUTPUT)  # piped output: lay tables out wide, do not fold paths
    rows = [
        (
            p["name"],
            p["distribution"] or "-",
            p["version"] or "-",
            ", ".join(p["hooks"]) or "-",
            ", ".join(p["connectors"]) or "-",
        )
        for p in data["plugins"]
    ]
    rendered = table("Plugins", ("name", "package", "version", "hooks", "connectors"), rows)
    for column in rendered.columns:
        column.overflow = "fold"
    out.print(rendered)
    if data["failed"]:
        out.print(
            table("Failed plugins", ("name", "reason"), [(f["name"], f["reason"]) for f in data["failed"]])
        )


__all__ = ["plugins_command", "plugins_report"]
