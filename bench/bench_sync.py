"""Benchmark ``coisync sync`` end to end against the Procore emulator serving from its own process.

A deterministic portfolio of 25,000 vendors with 4 insurances each (100,000 coverage lines) is
seeded into the Procore emulator, served on loopback by a child process (its state kept in
memory: the emulator's JSON persistence is not what is measured). ``coisync sync`` runs as a
child process of its own, like a scheduled job. Prints one JSON object per line::

    {"bench": "sync", "metric": ..., "value": ..., "unit": ..., "target": ..., "ok": ...}

Metrics:

* ``first_sync_records_per_second`` (target >= 5,000): records read (vendors and lines) per
  second of the first run (the run summary's duration: pull, evaluate, plan, push).
* ``requests_over_minimum`` (target 1.0): requests the first run made divided by the fewest
  possible: one token, one page per ``page_size`` records of each stream, one ``sync`` request
  per 1,000 status writes.
* ``full_rerun_writes`` (target 0) and ``full_rerun_over_bare_fetch`` (target <= 1.5): a
  ``--full`` run after the portfolio settled (the first run's own writes read back by a normal
  run), against fetching and decoding the same pages with a bare HTTP client in the same run:
  three of each, alternately, medians compared (the lowest and highest pair are printed too).
* ``peak_rss_mb`` (target <= 300): the largest resident set of any one coisync process.
* ``peak_run_pss_mb`` (target <= 300): the most memory a whole run held at once: the coisync
  process and its worker processes, pages they share counted once (PSS, sampled every 0.1 s).

Also reported without a target: wall time of each run, parties evaluated, writes. A first run
that takes longer than ``--budget`` seconds (default 150) is stopped: its rate is then the
records it committed in that time, and the later metrics are reported as not measured.
Run: ``uv run python bench/bench_sync.py`` (``--lines``/``--per-vendor`` to size it).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from process_memory import TreeMemory

COMPANY_ID = 4_264_917
CLIENT_ID, CLIENT_SECRET = "coisync-bench", "coisync-bench-secret-4b1f"
PAGE_SIZE = 1000
REPEATS = 3
"""``--full`` re-runs and bare fetches made, alternately; their medians are compared."""
SYNC_BATCH = 1000
AS_OF = "2026-06-01"
TYPES = (
    ("General Liability", "1000000.0"),
    ("Automobile Liability", "1000000.0"),
    ("Workers Compensation", "500000.0"),
    ("Umbrella Liability", "5000000.0"),
    ("Professional Liability", "2000000.0"),
)
EXPIRATIONS = ("2026-03-31", "2026-06-20", "2026-12-31", "2027-03-31", "2027-05-01")


def emit(metric: str, value: float, unit: str, target: float | None = None, ok: bool | None = None) -> None:
    """Print one result line."""
    line = {"bench": "sync", "metric": metric, "value": value, "unit": unit, "target": target, "ok": ok}
    print(json.dumps(line), flush=True)


def portfolio(vendors: int, per_vendor: int) -> dict[str, Any]:
    """The seed: vendors with ``per_vendor`` lines each, every value derived from the index."""
    stamp = "2026-05-01T00:00:00Z"
    seed: dict[str, Any] = {
        "company": {"id": COMPANY_ID, "name": "Harbor Point Properties"},
        "vendors": [
            {"id": 3_000_000 + v, "name": f"Vendor {v:06d} LLC", "updated_at": stamp} for v in range(vendors)
        ],
        "insurances": [],
    }
    for v in range(vendors):
        for n in range(per_vendor):
            index = v * per_vendor + n
            kind, limit = TYPES[(v + n) % len(TYPES)]
            seed["insurances"].append(
                {
                    "id": 5_000_000 + index,
                    "vendor_id": 3_000_000 + v,
                    "insurance_type": kind,
                    "insurance_provider": f"Carrier {index % 11}",
                    "policy_number": f"P-{v}-{n}",
                    "effective_date": "2025-06-01",
                    "expiration_date": EXPIRATIONS[index % len(EXPIRATIONS)],
                    "limit": limit,
                    "status": "undecided",
                    "updated_at": stamp,
                }
            )
    return seed


def serve_emulator(directory: Path, vendors: int, per_vendor: int) -> None:
    """The emulator process: seed, serve on loopback, write the port to ``directory/port``."""
    from coisync_procore.emulator import ProcoreEmulator, ProcoreSettings, RateWindow

    from coisync.sandbox.emulator import serve

    settings = ProcoreSettings(
        spike_window=RateWindow(1_000_000, 10), hourly_window=RateWindow(10_000_000, 3600), extra_fields=True
    )
    emulator = ProcoreEmulator(
        directory / "procore", credentials={CLIENT_ID: CLIENT_SECRET}, settings=settings
    )
    # Kept in memory: the emulator saves its whole JSON document after every write, which at
    # 100k records would measure the emulator's persistence rather than coisync.
    emulator.store._save = lambda: None  # type: ignore[method-assign]
    emulator.seed(portfolio(vendors, per_vendor))
    server = serve(emulator, background=False)
    (directory / "port").write_text(str(server.port), encoding="utf-8")
    server.serve_forever()


def start_emulator(directory: Path, vendors: int, per_vendor: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start the emulator process and wait until it serves."""
    command = [sys.executable, __file__, "--serve", str(directory), "--vendors", str(vendors)]
    command += ["--per-vendor", str(per_vendor)]
    process = subprocess.Popen(command)
    port_file = directory / "port"
    deadline = time.monotonic() + 300
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the emulator did not start")
        time.sleep(0.2)
    return process, f"http://127.0.0.1:{port_file.read_text(encoding='utf-8')}"


def write_config(directory: Path, base_url: str) -> Path:
    """coisync.toml for the emulator."""
    (directory / "secret").write_text(CLIENT_SECRET, encoding="utf-8")
    config = directory / "coisync.toml"
    config.write_text(
        f"""[connections.procore]
connector = "procore"
base_url = "{base_url}"
company_id = {COMPANY_ID}
page_size = {PAGE_SIZE}
writes = true
allow_private_network = true
allow_insecure_http = true

[connections.procore.credentials]
client_id = "{CLIENT_ID}"
client_secret = {{"$file" = "secret"}}

[sync]
max_write_fraction = 1.0
""",
        encoding="utf-8",
    )
    return config


TREE_PEAKS: list[int] = []
"""Peak proportional set size of each run's whole process tree (coisync and its workers), kB."""


class BudgetExceeded(Exception):
    """A coisync run did not finish within the benchmark's time budget (it was stopped)."""

    def __init__(self, wall: float) -> None:
        super().__init__(f"stopped after {wall:.0f} s")
        self.wall = wall


def run_sync(
    config: Path, db_url: str, *extra: str, profile: Path | None = None, budget: float | None = None
) -> tuple[dict[str, Any], float, int]:
    """One ``coisync sync --json`` child process; returns (summary, wall seconds, peak RSS in kB).

    Raises:
        BudgetExceeded: The run took longer than ``budget`` seconds and was stopped.
    """
    prefix = [sys.executable]
    if profile is not None:
        prefix += ["-m", "cProfile", "-o", str(profile)]
    command = [*prefix, "-m", "coisync", "--config", str(config), "--db", db_url, "-q", "sync", "--json"]
    command += ["--as-of", AS_OF, *extra]
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        sampler = TreeMemory(process.pid)
        sampler.start()
        try:
            stdout, stderr = process.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise BudgetExceeded(time.perf_counter() - started) from None
        finally:
            sampler.stop()
    wall = time.perf_counter() - started
    TREE_PEAKS.append(sampler.peak_kb)
    try:
        summary: dict[str, Any] = json.loads(stdout)
    except ValueError:
        sys.stderr.write(stderr.decode(errors="replace"))
        raise SystemExit(f"coisync sync failed (exit {process.returncode})") from None
    return summary, wall, _child_rss()


def committed_records(db_path: Path) -> int:
    """Platform records a (stopped) run committed to the store: its refs."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("SELECT count(*) FROM external_refs").fetchone()[0])


def _child_rss() -> int:
    """The largest resident set of any finished child so far, in kB (the emulator still runs)."""
    return int(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def bare_fetch(base_url: str) -> tuple[float, int]:
    """Fetch and decode every page of both listings with a plain client; returns (seconds, pages).

    The same pages as a ``--full`` run reads: the same listings with the same ``updated_at``
    window (from the beginning to now), so the emulator does the same work for both.
    """
    window = f"1970-01-01T00:00:00Z...{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}"
    started = time.perf_counter()
    pages = 0
    with httpx.Client(base_url=base_url, timeout=120, trust_env=False) as client:
        token = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(COMPANY_ID)}
        for path, params in (
            ("/rest/v1.0/vendors", {"company_id": COMPANY_ID, "filters[updated_at]": window}),
            (f"/rest/v1.0/companies/{COMPANY_ID}/insurances", {"filters[updated_at]": window}),
        ):
            page = 1
            while True:
                response = client.get(
                    path, params={**params, "page": page, "per_page": PAGE_SIZE}, headers=headers
                )
                response.raise_for_status()
                records = response.json()
                pages += 1
                if len(records) < PAGE_SIZE:
                    break
                page += 1
    return time.perf_counter() - started, pages


def measure(vendors: int, per_vendor: int, profile: bool, budget: float) -> None:
    """Run the benchmark and print its results."""
    lines = vendors * per_vendor
    with tempfile.TemporaryDirectory(prefix="coisync-bench-sync-") as tmp:
        directory = Path(tmp)
        emulator, base_url = start_emulator(directory, vendors, per_vendor)
        try:
            config = write_config(directory, base_url)
            db_url = f"sqlite:///{directory / 'coisync.db'}"
            try:
                first, first_wall, rss1 = run_sync(
                    config, db_url, profile=directory / "first.prof" if profile else None, budget=budget
                )
            except BudgetExceeded as stopped:
                report_stopped(directory / "coisync.db", stopped.wall, lines, vendors)
                return
            part = first["connections"][0]
            records = part["records_read"]
            duration = first["duration_seconds"]
            rate = records / duration
            emit("portfolio_lines", lines, "lines")
            emit("first_sync_records", records, "records")
            emit("first_sync_seconds", duration, "s")
            for phase, seconds in sorted(first.get("phase_seconds", {}).items()):
                emit(f"first_sync_{phase}_seconds", seconds, "s")
            emit("first_sync_wall_seconds", round(first_wall, 2), "s")
            emit("first_sync_records_per_second", round(rate), "records/s", 5000, rate >= 5000)
            writes = part["writes_applied"]
            minimum = 1 + math.ceil(vendors / PAGE_SIZE) + math.ceil(lines / PAGE_SIZE)
            minimum += math.ceil(writes / SYNC_BATCH)
            ratio = part["requests"] / minimum
            emit("first_sync_writes", writes, "writes")
            emit("first_sync_parties_evaluated", first["parties_evaluated"], "parties")
            emit("requests_over_minimum", round(ratio, 3), "ratio", 1.0, ratio <= 1.0)
            settle, settle_wall, rss2 = run_sync(config, db_url)
            emit("echo_run_seconds", settle["duration_seconds"], "s")
            emit("echo_run_wall_seconds", round(settle_wall, 2), "s")
            # The two sides alternate, REPEATS times each, and their medians are compared: one
            # pair swings by 10% or more on a shared 2-core machine.
            fulls: list[tuple[dict[str, Any], float]] = []
            bares: list[float] = []
            rss3 = 0
            for repeat in range(REPEATS):
                full, full_wall, rss = run_sync(
                    config,
                    db_url,
                    "--full",
                    profile=directory / "full.prof" if profile and not repeat else None,
                )
                fulls.append((full, full_wall))
                rss3 = max(rss3, rss)
                bare, pages = bare_fetch(base_url)
                bares.append(bare)
            emit("full_rerun_wall_seconds", round(statistics.median(w for _, w in fulls), 2), "s")
            emit("bare_fetch_pages", pages, "pages")
            full_writes = max(
                f["connections"][0]["writes_planned"] + f["connections"][0]["writes_applied"]
                for f, _ in fulls
            )
            emit("full_rerun_writes", full_writes, "writes", 0, full_writes == 0)
            full_seconds = statistics.median(f["duration_seconds"] for f, _ in fulls)
            bare_seconds = statistics.median(bares)
            emit("full_rerun_seconds", round(full_seconds, 3), "s")
            emit("bare_fetch_seconds", round(bare_seconds, 3), "s")
            pairs = [f["duration_seconds"] / b for (f, _), b in zip(fulls, bares, strict=True)]
            emit("full_rerun_over_bare_fetch_lowest", round(min(pairs), 2), "ratio")
            emit("full_rerun_over_bare_fetch_highest", round(max(pairs), 2), "ratio")
            over = full_seconds / bare_seconds
            emit("full_rerun_over_bare_fetch", round(over, 2), "ratio", 1.5, over <= 1.5)
            peak = max(rss1, rss2, rss3) / 1024
            emit("peak_rss_mb", round(peak, 1), "MB", 300, peak <= 300)
            tree = max(TREE_PEAKS) / 1024
            emit("peak_run_pss_mb", round(tree, 1), "MB", 300, tree <= 300)
            if profile:
                print_profile(directory / "first.prof", "first")
                print_profile(directory / "full.prof", "full")
        finally:
            emulator.send_signal(signal.SIGTERM)
            emulator.wait(timeout=30)


def report_stopped(db_path: Path, wall: float, lines: int, vendors: int) -> None:
    """What a first run stopped by the time budget shows: its rate so far; the rest unmeasured."""
    done = committed_records(db_path)
    rate = done / wall
    emit("portfolio_lines", lines, "lines")
    emit("first_sync_completed", 0, "runs", 1, False)
    emit("first_sync_records_committed_before_budget", done, "records", lines + vendors, False)
    emit("first_sync_records_per_second", round(rate), "records/s", 5000, rate >= 5000)
    emit("peak_rss_mb", round(_child_rss() / 1024, 1), "MB", 300, None)
    for metric in ("requests_over_minimum", "full_rerun_writes", "full_rerun_over_bare_fetch"):
        emit(metric, None, "not measured: the first sync did not finish within the budget", None, False)


def print_profile(path: Path, label: str) -> None:
    """The top of a cProfile dump, on stderr."""
    import pstats

    sys.stderr.write(f"--- profile of the {label} run (cumulative) ---\n")
    pstats.Stats(str(path), stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    sys.stderr.write(f"--- profile of the {label} run (internal time) ---\n")
    pstats.Stats(str(path), stream=sys.stderr).sort_stats("tottime").print_stats(25)


def main() -> None:
    """Parse options; serve the emulator (``--serve``) or run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=25_000)
    parser.add_argument("--per-vendor", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="cProfile the coisync runs (stderr)")
    parser.add_argument(
        "--budget", type=float, default=150.0, help="seconds the first sync may take before it is stopped"
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve_emulator(args.serve, args.vendors, args.per_vendor)
        return
    measure(args.vendors, args.per_vendor, args.profile, args.budget)


if __name__ == "__main__":
    main()
