"""The driver-level batch writes store exactly what SQLAlchemy Core would store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coisync.store import bulk

metadata = sa.MetaData()
stamps = sa.Table(
    "stamps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("label", sa.String(20)),
    sa.Column("at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("day", sa.Date, nullable=True),
)


def _stored(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return list(conn.exec_driver_sql("SELECT id, label, at, day FROM stamps ORDER BY id").all())


def _rows() -> list[dict[str, object]]:
    first = datetime(2026, 12, 5, 5, 30, 0, 123456, tzinfo=UTC)
    second = first + timedelta(hours=1)
    # The same timestamp object on several rows, another between them, and one missing.
    return [
        {"id": 1, "label": "a", "at": first, "day": first.date()},
        {"id": 2, "label": "b", "at": first, "day": first.date()},
        {"id": 3, "label": "c", "at": second, "day": second.date()},
        {"id": 4, "label": "d", "at": first, "day": None},
        {"id": 5, "label": "e", "at": None, "day": second.date()},
    ]


def _engine() -> sa.Engine:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    return engine


def test_bulk_insert_stores_the_text_core_stores() -> None:
    core, driver = _engine(), _engine()
    with core.begin() as conn:
        conn.execute(sa.insert(stamps), _rows())
    with driver.begin() as conn:
        bulk.insert_rows(conn, stamps, _rows())
    expected = _stored(core)
    assert expected[0][2] == "2026-12-05 05:30:00.123456"  # SQLite's DATETIME spelling
    assert _stored(driver) == expected


def test_bulk_update_stores_the_text_core_stores() -> None:
    core, driver = _engine(), _engine()
    later = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    changes = [{"b_id": row["id"], "at": later if row["id"] % 2 else row["at"]} for row in _rows()]
    for engine in (core, driver):
        with engine.begin() as conn:
            conn.execute(sa.insert(stamps), _rows())
    with core.begin() as conn:
        conn.execute(sa.update(stamps).where(stamps.c.id == sa.bindparam("b_id")), changes)
    with driver.begin() as conn:
        bulk.update_rows(conn, stamps, {"id": "b_id"}, changes)
    assert _stored(driver) == _stored(core)
    assert [row[2] for row in _stored(driver)][:3] == [
        "2027-01-02 03:04:05.000000",
        "2026-12-05 05:30:00.123456",
        "2027-01-02 03:04:05.000000",
    ]


def test_select_in_reads_what_sqlalchemy_reads() -> None:
    engine = _engine()
    with engine.begin() as conn:
        conn.execute(sa.insert(stamps), _rows())
    with engine.connect() as conn:
        text_rows = bulk.select_in(conn, stamps, ("id", "label"), {"label": "b"}, "id", [1, 2, 3])
        assert [tuple(row) for row in text_rows] == [(2, "b")]
        assert text_rows[0].label == "b"  # rows keep their column names
        both = bulk.select_in(conn, stamps, ("id", "at"), {}, "id", [3, 5, 404])
        expected = conn.execute(sa.select(stamps.c.id, stamps.c.at).where(stamps.c.id.in_([3, 5]))).all()
        assert sorted(tuple(row) for row in both) == sorted(tuple(row) for row in expected)
        assert isinstance(sorted(both)[0][1], datetime)  # a timestamp is read as SQLAlchemy reads it
        assert bulk.select_in(conn, stamps, ("id",), {}, "id", []) == []


counters = sa.Table(
    "counters",
    metadata,
    sa.Column("key", sa.String(10), primary_key=True),
    sa.Column("state", sa.String(10)),
    sa.Column("tries", sa.Integer),
    sa.Column("at", sa.DateTime(timezone=True), nullable=True),
)


def test_update_in_sets_adds_and_filters_as_core_does() -> None:
    at = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    seeded = [
        {"key": f"k{i}", "state": "pending" if i % 3 else "sending", "tries": i, "at": None} for i in range(7)
    ]
    keys = ["k0", "k1", "k2", "k3", "k5", "k404"]
    core, driver = _engine(), _engine()
    for engine in (core, driver):
        with engine.begin() as conn:
            conn.execute(sa.insert(counters), seeded)
    with core.begin() as conn:
        conn.execute(
            sa.update(counters)
            .where(counters.c.key.in_(keys), counters.c.state == "sending")
            .values(state="pending", tries=counters.c.tries - 1, at=at)
        )
    with driver.begin() as conn:
        values = {"state": "pending", "at": at}
        bulk.update_in(
            conn, counters, values, "key", keys, add={"tries": -1}, only={"state": "sending"}, chunk=2
        )

    def stored(engine: sa.Engine) -> list[tuple[object, ...]]:
        with engine.connect() as conn:
            return list(conn.exec_driver_sql("SELECT key, state, tries, at FROM counters ORDER BY key").all())

    assert stored(driver) == stored(core)
    assert stored(driver)[0] == ("k0", "pending", -1, "2026-12-05 06:00:00.000000")
    assert stored(driver)[6] == ("k6", "sending", 6, None)  # not among the keys
