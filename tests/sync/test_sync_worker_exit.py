"""Worker processes end when the process that started them is killed: left waiting for work they
would live on, holding the killed run's output pipes (and their copies of its descriptors)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import os, sys, time
from coisync.sync import workers
with workers.pool(sys.argv[1], 2, 2, {}) as executor:
    pids = {executor.submit(os.getpid).result() for _ in range(8)}
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_workers_end_soon_after_their_parent_is_killed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coisync.db'}"
    with subprocess.Popen(
        [sys.executable, "-c", SCRIPT, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        pids = [int(p) for p in line.split()]
        assert pids, parent.stderr.read()
        assert parent.pid not in pids
        assert all(_alive(p) for p in pids)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(p) for p in pids), "a worker outlived its killed parent"
        # Nothing holds the killed run's output pipe open any more.
        assert parent.stdout.read() == ""
