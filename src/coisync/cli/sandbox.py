"""``coisync sandbox``: every installed platform emulator, seeded with one deterministic portfolio.

``up`` starts the emulators and the SMTP sink on loopback and writes ``DIR/coisync.toml``;
``down`` stops them (state stays); ``reset`` re-seeds; ``state`` and ``fault`` look into and
steer a running emulator (:mod:`coisync.cli.sandbox_inspect`); ``serve`` serves one emulator.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from coisync.cli.output import console, emit_json, safe_text, table
from coisync.cli.sandbox_inspect import fault_command, state_command
from coisync.errors import UsageError
from coisync.sandbox.layout import DEFAULT_DIR, SandboxSettings, resolve_settings, running_pid

DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="The sandbox directory (state, config, mail).",
)


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date like 2026-12-01") from None


def scenario_options(command: Any) -> Any:
    """The ``--seed``, ``--size`` and ``--as-of`` options."""
    command = click.option(
        "--as-of", callback=_as_of, help="Day the scenario's dates are relative to (default today)."
    )(command)
    command = click.option(
        "--size", type=click.IntRange(min=1), help="Parties in the portfolio (default 40)."
    )(command)
    return click.option("--seed", type=int, help="Scenario seed (default 1).")(command)


def _selected(only: tuple[str, ...]) -> list[Any]:
    from coisync.sandbox.plugins import installed_emulators, select_emulators

    return select_emulators(installed_emulators(), only)


def _prepare(directory: Path, settings: SandboxSettings) -> None:
    from coisync.sandbox.layout import SETTINGS_FILE, write_json
    from coisync.sandbox.scenario import build_scenario
    from coisync.sandbox.scenario_files import write_scenario_files

    directory.mkdir(parents=True, exist_ok=True)
    write_scenario_files(build_scenario(settings.seed, settings.size, settings.as_of), directory)
    write_json(directory / SETTINGS_FILE, settings.as_dict())


def _print_ready(directory: Path, state: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json({"directory": str(directory), **state})
        return
    rows = [
        (name, e["url"], e["connector"], "yes" if e["seeded"] else "no")
        for name, e in state["emulators"].items()
    ]
    out = console()
    out.print(
        table(
            f"sandbox in {safe_text(directory)} (pid {state['pid']})",
            ("connection", "url", "connector", "seeded"),
            rows,
        )
    )
    if state.get("smtp"):
        out.print(f"SMTP sink: {state['smtp']} -> {safe_text(directory / 'mail')}")
    out.print(
        f"config: {safe_text(state.get('config'))}   seeded problems: {safe_text(directory / 'seeded-problems.json')}"
    )
    out.print(f"next: coisync --config {safe_text(state.get('config'))} sync")


@click.group("sandbox")
def sandbox_group() -> None:
    """Local emulators of every installed platform, seeded with a portfolio with known problems."""


@sandbox_group.command("up")
@scenario_options
@DIR_OPTION
@click.option("--only", multiple=True, help="Serve only this emulator (repeatable).")
@click.option("--detach", is_flag=True, help="Run in the background; stop with coisync sandbox down.")
@click.option("--json", "as_json", is_flag=True, help="Print the running sandbox as JSON.")
def up_command(
    seed: int | None,
    size: int | None,
    as_of: date | None,
    directory: Path,
    only: tuple[str, ...],
    detach: bool,
    as_json: bool,
) -> None:
    """Start the emulators and the SMTP sink, and write DIR/coisync.toml."""
    from coisync.sandbox.runner import SandboxServer, start_detached

    pid = running_pid(directory)
    if pid is not None:
        raise UsageError(
            f"a sandbox is already running in {directory} (pid {pid}); stop it with coisync sandbox down"
        )
    settings = resolve_settings(directory, seed, size, as_of, only, reset=False)
    emulators = _selected(settings.only)
    _prepare(directory, settings)
    if detach:
        _print_ready(directory, start_detached(directory, settings.only), as_json)
        return
    server = SandboxServer(directory, settings, emulators)

    def ready(state: dict[str, Any]) -> None:
        _print_ready(directory, state, as_json)
        if not as_json:
            console().print("serving until interrupted (Ctrl-C)")

    server.serve_until_signalled(ready)


@sandbox_group.command("serve-all", hidden=True)
@DIR_OPTION
@click.option("--only", multiple=True)
def serve_all_command(directory: Path, only: tuple[str, ...]) -> None:
    """Serve the sandbox prepared in DIR until SIGTERM (what up --detach runs)."""
    from coisync.sandbox.layout import load_settings
    from coisync.sandbox.runner import SandboxServer

    settings = load_settings(directory)
    if settings is None:
        raise UsageError(
            f"{directory} holds no sandbox; start it with coisync sandbox up --detach --dir {directory}"
        )
    SandboxServer(directory, settings, _selected(only or settings.only)).serve_until_signalled()


@sandbox_group.command("down")
@DIR_OPTION
def down_command(directory: Path) -> None:
    """Stop the sandbox running in DIR (its state stays on disk)."""
    from coisync.sandbox.runner import stop_running

    pid = stop_running(directory)
    console().print(f"stopped the sandbox in {safe_text(directory)} (pid {pid}); state kept")


@sandbox_group.command("reset")
@scenario_options
@DIR_OPTION
@click.option("--only", multiple=True, help="Serve only this emulator after the reset (repeatable).")
def reset_command(
    seed: int | None, size: int | None, as_of: date | None, directory: Path, only: tuple[str, ...]
) -> None:
    """Wipe every emulator's state and seed it again (restarting a running sandbox)."""
    from coisync.sandbox.runner import start_detached, stop_running, wipe_emulator_state

    settings = resolve_settings(directory, seed, size, as_of, only, reset=True)
    _selected(settings.only)
    was_running = running_pid(directory) is not None
    if was_running:
        stop_running(directory)
    wiped = wipe_emulator_state(directory)
    _prepare(directory, settings)
    message = f"reset {', '.join(wiped) or 'no emulator state'} in {safe_text(directory)} (seed {settings.seed}, size {settings.size}, as of {settings.as_of})"
    if was_running:
        state = start_detached(directory, settings.only)
        message += f"; restarted (pid {state['pid']})"
    console().print(message)


@sandbox_group.command("serve")
@click.argument("name")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1 (0: a free one).")
@DIR_OPTION
def serve_command(name: str, port: int, directory: Path) -> None:
    """Serve one emulator in the foreground (seeded from DIR's scenario when fresh)."""
    from coisync.sandbox.runner import SandboxServer

    if running_pid(directory) is not None:
        raise UsageError(
            f"a sandbox is running in {directory}; stop it with coisync sandbox down, or use another --dir"
        )
    settings = resolve_settings(directory, None, None, None, (), reset=False)
    emulators = _selected((name,))
    _prepare(directory, settings)
    server = SandboxServer(directory, settings, emulators, smtp=False, write_configuration=False)

    def ready(state: dict[str, Any]) -> None:
        console().print(f"{name}: {state['emulators'][name]['url']} (Ctrl-C to stop)")

    server.serve_until_signalled(ready, {name: port}, exact=bool(port))


sandbox_group.add_command(state_command)
sandbox_group.add_command(fault_command)

__all__ = ["sandbox_group"]
