"""Run locks: a second holder is refused at once with LockHeldError (exit 4), on both backends."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coisync.errors import ExitCode, LockHeldError
from coisync.store import Store, open_store


def test_second_holder_is_refused_and_lock_is_released(store: Store, store_url: str) -> None:
    other = open_store(store_url)
    try:
        with store.lock("sync:procore"):
            with pytest.raises(LockHeldError) as caught, other.lock("sync:procore"):
                pass
            assert caught.value.exit_code == ExitCode.LOCKED
            assert "sync:procore" in str(caught.value)
            with other.lock("sync:yardi"):
                pass
        with other.lock("sync:procore"):
            pass
    finally:
        other.close()


def test_lock_released_when_the_block_raises(store: Store) -> None:
    with pytest.raises(RuntimeError), store.lock("import"):
        raise RuntimeError("boom")
    with store.lock("import"):
        pass


def test_lock_held_by_another_process_is_refused(store: Store, store_url: str) -> None:
    script = (
        "import sys\n"
        "from coisync.store import open_store\n"
        "from coisync.errors import LockHeldError\n"
        "s = open_store(sys.argv[1])\n"
        "try:\n"
        "    with s.lock('import'):\n"
        "        print('acquired')\n"
        "except LockHeldError:\n"
        "    print('held')\n"
    )
    with store.lock("import"):
        held = subprocess.run(
            [sys.executable, "-c", script, store_url], capture_output=True, text=True, check=True
        )
    assert held.stdout.strip() == "held"
    with store.lock("import"):
        pass


def test_in_memory_store_locks_within_the_process() -> None:
    store = open_store("sqlite://")
    try:
        with store.lock("x"), pytest.raises(LockHeldError), store.lock("x"):
            pass
    finally:
        store.close()
