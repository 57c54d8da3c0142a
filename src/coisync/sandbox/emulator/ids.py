"""Deterministic identifiers and secrets derived from a seed.

Identifiers grow by a small pseudo-random step chosen from ``(seed, kind, n)``, so two
emulators with the same seed hand out the same ids in the same order, and the counters live in
the persisted state, so a restart continues the sequence instead of reusing ids.
"""

from __future__ import annotations

import hashlib
from typing import Any


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()


class IdSequences:
    """Per-kind integer id sequences kept inside an emulator's state document.

    Args:
        seed: The emulator's seed.
        starts: The first id of each kind, e.g. ``{"insurance": 5_000_000_000}``; kinds not
            listed start at 1000.
        max_step: Ids grow by a step in ``1..max_step``.
    """

    def __init__(self, seed: int, starts: dict[str, int] | None = None, max_step: int = 97) -> None:
        self.seed = seed
        self.starts = dict(starts or {})
        self.max_step = max_step

    def next(self, state: dict[str, Any], kind: str) -> int:
        """The next id of ``kind``; records the counter in ``state["meta"]["ids"]``.

        Args:
            state: The emulator's mutable state document (inside a transaction).
            kind: The record kind, e.g. ``"insurance"``.
        """
        counters = state.setdefault("meta", {}).setdefault("ids", {})
        entry = counters.get(kind)
        if entry is None:
            entry = {"n": 0, "last": self.starts.get(kind, 1000) - 1}
        n = int(entry["n"]) + 1
        step = 1 + int.from_bytes(_digest(self.seed, kind, n)[:4], "big") % self.max_step
        last = int(entry["last"]) + step
        counters[kind] = {"n": n, "last": last}
        return last

    def observe(self, state: dict[str, Any], kind: str, used: int) -> None:
        """Make sure later ids of ``kind`` stay above ``used`` (an id that came from a seed)."""
        counters = state.setdefault("meta", {}).setdefault("ids", {})
        entry = counters.get(kind) or {"n": 0, "last": self.starts.get(kind, 1000) - 1}
        if used > int(entry["last"]):
            entry = {"n": int(entry["n"]), "last": used}
        counters[kind] = entry


def derived_secret(seed: int, kind: str, n: int) -> str:
    """A deterministic opaque token (64 hex characters) for ``(seed, kind, n)``."""
    return _digest("secret", seed, kind, n).hex()


def secret_fingerprint(secret: str) -> str:
    """The SHA-256 of a secret: what the state file keeps instead of the secret itself."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
