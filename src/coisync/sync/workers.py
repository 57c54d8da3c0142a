"""Worker processes for the CPU-bound steps of large runs (pull preparation, evaluation, planning).

Preparing pull batches, judging parties and diffing refs read the store and compute; they
write nothing. A large run hands chunks of that work to worker processes, each with its own
read connection to the same store, and the main process alone writes their results, in order,
in the transactions it would have used without them. Results are therefore the same with or without
workers (the tests compare both); only the wall time differs.

Workers are used when the store is a database file or a server (an in-memory store cannot be
shared), the run has at least two chunks of work, and ``[sync] workers`` allows more than one
process. They are started with ``fork`` where the platform has it (the modules already loaded
are inherited, so a worker starts in milliseconds) and with ``spawn`` elsewhere.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from coisync.store.engine import create_store_engine, sqlite_path

T = TypeVar("T")
R = TypeVar("R")

_engine: Engine | None = None
_state: dict[str, Any] = {}


CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
"""The cgroup (v2) CPU quota of this process: how a container's CPU limit shows."""


def quota_cpus(path: Path = CPU_MAX) -> int | None:
    """CPUs the cgroup quota allows (a limit of 1.5 CPUs allows 2), or None without a quota."""
    try:
        quota, period = path.read_text(encoding="utf-8").split()[:2]
        return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):  # no such file, or "max": no quota
        return None


def default_workers() -> int:
    """Processes a large run uses by default: the CPUs this process may run on (within its
    container's CPU limit), at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, quota_cpus() or cpus, 4))


def shareable(url: str) -> bool:
    """Whether other processes can open the store at ``url`` (a file or a server, not memory)."""
    return url.startswith("postgresql") or sqlite_path(url) is not None


def _picklable(inputs: dict[str, Any]) -> bool:
    try:
        pickle.dumps(inputs)
    except Exception:  # any failure to pickle means: do not spawn
        return False
    return True


def _watch(parent: int) -> None:
    """End this worker once the process that started it is gone (killed, say): a worker left
    waiting for work would otherwise live on, holding its parent's output pipes open."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _start(parent: int, url: str, state: dict[str, Any]) -> None:
    """A worker's initializer: its own engine on the store, and the step's fixed inputs."""
    global _engine
    # What the worker inherited stays shared with its parent only while untouched: keep the
    # collector from walking (and so copying) those pages.
    gc.freeze()
    threading.Thread(target=_watch, args=(parent,), name="coisync-worker-watch", daemon=True).start()
    _engine = create_store_engine(url)
    _state.clear()
    _state.update(state)


def engine() -> Engine:
    """The worker's engine (inside a worker process only)."""
    if _engine is None:
        raise RuntimeError("not inside a coisync worker process")
    return _engine


def state() -> dict[str, Any]:
    """The step's fixed inputs handed to the worker when it started."""
    return _state


@contextmanager
def pool(url: str, workers: int, chunks: int, inputs: dict[str, Any]) -> Iterator[Executor | None]:
    """Worker processes for ``chunks`` chunks of one step, or None when the step runs inline.

    ``inputs`` (picklable) are handed to every worker once, as :func:`state`.
    """
    if workers <= 1 or chunks < 2 or not shareable(url):
        yield None
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "spawn" and not _picklable(inputs):
        yield None  # a spawned worker gets its inputs pickled; these do not pickle: run inline
        return
    executor = ProcessPoolExecutor(
        max_workers=min(workers, chunks),
        mp_context=multiprocessing.get_context(method),
        initializer=_start,
        initargs=(os.getpid(), url, inputs),
    )
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def ordered(
    executor: Executor | None,
    task: Callable[[T], R],
    items: Iterable[T],
    inline: Callable[[T], R],
    ahead: int,
) -> Iterator[R]:
    """``task(item)`` for each item, in order: in workers (at most ``ahead`` waiting results,
    so memory stays bounded when the caller is slower) or ``inline(item)`` without them."""
    if executor is None:
        for item in items:
            yield inline(item)
        return
    waiting: deque[Future[R]] = deque()
    for item in items:
        waiting.append(executor.submit(task, item))
        if len(waiting) >= ahead:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()
