"""Read ahead: the next items of an iterator are produced by a thread while this one is used.

A platform takes a while to answer each page, and committing a batch takes a while too. With
``depth`` items read ahead by a thread, the two overlap (waiting on a socket or on SQLite
releases the GIL). Items still arrive one at a time and in order (the pull commits each batch
with its own cursor exactly as without read-ahead). An error of the iterator is raised to the
reader where the item it stopped would have been; when the reader stops early, the thread
stops at its next item. Used by the pull (batches ahead of the store) and by
``HttpSession.paginate`` (pages ahead of a stream's record handling, where the stream asks).

The overlap needs the waiting thread to get the GIL back soon after its socket answers: a
large page arrives in many reads, and after each one CPython's default switch interval (5 ms)
can keep that thread waiting behind one that computes (the convoy effect), while the platform
idles. :func:`quick_handover` shortens the interval for a job that runs such threads.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_BATCH, _ERROR, _DONE = "batch", "error", "done"


HANDOVER_SECONDS = 0.0005
"""The switch interval while :func:`quick_handover` holds: a tenth of CPython's default."""


@contextmanager
def quick_handover(seconds: float = HANDOVER_SECONDS) -> Iterator[None]:
    """Threads hand the GIL over every ``seconds`` (if that is shorter) while the block runs.

    A thread whose socket answered then waits at most that long for the GIL, however busy the
    others are. The previous interval is restored when the block ends.
    """
    before = sys.getswitchinterval()
    if seconds < before:
        sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def read_ahead(items: Iterator[T], depth: int, name: str = "stream") -> Iterator[T]:
    """``items`` as they come, produced by a thread up to ``depth`` items ahead (0: no thread)."""
    if depth <= 0:
        yield from items
        return
    channel: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(message: tuple[str, object]) -> bool:
        while not stop.is_set():
            try:
                channel.put(message, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((_BATCH, item)):
                    return
            put((_DONE, None))
        except BaseException as exc:  # handed to the reader, raised there
            put((_ERROR, exc))

    thread = threading.Thread(target=produce, name=f"coisync-read-ahead-{name}", daemon=True)
    thread.start()
    try:
        while True:
            kind, payload = channel.get()
            if kind == _BATCH:
                yield payload  # type: ignore[misc]
            elif kind == _ERROR:
                assert isinstance(payload, BaseException)
                raise payload
            else:
                break
        thread.join()
    finally:
        stop.set()
