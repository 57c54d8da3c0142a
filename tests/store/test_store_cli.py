"""`coisync db upgrade`: creates and migrates the store, prints the revision."""

from __future__ import annotations

import json
import sys

from click.testing import CliRunner

from coisync.cli import main
from coisync.store.migrate import head_revision


def run(*args: str) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_db_upgrade_creates_then_reports_the_revision(store_url: str) -> None:
    code, out, _ = run("--db", store_url, "db", "upgrade")
    assert code == 0
    assert out.strip() == f"store upgraded from revision none (new database) to {head_revision()}"
    code, out, _ = run("--db", store_url, "db", "upgrade", "--json")
    assert code == 0
    assert json.loads(out) == {
        "previous_revision": head_revision(),
        "revision": head_revision(),
        "upgraded": False,
    }


def test_db_upgrade_on_an_unusable_url_is_one_line_exit_2() -> None:
    code, _, err = run("--db", "mysql://localhost/x", "db", "upgrade")
    assert code == 2
    assert err.count("\n") == 1 and "not supported" in err
