"""A file lock is not kept held by a forked child (a worker process) of a run that was killed:
the child closes its copies of the lock descriptors, so the next run can take the lock at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from coisync.errors import LockHeldError
from coisync.store.locks import file_lock

SCRIPT = """
import os, sys, time
from pathlib import Path
from coisync.store.locks import file_lock
with file_lock(Path(sys.argv[1]), "sync:procore"):
    if os.fork() == 0:
        print(os.getpid(), flush=True)  # the child runs its fork handlers before this line
        time.sleep(60)
        os._exit(0)
    time.sleep(60)
"""


def test_a_killed_holders_forked_child_does_not_keep_its_lock(tmp_path: Path) -> None:
    path = tmp_path / "coisync.db.sync_procore.lock"
    child = 0
    with subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(path)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            child = int(holder.stdout.readline())
            with pytest.raises(LockHeldError), file_lock(path, "sync:procore"):
                pass
            os.kill(holder.pid, signal.SIGKILL)
            holder.wait(timeout=10)
            with file_lock(path, "sync:procore"):  # the child still lives, and does not hold it
                os.kill(child, 0)
        finally:
            if child:
                os.kill(child, signal.SIGKILL)
