"""A JSON state file per emulator: what clients wrote survives a restart.

Writes are atomic (a temporary file in the same directory, flushed and fsynced, then
``os.replace``), so a crash mid-write leaves either the old or the new state, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_DERIVED_KEPT = 8
"""Derived values kept at once (listings being paged through at the same time)."""


class StateStore:
    """A JSON document held in memory and persisted to ``<directory>/<name>.json``.

    All access goes through :meth:`transaction`, which holds a re-entrant lock and saves the
    document when the block ends without an exception (a failed block rolls back by reloading).

    Args:
        directory: Where the file lives (created if missing).
        name: The emulator's name; the file is ``<name>.json``.
    """

    def __init__(self, directory: Path | str, name: str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / f"{name}.json"
        self._lock = threading.RLock()
        self._depth = 0
        self._data: dict[str, Any] = self._load()
        self._generation = 0
        self._derived: dict[Hashable, Any] = {}
        self._derived_generation = 0

    @property
    def exists_on_disk(self) -> bool:
        """Whether a state file was already there (a restart rather than a fresh start)."""
        return self.path.exists()

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        with self.path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise ValueError(f"emulator state file {self.path} does not hold a JSON object")
        return data

    def _save(self) -> None:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._data, handle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp_name).replace(self.path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    @contextmanager
    def transaction(self) -> Iterator[dict[str, Any]]:
        """Hold the lock and yield the mutable document; save it when the outermost block ends.

        Nested transactions join the outer one. An exception in the outermost block reloads
        the last saved document, discarding the block's changes.
        """
        with self._lock:
            self._depth += 1
            self._generation += 1
            try:
                yield self._data
            except BaseException:
                if self._depth == 1:
                    self._data = self._load()
                raise
            else:
                if self._depth == 1:
                    self._save()
            finally:
                self._depth -= 1
                self._generation += 1

    @contextmanager
    def reading(self) -> Iterator[dict[str, Any]]:
        """Hold the lock and yield the document for reading (nothing is saved)."""
        with self._lock:
            yield self._data

    def derived(self, key: Hashable, compute: Callable[[dict[str, Any]], T]) -> T:
        """``compute(document)``, remembered under ``key`` until the next transaction begins.

        An index over the document (a filtered, ordered listing, say), as a platform's database
        keeps one: paging through a listing costs one computation, not one per page. Inside a
        transaction nothing is remembered.
        """
        with self._lock:
            if self._depth:
                return compute(self._data)
            if self._derived_generation != self._generation:
                self._derived.clear()
                self._derived_generation = self._generation
            if key not in self._derived:
                if len(self._derived) >= _DERIVED_KEPT:
                    del self._derived[next(iter(self._derived))]
                self._derived[key] = compute(self._data)
            value: T = self._derived[key]
            return value

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of the document."""
        with self._lock:
            copy: dict[str, Any] = json.loads(json.dumps(self._data))
            return copy
