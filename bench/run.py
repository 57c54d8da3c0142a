"""Run every ``bench/bench_*.py`` and fail when any result misses its target.

Each benchmark prints one JSON object per line with an ``ok`` field; this runner passes the
lines through, and exits 1 if any line has ``"ok": false``, a benchmark exits non-zero, or a
benchmark prints no result at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def run_one(script: Path) -> bool:
    """Run one benchmark script; True when it finished and every result is ok."""
    process = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    sys.stderr.write(process.stderr)
    results = 0
    ok = process.returncode == 0
    for line in process.stdout.splitlines():
        print(line, flush=True)
        try:
            result = json.loads(line)
        except ValueError:
            continue
        results += 1
        ok = ok and result.get("ok") is True
    if results == 0:
        print(json.dumps({"bench": script.stem, "metric": "results", "value": 0, "ok": False}), flush=True)
    return ok and results > 0


def main() -> int:
    """Run all benchmarks in name order."""
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    failed = [script.name for script in scripts if not run_one(script)]
    if failed:
        print(f"benchmarks missing their targets: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
