"""Import benchmark: throughput, flat memory and a zero-write re-import.

Generates deterministic 10k and 100k JSONL portfolios, imports each into a fresh SQLite store
with the real CLI in its own subprocess (peak RSS from ``os.wait4`` of that child), then
re-imports the 100k file. Prints one JSON object per line::

    {"bench": "import", "metric": ..., "value": ..., "unit": ..., "target": ..., "ok": true}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from coisync.sandbox.portfolio import write_jsonl

SEED = 20261204
MIN_RECORDS_PER_SECOND = 500.0
"""Wall-clock floor, end to end through the CLI (startup included), on a busy shared runner."""
MIN_RECORDS_PER_CPU_SECOND = 2000.0
"""Throughput per CPU second of the importing process: stable when the runner is shared."""
MAX_RSS_RATIO = 1.3


def measured_import(db_url: str, path: Path) -> dict[str, Any]:
    """Run ``coisync import --json`` in a child: its summary, wall time and peak RSS (KiB, from ``wait4``)."""
    command = [sys.executable, "-m", "coisync", "-q", "--db", db_url, "import", "--json", str(path)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        raise RuntimeError(f"import of {path} exited {child.returncode}: {stderr.decode()[-2000:]}")
    summary = json.loads(stdout)
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": elapsed, "cpu_seconds": cpu, "max_rss_kib": usage.ru_maxrss, "summary": summary}


def emit(metric: str, value: float, unit: str, target: float, ok: bool, **extra: Any) -> dict[str, Any]:
    """Print one result line."""
    line = {
        "bench": "import",
        "metric": metric,
        "value": value,
        "unit": unit,
        "target": target,
        "ok": ok,
        **extra,
    }
    print(json.dumps(line), flush=True)
    return line


def main() -> int:
    """Run the benchmark; exit 1 when any target is missed."""
    results = []
    with tempfile.TemporaryDirectory(prefix="coisync-bench-") as tmp:
        work = Path(tmp)
        small, large = work / "portfolio-10k.jsonl", work / "portfolio-100k.jsonl"
        write_jsonl(small, SEED, 10_000)
        write_jsonl(large, SEED, 100_000)
        small_run = measured_import(f"sqlite:///{work / 'small.db'}", small)
        large_url = f"sqlite:///{work / 'large.db'}"
        large_run = measured_import(large_url, large)
        again = measured_import(large_url, large)

        written_first = large_run["summary"]["rows_written"]
        rate = 100_000 / large_run["seconds"]
        results.append(
            emit(
                "records_per_second_100k",
                round(rate, 1),
                "records/s",
                MIN_RECORDS_PER_SECOND,
                rate >= MIN_RECORDS_PER_SECOND and written_first == 100_000,
                seconds=round(large_run["seconds"], 2),
                rows_written=written_first,
            )
        )
        cpu_rate = 100_000 / large_run["cpu_seconds"]
        results.append(
            emit(
                "records_per_cpu_second_100k",
                round(cpu_rate, 1),
                "records/cpu-s",
                MIN_RECORDS_PER_CPU_SECOND,
                cpu_rate >= MIN_RECORDS_PER_CPU_SECOND,
                cpu_seconds=round(large_run["cpu_seconds"], 2),
            )
        )
        ratio = large_run["max_rss_kib"] / small_run["max_rss_kib"]
        results.append(
            emit(
                "peak_rss_ratio_100k_over_10k",
                round(ratio, 3),
                "ratio",
                MAX_RSS_RATIO,
                ratio <= MAX_RSS_RATIO,
                rss_10k_mib=round(small_run["max_rss_kib"] / 1024, 1),
                rss_100k_mib=round(large_run["max_rss_kib"] / 1024, 1),
            )
        )
        written = again["summary"]["rows_written"]
        results.append(
            emit(
                "reimport_rows_written_100k",
                written,
                "rows",
                0,
                written == 0 and again["summary"]["invalid"] == 0,
                seconds=round(again["seconds"], 2),
                records_per_second=round(100_000 / again["seconds"], 1),
            )
        )
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
