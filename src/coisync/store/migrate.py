"""Running the shipped Alembic migrations programmatically (no alembic.ini needed).

Opening a store only needs to know whether the database is at the newest revision, so that
check reads the migration files' ``revision``/``down_revision`` assignments and the
``alembic_version`` table directly; Alembic itself (slow to import) is loaded only to migrate.
"""

from __future__ import annotations

import ast
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from coisync.store.engine import WRITE_OPTION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"

_upgrade_guard = threading.Lock()
"""Alembic keeps its running context in module globals: one migration per process at a time."""


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _assigned(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value is not None:
                return ast.literal_eval(node.value)
    raise ValueError(f"migration without {name}")


@cache
def head_revision() -> str:
    """The newest revision this release ships (the one no other revision follows)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(
            isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "revision" for n in tree.body
        ):
            continue
        revisions.add(str(_assigned(tree, "revision")))
        down = _assigned(tree, "down_revision")
        parents.update(down if isinstance(down, tuple | list) else [] if down is None else [str(down)])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migration chain must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


def upgrade(engine: Engine) -> str:
    """Migrate the database to the newest revision and return it."""
    from alembic import command

    config = alembic_config()
    with _upgrade_guard, engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
    revision = current_revision(engine)
    if revision is None:  # pragma: no cover - alembic would have raised
        raise RuntimeError("migration finished without a revision")
    return revision
