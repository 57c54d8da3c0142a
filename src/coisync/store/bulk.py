"""Batched inserts, updates and keyed reads handed straight to the database driver.

SQLAlchemy Core's ``executemany`` processes every parameter of every row through its general
machinery; for the thousand-row batches of a sync that costs about as much as the database's
own work. These helpers build one statement per table and column list, convert each value with
its column type's own bind processor (so what is stored is exactly what SQLAlchemy would
store), and hand the rows to the driver's ``executemany`` inside the caller's transaction.
Statement events still fire (crash-point tests count statements through them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Row

Processor = Callable[[Any], Any] | None

_NOTHING = object()
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@lru_cache(maxsize=256)
def _processors(dialect: Dialect, table: sa.Table, columns: tuple[str, ...]) -> tuple[Processor, ...]:
    # The dialect's own type (SQLite's DATETIME, say), as SQLAlchemy binds it: the generic
    # type's processor is None there, and the driver would then store its own spelling.
    return tuple(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns)


def _placeholder(conn: Connection) -> str | None:
    return _PLACEHOLDERS.get(conn.dialect.paramstyle)


def _params(
    conn: Connection,
    table: sa.Table,
    columns: tuple[str, ...],
    names: tuple[str, ...],
    rows: Sequence[Mapping[str, Any]],
) -> list[tuple[Any, ...]]:
    processors = _processors(conn.dialect, table, columns)
    if len(names) == 1:
        (name,), (process,) = names, processors
        return [(process(row[name]) if process is not None else row[name],) for row in rows]
    take = itemgetter(*names)
    converted = [(i, p) for i, p in enumerate(processors) if p is not None]
    if not converted:
        return [take(row) for row in rows]
    # A batch's rows mostly share one value of a converted column (its timestamp): the last
    # value converted in each column is kept, and the same object is not converted again.
    last: list[tuple[Any, Any]] = [(_NOTHING, None)] * len(converted)
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(take(row))
        for slot, (i, process) in enumerate(converted):
            value = values[i]
            seen, done = last[slot]
            if value is not seen:
                done = process(value)
                last[slot] = (value, done)
            values[i] = done
        params.append(tuple(values))
    return params


def insert_rows(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_existing: bool = False,
    update_on: tuple[str, ...] = (),
) -> None:
    """Insert ``rows`` (dicts with the same keys, every one a column of ``table``).

    With ``skip_existing``, a row whose key is already stored is left out; with ``update_on``
    (the columns of a unique key), such a row's other columns are updated instead. Both are
    ``ON CONFLICT`` clauses that SQLite and PostgreSQL spell alike.
    """
    if not rows:
        return
    mark = _placeholder(conn)
    if mark is None:
        if skip_existing or update_on:  # SQLite's and PostgreSQL's drivers both have a mark
            raise NotImplementedError(f"ON CONFLICT is not supported on {conn.dialect.name}")
        conn.execute(sa.insert(table), list(rows))
        return
    columns = tuple(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {conn.dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join(mark for _ in columns)})"
    )
    if update_on:
        sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c not in update_on)
        sql += f" ON CONFLICT ({', '.join(quote(c) for c in update_on)}) DO UPDATE SET {sets}"
    elif skip_existing:
        sql += " ON CONFLICT DO NOTHING"
    conn.exec_driver_sql(sql, _params(conn, table, columns, columns, rows))


def update_rows(
    conn: Connection, table: sa.Table, key: Mapping[str, str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Update one row per dict of ``rows``; ``key`` maps each key column to the dict entry holding
    its value, every other entry is a column to set."""
    if not rows:
        return
    mark = _placeholder(conn)
    given = set(key.values())
    sets = tuple(name for name in rows[0] if name not in given)
    if mark is None:
        where = [table.c[column] == sa.bindparam(param) for column, param in key.items()]
        conn.execute(sa.update(table).where(*where), list(rows))
        return
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"UPDATE {conn.dialect.identifier_preparer.format_table(table)} "
        f"SET {', '.join(f'{quote(c)} = {mark}' for c in sets)} "
        f"WHERE {' AND '.join(f'{quote(c)} = {mark}' for c in key)}"
    )
    columns = (*sets, *key)
    names = (*sets, *key.values())
    conn.exec_driver_sql(sql, _params(conn, table, columns, names, rows))


@lru_cache(maxsize=256)
def _plain(dialect: Dialect, table: sa.Table, columns: tuple[str, ...]) -> bool:
    """Whether the driver returns every one of ``columns`` as SQLAlchemy would (no result processor)."""
    return all(
        table.c[name].type.dialect_impl(dialect).result_processor(dialect, None) is None for name in columns
    )


def select_in(
    conn: Connection,
    table: sa.Table,
    columns: tuple[str, ...],
    equal: Mapping[str, Any],
    name: str,
    values: Sequence[Any],
) -> Sequence[Row[Any]]:
    """Rows of ``columns`` whose ``equal`` columns hold the given values and whose ``name`` is one
    of ``values`` (text or numbers, which need no bind processing).

    Columns the driver returns as SQLAlchemy would (text, numbers) are read in one statement
    handed to the driver; any other column list (a timestamp, say) goes through SQLAlchemy.
    """
    if not values:
        return []
    mark = _placeholder(conn)
    if mark is None or not _plain(conn.dialect, table, columns):
        where = [table.c[column] == value for column, value in equal.items()]
        query = sa.select(*(table.c[column] for column in columns)).where(*where, table.c[name].in_(values))
        return conn.execute(query).all()
    quote = conn.dialect.identifier_preparer.quote
    conditions = [f"{quote(column)} = {mark}" for column in equal]
    conditions.append(f"{quote(name)} IN ({', '.join(mark for _ in values)})")
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} "
        f"FROM {conn.dialect.identifier_preparer.format_table(table)} WHERE {' AND '.join(conditions)}"
    )
    return conn.exec_driver_sql(sql, (*equal.values(), *values)).all()


def update_in(
    conn: Connection,
    table: sa.Table,
    values: Mapping[str, Any],
    name: str,
    keys: Sequence[Any],
    *,
    add: Mapping[str, int] | None = None,
    only: Mapping[str, Any] | None = None,
    chunk: int = 500,
) -> None:
    """Set ``values`` (and add ``add`` to number columns) on the rows whose ``name`` is one of
    ``keys`` (and whose ``only`` columns hold the given values): one statement per ``chunk``
    keys, handed to the driver (through SQLAlchemy where the driver has no mark)."""
    add, only = add or {}, only or {}
    mark = _placeholder(conn)
    if mark is None:
        sets = {**values, **{column: table.c[column] + step for column, step in add.items()}}
        where = [table.c[column] == value for column, value in only.items()]
        for start in range(0, len(keys), chunk):
            part = list(keys[start : start + chunk])
            conn.execute(sa.update(table).where(table.c[name].in_(part), *where).values(**sets))
        return
    quote = conn.dialect.identifier_preparer.quote
    sets_sql = [f"{quote(column)} = {mark}" for column in values]
    sets_sql += [f"{quote(column)} = {quote(column)} + {mark}" for column in add]
    head = f"UPDATE {conn.dialect.identifier_preparer.format_table(table)} SET {', '.join(sets_sql)} WHERE "
    tail = "".join(f" AND {quote(column)} = {mark}" for column in only)
    columns = tuple(values)
    bound = _params(conn, table, columns, columns, [values])[0] if values else ()
    for start in range(0, len(keys), chunk):
        some = keys[start : start + chunk]
        sql = f"{head}{quote(name)} IN ({', '.join(mark for _ in some)}){tail}"
        conn.exec_driver_sql(sql, (*bound, *add.values(), *some, *only.values()))
