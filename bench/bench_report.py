"""Benchmark the portfolio report at 100k parties: build, HTML size, browser time to interactive.

Prints one JSON object per line::

    {"bench": "report", "metric": ..., "value": ..., "unit": ..., "target": ..., "ok": ...}

The verdicts are built directly in memory (``PartyVerdict`` of ``Party`` and ``Evaluation``
objects made with ``model_construct``), not by importing 100k parties into a store and judging
them: that path is measured by bench_import and bench_evaluate, and would take most of the
time budget. The findings imitate the engine's (codes, messages, per-certificate evidence and
some clause citations), so the HTML's size is realistic.

Metrics:

* ``report_build_cpu_seconds``: verdicts to :class:`~coisync.report.Report` (counts, lists),
  CPU time (the machine is shared; ``report_build_wall_seconds`` is reported, not gated).
* ``html_render_cpu_seconds``: the report to one HTML document, CPU time (wall reported too).
* ``html_size_mb``: size of that document (UTF-8).
* ``browser_time_to_interactive_ms`` (reported): in headless chromium, navigation start until
  the party table is rendered *and* a text filter has been applied and shown
  (``performance.now()`` at that moment; its origin is navigation start). Wall clock: on the
  shared machine it moved from 3.3 to 10.3 s with the load, so the CPU measure below is gated.
* ``browser_cpu_to_interactive_ms`` (target): CPU time the page's renderer process used up to
  that moment (``SystemInfo.getProcessInfo``): the work itself, whatever else the machine runs.
* ``browser_filter_ms``: one more filter (status) applied and rendered, measured in the page.
* ``browser_dom_interactive_ms`` and ``browser_table_ready_ms`` (reported): when the document
  was parsed, and when the table's first page was shown.

Run: ``uv run python bench/bench_report.py`` (``--parties N`` to change the size). The HTML is
kept at bench/out/report-100k.html for a look.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coisync.model import Clause, Evaluation, Finding, Outcome, Party, PartyKind, Property, Severity, Status
from coisync.portfolio import PartyVerdict
from coisync.report import build_report, render_html

# Measured on the shared 2-core machine at load averages 9-13 (docs/reports.md, "Performance"):
# build 7.2-10.4 cpu-s, render 2.7-3.5 cpu-s, 22.5 MB, renderer CPU to interactive 1.7-2.9 s,
# wall time to interactive 3.3-10.3 s (it moves with the load, so it is reported, not gated).
TARGET_BUILD_SECONDS = 15.0
TARGET_RENDER_SECONDS = 8.0
TARGET_SIZE_MB = 40.0
TARGET_TTI_CPU_MS = 3000.0
TARGET_FILTER_MS = 600.0
AS_OF = date(2026, 6, 1)
PER_PROPERTY = 40
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
OUT = Path(__file__).resolve().parent / "out"

STATUS_WEIGHTS = (
    (Status.MISSING, 4), (Status.EXPIRED, 6), (Status.NON_COMPLIANT, 30), (Status.EXPIRING, 12),
    (Status.PENDING_REVIEW, 10), (Status.COMPLIANT, 35), (Status.NOT_REQUIRED, 3),
)  # fmt: skip
FAILS = {
    Status.MISSING: ["certificate_missing"],
    Status.EXPIRED: ["policy_expired"],
    Status.NON_COMPLIANT: ["additional_insured_missing", "limit_insufficient", "coverage_missing",
                           "primary_noncontributory_missing", "waiver_of_subrogation_missing"],
    Status.EXPIRING: ["policy_expiring"],
    Status.PENDING_REVIEW: ["insurer_rating_unknown", "limit_not_shown"],
}  # fmt: skip
COVERAGES = ("general_liability", "auto_liability", "workers_compensation", "umbrella")
CARRIERS = ("Harbor Mutual Insurance Co", "Keystone Casualty Company", "Granite State Indemnity")


def result(metric: str, value: float, unit: str, target: float | None, ok: bool) -> None:
    """Print one benchmark line."""
    line = {
        "bench": "report",
        "metric": metric,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
        "ok": ok,
    }
    print(json.dumps(line), flush=True)


def _finding(rng: random.Random, code: str, n: int, status: Status) -> Finding:
    coverage = rng.choice(COVERAGES)
    outcome = Outcome.UNVERIFIED if status is Status.PENDING_REVIEW else Outcome.FAIL
    clause = (
        Clause.model_construct(document=f"Lease L-{n:06d}", section="§ 12.3(b)", text=None)
        if n % 7 == 0
        else None
    )
    return Finding.model_construct(
        code=code,
        outcome=outcome,
        severity=Severity.HIGH if outcome is Outcome.FAIL else Severity.MEDIUM,
        coverage_type=coverage,
        limit_key=None,
        required="AM Best A- / VIII or better"
        if code == "insurer_rating_unknown"
        else f"{coverage} $1,000,000",
        found="unknown" if outcome is Outcome.UNVERIFIED else "not shown",
        evidence=f"certificate coi-{n:06d}, {coverage} policy {coverage[:3].upper()}-{rng.randint(100000, 999999)}",
        clause=clause,
        message=f"{coverage.replace('_', ' ').capitalize()}: {code.replace('_', ' ')} on the certificate from {rng.choice(CARRIERS)}; request a corrected certificate.",
        certificate_id=f"coi-{n:06d}",
        policy_number=None,
        waiver_id=None,
        score=None,
    )


def synthetic_verdicts(count: int, seed: int = 11) -> tuple[list[PartyVerdict], dict[str, Property]]:
    """``count`` deterministic verdicts over ``count / 40`` properties."""
    rng = random.Random(seed)
    properties = {
        f"prop-{i:05d}": Property.model_construct(
            id=f"prop-{i:05d}", name=f"{100 + i} Commerce Plaza", owner_entity=f"Owner Fund {i % 60:02d} LLC",
            address=None, time_zone="America/New_York", manager=None, lender=None, certificate_holder=None,
        )
        for i in range(max(1, count // PER_PROPERTY))
    }  # fmt: skip
    ids = sorted(properties)
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    kinds = (PartyKind.TENANT, PartyKind.TENANT, PartyKind.VENDOR, PartyKind.CONTRACTOR)
    verdicts = []
    for n in range(count):
        pid = ids[n // PER_PROPERTY % len(ids)]
        status = rng.choices(statuses, weights)[0]
        party = Party.model_construct(
            id=f"party-{n:06d}", kind=rng.choice(kinds), legal_name=f"{rng.choice(('Atlas', 'Beacon', 'Cedar', 'Delta', 'Evergreen'))} {rng.choice(('Partners', 'Group', 'Services'))} {n:06d} LLC",
            aliases=(), tax_id=None, category=None, contacts=(), property_ids=(pid,), active=True,
        )  # fmt: skip
        codes = FAILS.get(status, [])
        results = tuple(
            _finding(rng, c, n, status) for c in rng.sample(codes, k=min(len(codes), rng.randint(1, 3)))
        )
        expires = AS_OF + timedelta(days=rng.randint(-30, 400)) if status is not Status.MISSING else None
        evaluation = Evaluation.model_construct(
            party_id=party.id, agreement_id=f"agr-{n:06d}", property_id=pid, as_of=AS_OF, status=status,
            results=results, requirement_source="vendor_low", earliest_expiration=expires,
        )  # fmt: skip
        verdicts.append(PartyVerdict(party, status, (evaluation,)))
    return verdicts, properties


def browser_timings(path: Path) -> tuple[float, float, int, float, float, float] | None:
    """(time to interactive, status filter, rows, DOM interactive, table ready, renderer CPU) in chromium.

    Times are milliseconds from navigation start; None when chromium is not installed.
    """
    if not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.set_default_timeout(120_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_selector("html[data-ready=true]")
        total = page.get_attribute("#match-count", "data-count")
        page.fill("#f-text", "services 00")
        page.wait_for_function(f"document.getElementById('match-count').dataset.count !== '{total}'")
        tti = float(page.evaluate("performance.now()"))
        processes = browser.new_browser_cdp_session().send("SystemInfo.getProcessInfo")["processInfo"]
        renderer_cpu = 1000 * max(p["cpuTime"] for p in processes if p["type"] == "renderer")
        filter_ms = float(
            page.evaluate(
                """() => { const s = document.getElementById('f-status'); const t = performance.now();
                s.value = '2'; s.dispatchEvent(new Event('change')); return performance.now() - t; }"""
            )
        )
        rows = page.locator("#party-table tbody tr").count()
        dom = float(page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive"))
        ready = float(page.evaluate("performance.getEntriesByName('coisync-table-ready')[0].startTime"))
        browser.close()
        if errors:
            raise RuntimeError(f"page errors: {errors}")
        return tti, filter_ms, rows, dom, ready, renderer_cpu


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=100_000)
    args = parser.parse_args(argv)
    verdicts, properties = synthetic_verdicts(args.parties)
    result("parties", len(verdicts), "parties", None, True)

    wall, cpu = time.perf_counter(), time.process_time()
    report = build_report(verdicts, properties, as_of=AS_OF, generated_at=datetime(2026, 6, 1, tzinfo=UTC))
    build, build_wall = time.process_time() - cpu, time.perf_counter() - wall
    del verdicts
    wall, cpu = time.perf_counter(), time.process_time()
    html = render_html(report)
    render, render_wall = time.process_time() - cpu, time.perf_counter() - wall
    result("report_build_wall_seconds", build_wall, "s", None, True)
    result("html_render_wall_seconds", render_wall, "s", None, True)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"report-{args.parties // 1000}k.html"
    path.write_text(html, encoding="utf-8")
    size = path.stat().st_size / 1_000_000
    checks = [
        (build <= TARGET_BUILD_SECONDS, "report_build_cpu_seconds", build, "s", TARGET_BUILD_SECONDS),
        (render <= TARGET_RENDER_SECONDS, "html_render_cpu_seconds", render, "s", TARGET_RENDER_SECONDS),
        (size <= TARGET_SIZE_MB, "html_size_mb", size, "MB", TARGET_SIZE_MB),
    ]
    for ok, metric, value, unit, target in checks:
        result(metric, value, unit, target, ok)
    ok_all = all(c[0] for c in checks)
    timings = browser_timings(path)
    if timings is None:
        result("browser_cpu_to_interactive_ms", 0, "ms", TARGET_TTI_CPU_MS, False)
        print(f"chromium is missing at {CHROMIUM}; run scripts/ensure-chromium.sh", file=sys.stderr)
        return 1
    tti, filter_ms, rows, dom, ready, renderer_cpu = timings
    result("browser_dom_interactive_ms", dom, "ms", None, True)
    result("browser_table_ready_ms", ready, "ms", None, True)
    result("browser_time_to_interactive_ms", tti, "ms", None, True)
    result(
        "browser_cpu_to_interactive_ms",
        renderer_cpu,
        "ms",
        TARGET_TTI_CPU_MS,
        renderer_cpu <= TARGET_TTI_CPU_MS,
    )
    result("browser_filter_ms", filter_ms, "ms", TARGET_FILTER_MS, filter_ms <= TARGET_FILTER_MS and rows > 0)
    ok_all = ok_all and renderer_cpu <= TARGET_TTI_CPU_MS
    ok_all = ok_all and filter_ms <= TARGET_FILTER_MS and rows > 0
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
