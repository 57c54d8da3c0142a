"""``coisync connections test`` and ``coisync init``: set up and check connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from coisync.cli.context import AppContext, pass_app
from coisync.cli.output import console, emit_json, table
from coisync.errors import CoisyncError, ExitCode, UsageError
from coisync.sync.connections import build_connector, connection_names

STARTER = """# coisync configuration. Global reference: docs/integrator-guide.md
# Secrets never go in this file: write {"$env" = "NAME"} or {"$file" = "path"} instead.

[store]
# url = "postgresql+psycopg://coisync@db.internal/coisync"   # default: coisync.db beside this file

[portfolio]
expiring_windows = [30, 60, 90]
# ratings = "ratings.csv"            # AM Best ratings by NAIC: naic,name,am_best_rating,financial_size_class
# template_dirs = ["requirements"]   # your own requirement templates (*.toml)

[portfolio.templates]                # requirement template per party kind, or kind:category
vendor = "vendor_low"
"vendor:roofing" = "vendor_high"
contractor = "contractor"
tenant = "tenant_office"

[sync]
max_write_fraction = 0.2             # stop before pushing when a run would change more than this
conflict_policy = "keep_theirs"      # a person's change inside the platform wins until decided
expected_interval_hours = 26         # coisync health alerts past this
# workers = 2                        # processes for large runs (default: the CPUs, at most 4; 1: none)

# One table per connection. A connection is read-only until writes = true.
# [connections.procore]
# connector = "procore"
# base_url = "https://api.procore.com"
# company_id = 1234567
# writes = false
# rate_limit = { rate = 2.0, burst = 5, concurrency = 2 }
#
# [connections.procore.credentials]
# client_id = {"$env" = "PROCORE_CLIENT_ID"}
# client_secret = {"$env" = "PROCORE_CLIENT_SECRET"}
"""


@click.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="coisync.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_command(path: Path, force: bool) -> None:
    """Write a commented starter config file (default ./coisync.toml)."""
    if path.exists() and not force:
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    path.write_text(STARTER, encoding="utf-8")
    console().print(f"wrote {path}; add a [connections.NAME] table, then run `coisync connections test`")


@click.group("connections")
def connections_group() -> None:
    """The platform connections configured in coisync.toml."""


@connections_group.command("test")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
@click.pass_context
def test_command(ctx: click.Context, app: AppContext, names: tuple[str, ...], as_json: bool) -> None:
    """Check credentials, reachability and write permission of each connection.

    Exit code 0 when every connection can be read, 1 when one cannot.
    """
    results: list[dict[str, Any]] = []
    for name in connection_names(app.config, names):
        try:
            with build_connector(name, app.config, app.config_path) as connector:
                check = connector.check()
                results.append(
                    {"connection": name, "connector": connector.name, "ok": check.ok, **check.as_dict()}
                )
        except CoisyncError as exc:
            results.append({"connection": name, "ok": False, "error": str(exc)})
    if as_json:
        emit_json(results)
    else:
        rows = []
        for r in results:
            if "error" in r:
                rows.append((r["connection"], "FAIL", r["error"], "", ""))
                continue
            mark = {True: "ok", False: "FAIL", None: "?"}
            rows.append(
                (
                    r["connection"],
                    "ok" if r["ok"] else "FAIL",
                    f"{mark[r['auth']['ok']]}: {r['auth']['message']}",
                    f"{mark[r['reachable']['ok']]}: {r['reachable']['message']}",
                    f"{mark[r['writable']['ok']]}: {r['writable']['message']}",
                )
            )
        console().print(
            table("Connections", ["connection", "verdict", "auth", "reachable", "writable"], rows)
        )
    ctx.exit(int(ExitCode.OK if all(r["ok"] for r in results) else ExitCode.PARTIAL))
