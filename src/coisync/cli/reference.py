"""The CLI reference (docs/cli.md), generated from every command's ``--help``.

``python -m coisync.cli.reference > docs/cli.md`` regenerates it; a test fails when the
committed file differs from what the installed commands print, so the reference cannot drift.
"""

from __future__ import annotations

import click

from coisync.cli import build_cli

HEADER = """# coisync command reference

Generated from `--help` by `python -m coisync.cli.reference > docs/cli.md`; a test checks that
this file matches the commands, so edit the commands' help, not this file.
"""


WIDTH = 100


def _walk(group: click.Group, ctx: click.Context, path: list[str]) -> list[tuple[list[str], click.Context]]:
    """Every command below ``group`` with the context its help is rendered in."""
    found: list[tuple[list[str], click.Context]] = []
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub = click.Context(
            command, info_name=name, parent=ctx, terminal_width=WIDTH, max_content_width=WIDTH
        )
        found.append(([*path, name], sub))
        if isinstance(command, click.Group):
            found.extend(_walk(command, sub, [*path, name]))
    return found


def render() -> str:
    """The whole reference as Markdown."""
    root = build_cli()
    ctx = click.Context(
        root,
        info_name="coisync",
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        help_option_names=root.context_settings.get("help_option_names", ["--help"]),
    )
    parts = [HEADER, "## coisync\n", "```text", root.get_help(ctx), "```\n"]
    for path, sub in _walk(root, ctx, ["coisync"]):
        parts += [f"## {' '.join(path)}\n", "```text", sub.command.get_help(sub), "```\n"]
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
