"""The ``coisync`` command line.

The root group resolves the global options; commands come from plugins through the
``register_commands`` hook, built-in ones included (``coisync.builtin_plugins``). Every command
follows the same conventions: global options before the command, ``--json`` after it, one exit
code table (``coisync.errors.ExitCode``), and user errors as one line naming the fix.
"""

from __future__ import annotations

import logging
import sys

import click

from coisync import __version__
from coisync.cli.context import AppContext
from coisync.errors import EXIT_CODE_TABLE, CoisyncError, ExitCode
from coisync.logs import configure_logging

log = logging.getLogger("coisync.cli")

EPILOG = "Exit codes:\n\n\b\n" + "\n".join(f"  {int(code):>3}  {text}" for code, text in EXIT_CODE_TABLE)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.version_option(__version__, "--version", prog_name="coisync")
@click.option(
    "--config",
    "config_option",
    metavar="PATH",
    envvar="COISYNC_CONFIG",
    help="Config file (TOML). Default: ./coisync.toml. Env: COISYNC_CONFIG.",
)
@click.option(
    "--db",
    "db_option",
    metavar="URL",
    envvar="COISYNC_DB",
    help="Store URL, e.g. sqlite:///path/coisync.db or postgresql+psycopg://user@host/db. "
    "Default: coisync.db beside the config file. Env: COISYNC_DB.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", count=True, help="Only errors in the log output.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines on stderr as text or JSON objects.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    config_option: str | None,
    db_option: str | None,
    verbose: int,
    quiet: int,
    log_format: str,
) -> None:
    """coisync: certificate-of-insurance compliance for commercial real estate.

    coisync keeps one canonical record of every tenant's, vendor's and contractor's insurance
    certificates, judges them against what each lease or contract requires, and syncs the
    verdicts both ways with the platforms lease administrators already use.

    \b
    Start here:
      coisync import portfolio.jsonl      load parties, properties, certificates
      coisync check --certificate C.json --requirements vendor_low --as-of 2026-12-01
      coisync schema certificate          the JSON Schema of canonical certificates
    """
    app = AppContext(
        config_option=config_option,
        db_option=db_option,
        verbosity=verbose - quiet,
        log_format=log_format,
    )
    configure_logging(app.verbosity, log_format)
    ctx.obj = app
    ctx.call_on_close(app.close)


def build_cli() -> click.Group:
    """The root group with every plugin's commands attached (once)."""
    from coisync.plugins import get_plugin_manager

    if not getattr(cli, "_coisync_assembled", False):
        get_plugin_manager().hook.register_commands(cli=cli)
        cli._coisync_assembled = True  # type: ignore[attr-defined]
    return cli


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and turn errors into the documented exit codes."""
    group = build_cli()
    try:
        result = group.main(args=argv, prog_name="coisync", standalone_mode=False)
    except CoisyncError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(int(ExitCode.USAGE))
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        log.debug("internal error", exc_info=True)
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} (run with -vv for the traceback)",
            err=True,
        )
        sys.exit(int(ExitCode.INTERNAL))
    sys.exit(result if isinstance(result, int) else 0)
