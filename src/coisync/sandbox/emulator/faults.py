"""Fault injection, switchable at runtime and deterministic for a seed and request sequence.

A rule says what goes wrong, how often and where::

    {"kind": "503", "rate": 0.5, "retry_after": 2, "count": 3, "paths": "/rest/v1.0/"}

Kinds:

* ``429`` / ``503`` / ``500``: answer with that status (``Retry-After`` on 429 and 503) instead
  of handling the request.
* ``slow``: wait ``delay`` seconds (on the emulator's clock when it can sleep) before handling.
* ``drop``: close the connection without a response; nothing is committed.
* ``lost_response``: handle the write (it is committed), then close the connection without a
  response. Applies to POST/PUT/PATCH/DELETE only.
* ``malformed``: corrupt one record of a list response.
* ``login_failure``: the emulator's login endpoints refuse valid credentials.

``rate`` (0..1, default 1) is the chance an applicable request triggers the rule; ``count``
(default unlimited) caps how many times it fires; ``paths`` is a path prefix or a list of them.
Every decision draws from one RNG seeded from the emulator's seed and the number of rule
changes so far, so the same seed and the same request sequence give the same faults.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_KINDS = ("429", "503", "500", "slow", "drop", "malformed", "login_failure", "lost_response")
BEFORE_KINDS = frozenset({"429", "503", "500", "slow", "drop", "login_failure"})
AFTER_KINDS = frozenset({"malformed", "lost_response"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class FaultRule:
    """One fault rule (see the module docstring for the meaning of each field)."""

    kind: str
    rate: float = 1.0
    retry_after: int = 1
    count: int | None = None
    paths: list[str] | None = None
    delay: float = 2.0
    fired: int = field(default=0)

    @property
    def remaining(self) -> int | None:
        """How many more times the rule may fire, or ``None`` for no limit."""
        return None if self.count is None else max(0, self.count - self.fired)

    def applies_to(self, path: str) -> bool:
        """Whether ``path`` falls under the rule's path prefixes."""
        return self.paths is None or any(path.startswith(prefix) for prefix in self.paths)

    def to_json(self) -> dict[str, Any]:
        """The rule as JSON, with its ``fired`` and ``remaining`` counters."""
        data = asdict(self)
        data["remaining"] = self.remaining
        return data


def parse_rule(data: Any) -> FaultRule:
    """Validate one rule from its JSON form.

    Raises:
        ValueError: With a one-line message naming the bad field.
    """
    if not isinstance(data, dict):
        raise ValueError("a fault rule must be a JSON object")
    unknown = set(data) - {"kind", "rate", "retry_after", "count", "paths", "delay"}
    if unknown:
        raise ValueError(f"unknown fault rule field(s): {', '.join(sorted(unknown))}")
    kind = str(data.get("kind", ""))
    if kind not in FAULT_KINDS:
        raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}; got {kind!r}")
    rate = data.get("rate", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError("fault rate must be a number from 0 to 1")
    retry_after = data.get("retry_after", 1)
    if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
        raise ValueError("retry_after must be a whole number of seconds, 0 or more")
    count = data.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError("count must be a positive whole number (or absent for no limit)")
    delay = data.get("delay", 2.0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("delay must be a number of seconds, 0 or more")
    paths = data.get("paths")
    if isinstance(paths, str):
        paths = [paths]
    if paths is not None and not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)):
        raise ValueError("paths must be a path prefix or a list of them")
    return FaultRule(kind, float(rate), retry_after, count, paths, float(delay))


class FaultInjector:
    """The active fault rules and the seeded RNG that decides when they fire.

    Args:
        seed: The emulator's seed.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._generation = 0
        self._rng = random.Random(f"{seed}:faults:0")

    def _reseed(self) -> None:
        self._generation += 1
        self._rng = random.Random(f"{self.seed}:faults:{self._generation}")

    def add(self, rules: list[FaultRule]) -> None:
        """Append rules (they are tried in order) and restart the RNG sequence."""
        with self._lock:
            self._rules.extend(rules)
            self._reseed()

    def clear(self) -> None:
        """Remove every rule and restart the RNG sequence."""
        with self._lock:
            self._rules.clear()
            self._reseed()

    def rules(self) -> list[dict[str, Any]]:
        """The active rules as JSON."""
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def armed(self, kind: str) -> bool:
        """Whether a rule of ``kind`` could still fire (lets callers skip costly preparation)."""
        with self._lock:
            return any(rule.kind == kind and rule.remaining != 0 for rule in self._rules)

    def pick(
        self, kinds: frozenset[str], path: str, method: str, *, login: bool = False, write: bool | None = None
    ) -> FaultRule | None:
        """Decide whether a fault of one of ``kinds`` hits this request; the first firing rule wins.

        A rule is applicable when its path prefixes match, it has firings left, and its kind
        fits the request (``lost_response`` needs a write method, ``login_failure`` a login
        path). Only applicable rules draw from the RNG.

        Args:
            kinds: The kinds to consider at this point of handling.
            path: The request path.
            method: The HTTP method.
            login: Whether the path is one of the emulator's login endpoints.
            write: Whether the request changes state (``lost_response`` needs one); ``None``
                decides by method (POST, PUT, PATCH, DELETE).

        Returns:
            The rule that fired (its ``fired`` counter already incremented), or ``None``.
        """
        is_write = method in WRITE_METHODS if write is None else write
        with self._lock:
            for rule in self._rules:
                if rule.kind not in kinds or not rule.applies_to(path) or rule.remaining == 0:
                    continue
                if rule.kind == "lost_response" and not is_write:
                    continue
                if rule.kind == "login_failure" and not login:
                    continue
                if self._rng.random() < rule.rate:
                    rule.fired += 1
                    return rule
            return None
