"""coisync's own behaviour, registered through the same hooks third-party plugins use."""

from __future__ import annotations

import click

from coisync.plugins.hookspecs import Register, hookimpl

BUILTIN_COMMAND_MODULES: tuple[tuple[str, str], ...] = (
    ("coisync.cli.schema", "schema_command"),
    ("coisync.cli.db", "db_group"),
    ("coisync.cli.importer", "import_command"),
    ("coisync.cli.audit", "audit_group"),
    ("coisync.cli.notify", "notify_command"),
    ("coisync.cli.check", "check_command"),
    ("coisync.cli.requirements", "requirements_group"),
    ("coisync.cli.status", "status_command"),
    ("coisync.cli.waivers", "waivers_group"),
    ("coisync.cli.sync", "sync_command"),
    ("coisync.cli.reconcile", "reconcile_command"),
    ("coisync.cli.links", "links_group"),
    ("coisync.cli.runs", "runs_command"),
    ("coisync.cli.runs", "run_command"),
    ("coisync.cli.runs", "health_command"),
    ("coisync.cli.quarantine", "quarantine_group"),
    ("coisync.cli.conflicts", "conflicts_group"),
    ("coisync.cli.connections", "connections_group"),
    ("coisync.cli.connections", "init_command"),
    ("coisync.cli.intake", "intake_command"),
    ("coisync.cli.review", "review_group"),
    ("coisync.cli.report", "report_command"),
    ("coisync.cli.mappings", "mappings_group"),
    ("coisync.cli.plugins", "plugins_command"),
    ("coisync.cli.sandbox", "sandbox_group"),
)
"""(module, attribute) of every built-in command; imported only when the CLI is assembled."""


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Attach the built-in commands."""
    from importlib import import_module

    for module_name, attribute in BUILTIN_COMMAND_MODULES:
        command = getattr(import_module(module_name), attribute)
        cli.add_command(command)


@hookimpl
def register_rules(register: Register) -> None:
    """Register the built-in compliance rules, in run order."""
    from coisync.compliance.rules import DEFAULT_RULES

    for rule in DEFAULT_RULES:
        register(rule)


@hookimpl
def register_channels(register: Register) -> None:
    """Register the built-in follow-up channels: e-mail, platform note and webhook."""
    from coisync.followup.channels import builtin_channels

    for name, factory in builtin_channels().items():
        register(name, factory)
