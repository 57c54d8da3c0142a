"""Fixtures for report tests: one generated portfolio in SQLite, its verdicts and its report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from report_fixtures import AS_OF, GENERATED_AT, SEED, SIZE, load, portfolio_records

from coisync.portfolio import PartyVerdict, PortfolioSettings, evaluate_portfolio
from coisync.report import Report, build_report
from coisync.store import Store, open_store


@pytest.fixture(scope="session")
def report_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding a generated portfolio (with hostile party names)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'coisync.db'}"
    store = open_store(url)
    try:
        load(store, portfolio_records(SEED, SIZE))
    finally:
        store.close()
    return url


@pytest.fixture(scope="session")
def report_store(report_db_url: str) -> Iterator[Store]:
    """The portfolio store, opened once."""
    store = open_store(report_db_url)
    yield store
    store.close()


@pytest.fixture(scope="session")
def verdicts(report_store: Store) -> list[PartyVerdict]:
    """Every party's verdict on :data:`AS_OF`."""
    return list(evaluate_portfolio(report_store, PortfolioSettings.defaults(), as_of=AS_OF))


@pytest.fixture(scope="session")
def report(report_store: Store, verdicts: list[PartyVerdict]) -> Report:
    """The report of the whole portfolio on :data:`AS_OF`."""
    properties = {p.id: p for p in report_store.iter_properties()}
    return build_report(verdicts, properties, as_of=AS_OF, generated_at=GENERATED_AT)
