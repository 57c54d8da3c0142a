"""The HTML report in a real headless chromium: what a reader sees, not the embedded data.

Needs Debian's chromium at /usr/bin/chromium (``make test`` installs it through
scripts/ensure-chromium.sh). Without it the tests skip, except under ``CI=true``, where they fail.
A screenshot is saved under test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import GENERATED_AT, HOSTILE_NAMES

from coisync.report import PartyRow, Report, build_report, render_html, report_dict

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless chromium; skips (fails under CI=true) when it is not installed."""
    if not CHROMIUM.exists():
        message = (
            f"chromium is not installed at {CHROMIUM}; `make test` installs it (scripts/ensure-chromium.sh)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " and CI=true requires the browser tests")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Page:
    """A report page with its console errors and any network request it attempted."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1300, "height": 1000})
        self.page.set_default_timeout(60_000)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-ready=true]")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def count(self) -> int:
        return int(self.page.get_attribute("#match-count", "data-count"))

    def column(self, css: str, attribute: str | None = None) -> list[str]:
        cells = self.page.locator(f"#party-table tbody tr {css}")
        if attribute:
            return [cells.nth(i).get_attribute(attribute) or "" for i in range(cells.count())]
        return cells.all_inner_texts()

    def ids(self) -> list[str]:
        return self.column("td.id")

    def select(self, css: str, label: str) -> None:
        self.page.select_option(css, label=label)


@pytest.fixture(scope="module")
def html_file(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


@pytest.fixture
def page(browser: Any, html_file: Path) -> Iterator[Page]:
    opened = Page(browser, html_file)
    yield opened
    assert opened.errors == [], "no console errors or page errors"
    assert opened.requests == [], "the report fetches nothing"
    assert opened.page.evaluate("window.__pwned") is None, "no hostile name ran as script"
    opened.page.close()


def test_status_cards_show_the_json_reports_counts(page: Page, report: Report) -> None:
    expected = report_dict(report)["summary"]["by_status"]
    cards = page.page.locator(".card[data-status]")
    shown = {
        cards.nth(i).get_attribute("data-status"): int(
            cards.nth(i).locator(".n").inner_text().replace(",", "")
        )
        for i in range(cards.count())
    }
    assert shown == expected
    assert page.count() == report.party_count
    assert len(page.ids()) == min(50, report.party_count)
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "report-overview.png"))


def _sorted(parties: list[PartyRow], key: Any, reverse: bool = False) -> list[str]:
    return [p.id for p in sorted(parties, key=key, reverse=reverse)]


def test_filters_show_exactly_the_matching_rows(page: Page, report: Report) -> None:
    page.select("#page-size", "250")
    by_name = lambda p: p.name.lower()  # noqa: E731
    page.select("#f-status", "Missing")
    missing = [p for p in report.parties if p.status == "missing"]
    assert 0 < page.count() == len(missing) <= 250
    assert set(page.column("td.status", "data-status")) == {"missing"}
    assert page.ids() == _sorted(missing, by_name)

    page.page.click("#f-reset")
    page.page.wait_for_function(
        f"document.getElementById('match-count').dataset.count == '{report.party_count}'"
    )
    page.page.fill("#f-text", "plumbing")
    page.select("#f-kind", "vendor")
    plumbing = [p for p in report.parties if "plumbing" in (p.name + p.id).lower() and p.kind == "vendor"]
    assert plumbing and page.count() == len(plumbing)
    ranks = {s: i for i, s in enumerate(report.totals)}
    assert page.ids() == _sorted(plumbing, lambda p: (ranks[p.status], p.name.lower()))

    page.page.click("#f-reset")
    chosen = report.by_property[0]
    page.select("#f-property", f"{chosen.label} ({chosen.key})")
    page.select("#page-size", "250")
    at_property = [p for p in report.parties if chosen.key in p.property_ids]
    assert page.count() == len(at_property) == chosen.total
    assert set(page.ids()) == {p.id for p in at_property[:250]} or len(at_property) > 250


def test_sorting_by_column(page: Page, report: Report) -> None:
    page.page.click("th[data-sort=name] button")
    assert page.page.get_attribute("th[data-sort=name]", "aria-sort") == "ascending"
    assert page.ids() == _sorted(report.parties, lambda p: p.name.lower())[:50]
    page.page.click("th[data-sort=name] button")
    assert page.page.get_attribute("th[data-sort=name]", "aria-sort") == "descending"
    assert page.ids() == _sorted(report.parties, lambda p: p.name.lower(), reverse=True)[:50]
    page.page.click("th[data-sort=expiration] button")
    key = lambda p: (p.earliest_expiration.isoformat() if p.earliest_expiration else "9999", p.name.lower())  # noqa: E731
    assert page.ids() == _sorted(report.parties, key)[:50]
    page.page.click("#next")
    assert page.ids() == _sorted(report.parties, key)[50:100]


def test_hostile_names_render_as_inert_text(page: Page, report: Report) -> None:
    for name, query in zip(
        HOSTILE_NAMES, ["evil tenant", "script vendor", "hyperlink", "café", "markup"], strict=True
    ):
        page.page.fill("#f-text", query)
        page.page.wait_for_function("document.getElementById('match-count').dataset.count == '1'")
        assert page.column("td.name") == [name]
    assert page.page.locator("main img, #party-table script").count() == 0
    page.page.fill("#f-text", "evil tenant")
    page.page.click("#party-table tbody tr")
    detail = page.page.locator("#detail")
    assert detail.locator("h3").inner_text() == HOSTILE_NAMES[0]
    party = next(p for p in report.parties if p.name == HOSTILE_NAMES[0])
    assert detail.locator("tbody tr").count() == len(party.findings)
    if party.findings and party.findings[0].evidence:
        assert party.findings[0].evidence in detail.inner_text()
    assert page.page.evaluate("window.__pwned") is None
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.locator("#parties").screenshot(path=str(ARTIFACTS / "report-party-table.png"))


def test_an_empty_portfolio_renders_without_errors(browser: Any, tmp_path: Path) -> None:
    empty = build_report([], {}, generated_at=GENERATED_AT)
    path = tmp_path / "empty.html"
    path.write_text(render_html(empty), encoding="utf-8")
    opened = Page(browser, path)
    try:
        assert opened.count() == 0
        assert opened.page.inner_text("#page-info") == "No party matches these filters"
        assert "No open findings" in opened.page.inner_text("#charts")
        assert opened.errors == [] and opened.requests == []
    finally:
        opened.page.close()
