"""Paths into platform records: dotted keys, list indexes, selectors and quoted keys.

Grammar (one path is segments joined by ``.``)::

    attributes.limit.magnitude            nested keys
    coverages[0].amount                   a list index
    Insurer.Name                          XML converted to a dict by the connector
    UserDefinedFields.Field[@Name=COIStatus].#text
                                          the first list element whose ``@Name`` is ``COIStatus``
    ["odata.metadata"]                    a key that itself contains dots

A selector on a single dict (XML with one child element) treats the dict as a one-item list.
Reading a missing key, an index past the end or a selector with no match gives :data:`MISSING`;
writing creates what is missing (dicts for keys, ``{key: value}`` items for selectors).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from coisync.mapping.errors import PathSyntaxError


class _Missing:
    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
"""The value of a path that does not exist in a record (distinct from ``None``/null)."""

_NAME = r"[A-Za-z_@#$][A-Za-z0-9_@#$:\-]*"
_TOKEN = re.compile(
    rf"""(?P<name>{_NAME})
       |\[(?P<index>-?\d+)\]
       |\[(?P<sel_key>{_NAME})=(?P<sel_value>[^\]]*)\]
       |\["(?P<quoted>[^"]*)"\]
       |(?P<dot>\.)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Key:
    """Step into a dict key."""

    name: str

    def __str__(self) -> str:
        return self.name if re.fullmatch(_NAME, self.name) else f'["{self.name}"]'


@dataclass(frozen=True)
class Index:
    """Step into a list position."""

    position: int

    def __str__(self) -> str:
        return f"[{self.position}]"


@dataclass(frozen=True)
class Select:
    """Step into the first list item (dict) whose ``key`` equals ``value`` (compared as text)."""

    key: str
    value: str

    def __str__(self) -> str:
        return f"[{self.key}={self.value}]"


Step = Key | Index | Select


@dataclass(frozen=True)
class Path:
    """A parsed path; ``str()`` gives back its canonical text."""

    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        # Most paths are plain keys: kept as names so reading them is a few dict lookups.
        names = [s.name for s in self.steps if isinstance(s, Key)]
        keys = tuple(names) if len(names) == len(self.steps) else None
        object.__setattr__(self, "_keys", keys)

    def __str__(self) -> str:
        text = ""
        for step in self.steps:
            part = str(step)
            text += f".{part}" if isinstance(step, Key) and text and not part.startswith("[") else part
        return text

    def get(self, data: Any) -> Any:
        """The value at this path in ``data``, or :data:`MISSING`."""
        keys: tuple[str, ...] | None = self.__dict__["_keys"]
        if keys is not None:
            node = data
            for key in keys:
                if not isinstance(node, dict):
                    return MISSING
                node = node.get(key, MISSING)
                if node is MISSING:
                    return MISSING
            return node
        node = data
        for step in self.steps:
            node = _step_into(node, step)
            if node is MISSING:
                return MISSING
        return node

    def set(self, data: MutableMapping[str, Any], value: Any) -> None:
        """Write ``value`` at this path in ``data``, creating dicts and list items on the way."""
        keys: tuple[str, ...] | None = self.__dict__["_keys"]
        if keys is not None and type(data) is dict:
            # Plain keys into plain dicts (nearly every mapped field): creating the dicts on the
            # way; anything else on the way takes the general steps below, which say what is wrong.
            node: Any = data
            for key in keys[:-1]:
                inner = node.get(key)
                if inner is None:
                    inner = node[key] = {}
                elif type(inner) is not dict:
                    break
                node = inner
            else:
                node[keys[-1]] = value
                return
        node = data
        for position, step in enumerate(self.steps):
            last = position == len(self.steps) - 1
            node = _step_or_create(node, step, value if last else MISSING, self.steps[position + 1 :])


def parse_path(text: str) -> Path:
    """Parse path text (a text parsed before is not parsed again: paths are immutable).

    Args:
        text: The path as written in a mapping file.

    Returns:
        The parsed path.

    Raises:
        PathSyntaxError: The text is empty or not valid path syntax (the message gives the position).
    """
    if not isinstance(text, str) or not text.strip():
        raise PathSyntaxError("a path cannot be empty")
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> Path:
    steps: list[Step] = []
    position = 0
    expect_name = True  # after a dot (or at the start) a name or bracket must follow
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise PathSyntaxError(f"bad path syntax at position {position} of {text!r}")
        if match.group("dot") is not None:
            if expect_name:
                raise PathSyntaxError(f"bad path syntax at position {position} of {text!r} (empty segment)")
            expect_name = True
        elif match.group("name") is not None:
            if not expect_name:
                raise PathSyntaxError(f"bad path syntax at position {position} of {text!r} (missing '.')")
            steps.append(Key(match.group("name")))
            expect_name = False
        else:
            if expect_name and steps:
                raise PathSyntaxError(f"bad path syntax at position {position} of {text!r} ('.' before '[')")
            steps.append(_bracket_step(match))
            expect_name = False
        position = match.end()
    if expect_name:
        raise PathSyntaxError(f"bad path syntax: {text!r} ends with '.'")
    return Path(tuple(steps))


def _bracket_step(match: re.Match[str]) -> Step:
    if match.group("index") is not None:
        return Index(int(match.group("index")))
    if match.group("quoted") is not None:
        return Key(match.group("quoted"))
    return Select(match.group("sel_key"), match.group("sel_value"))


def _step_into(node: Any, step: Step) -> Any:
    if isinstance(step, Key):
        return node.get(step.name, MISSING) if isinstance(node, dict) else MISSING
    if isinstance(step, Index):
        if not isinstance(node, list) or not -len(node) <= step.position < len(node):
            return MISSING
        return node[step.position]
    items = [node] if isinstance(node, dict) else node if isinstance(node, list) else []
    for item in items:
        if isinstance(item, dict) and step.key in item and _text(item[step.key]) == step.value:
            return item
    return MISSING


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _step_or_create(node: Any, step: Step, value: Any, rest: tuple[Step, ...]) -> Any:
    fresh: Any = (
        value if value is not MISSING else ([] if rest and isinstance(rest[0], Index | Select) else {})
    )
    if isinstance(step, Key):
        if not isinstance(node, MutableMapping):
            raise PathSyntaxError(f"cannot write key {step.name!r} into a {type(node).__name__}")
        current = node.get(step.name)
        if value is MISSING and current is not None and not isinstance(current, dict | list):
            raise PathSyntaxError(f"cannot write inside {step.name!r}: it holds a {type(current).__name__}")
        if value is not MISSING or current is None:
            node[step.name] = fresh
        return node[step.name]
    if isinstance(step, Index):
        if not isinstance(node, list):
            raise PathSyntaxError(f"cannot write index {step.position} into a {type(node).__name__}")
        if step.position < 0:
            raise PathSyntaxError("cannot write at a negative index")
        while len(node) <= step.position:
            node.append(None)
        current = node[step.position]
        if value is MISSING and current is not None and not isinstance(current, dict | list):
            raise PathSyntaxError(
                f"cannot write inside [{step.position}]: it holds a {type(current).__name__}"
            )
        if value is not MISSING or current is None:
            node[step.position] = fresh
        return node[step.position]
    if value is not MISSING:
        raise PathSyntaxError("a path cannot end with a selector when writing")
    found = _step_into(node, step)
    if found is MISSING and not isinstance(node, list):
        raise PathSyntaxError(f"cannot add [{step.key}={step.value}] to a {type(node).__name__}")
    if found is MISSING:
        found = {step.key: step.value}
        node.append(found)
    return found


__all__ = ["MISSING", "Index", "Key", "Path", "Select", "Step", "parse_path"]
