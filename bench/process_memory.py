"""The memory a benchmarked run holds: a process and its descendants, sampled while it runs."""

from __future__ import annotations

import threading
from pathlib import Path


class TreeMemory(threading.Thread):
    """Samples the memory of a process and its descendants (worker processes) every 0.1 s.

    Each process's proportional set size (PSS, from ``/proc/<pid>/smaps_rollup``) counts a page
    shared by n processes (forked workers share their parent's pages) as 1/n, so the sum is the
    memory the run really holds. Linux only; elsewhere nothing is sampled (peak 0).
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()

    def stop(self) -> None:
        """Stop sampling."""
        self._done.set()
        self.join(timeout=5)

    def run(self) -> None:
        """Sample until stopped."""
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))
            self._done.wait(0.1)


def _tree(root: int) -> list[int]:
    """``root`` and its descendants: read from each thread's ``children`` list where the kernel
    has one (a few small reads, so the sampler takes little of the CPU the run is measured on),
    else by scanning every process's parent."""
    if Path(f"/proc/{root}/task").is_dir() and any(Path(f"/proc/{root}/task").glob("*/children")):
        found, todo = [], [root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for listing in Path(f"/proc/{pid}/task").glob("*/children"):
                try:
                    todo.extend(int(child) for child in listing.read_text().split())
                except OSError:  # the thread or process ended meanwhile
                    continue
        return found
    return _tree_by_scan(root)


def _tree_by_scan(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0
