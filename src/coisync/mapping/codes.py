"""Code tables: a platform's vocabulary (coverage types, statuses) to coisync's, and back.

Lookups ignore case, spacing and punctuation (``"General-Liability"`` matches
``"general liability"``). A value not in the table is, by default, kept as given in snake case
(``"Builders Risk"`` becomes ``builders_risk``), never dropped; a table with
``unknown = "error"`` makes it a coercion failure instead.

The reverse direction (canonical value to platform value) uses the table's ``reverse`` entries,
then the first platform value listed for that canonical value.

The built-in ``coverage_type`` table knows the common names and abbreviations of every coverage
type in :mod:`coisync.model.vocabulary`; a mapping's own ``coverage_type`` table is merged over it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from coisync.mapping.errors import CoercionError
from coisync.model.vocabulary import CoverageType

UnknownPolicy = Literal["keep", "error"]

_SPLIT = re.compile(r"[^0-9a-z]+")


def normalise_code(value: object) -> str:
    """The lookup key of a code: lower case, words separated by single spaces."""
    return " ".join(part for part in _SPLIT.split(str(value).casefold()) if part)


def snake_case(value: object) -> str:
    """A code kept as given: lower case, words joined by underscores (``Builders Risk`` -> ``builders_risk``)."""
    return "_".join(part for part in _SPLIT.split(str(value).casefold()) if part)


@dataclass(frozen=True)
class CodeTable:
    """A two-way vocabulary table.

    Attributes:
        name: The table's name in the mapping file.
        values: Platform code to canonical value, as written.
        reverse: Canonical value to platform code, where the first listed code is not wanted.
        unknown: ``keep`` (snake-cased) or ``error`` for codes not in the table.
    """

    name: str
    values: Mapping[str, str]
    reverse: Mapping[str, str] = field(default_factory=dict)
    unknown: UnknownPolicy = "keep"
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _first: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        first: dict[str, str] = {}
        for code, canonical in self.values.items():
            lookup.setdefault(normalise_code(code), canonical)
            first.setdefault(canonical, code)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_first", first)

    def to_canonical(self, code: object) -> tuple[str, bool]:
        """The canonical value of a platform code, and whether the table knew it.

        Raises:
            CoercionError: The code is unknown and the table's policy is ``error``, or it is empty.
        """
        key = normalise_code(code)
        if not key:
            raise CoercionError(f"empty code for table {self.name!r}")
        if key in self._lookup:
            return self._lookup[key], True
        if self.unknown == "error":
            raise CoercionError(f"{code!r} is not in code table {self.name!r}")
        return snake_case(code), False

    def to_platform(self, canonical: object) -> str:
        """The platform code for a canonical value.

        Raises:
            CoercionError: No platform code is known for it and the table's policy is ``error``.
        """
        text = str(canonical.value if hasattr(canonical, "value") else canonical)
        if text in self.reverse:
            return self.reverse[text]
        if text in self._first:
            return self._first[text]
        if self.unknown == "error":
            raise CoercionError(f"no platform code for {text!r} in code table {self.name!r}")
        return text

    def merged(
        self, values: Mapping[str, str], reverse: Mapping[str, str], unknown: UnknownPolicy
    ) -> CodeTable:
        """This table with another's entries laid over it (theirs win, and theirs come first)."""
        ours = {code: canonical for code, canonical in self.values.items() if code not in values}
        return CodeTable(self.name, {**values, **ours}, {**self.reverse, **reverse}, unknown)


_COVERAGE_NAMES: dict[CoverageType, tuple[str, ...]] = {
    CoverageType.GENERAL_LIABILITY: (
        "general liability",
        "GL",
        "CGL",
        "commercial general liability",
        "general liab",
        "gen liab",
        "liability",
    ),
    CoverageType.AUTO_LIABILITY: (
        "auto liability",
        "AL",
        "auto",
        "automobile liability",
        "automobile",
        "business auto",
        "commercial auto",
        "BAP",
    ),
    CoverageType.UMBRELLA: ("umbrella", "umbrella liability", "UMB", "commercial umbrella"),
    CoverageType.EXCESS_LIABILITY: ("excess liability", "excess", "XS", "XL", "excess umbrella"),
    CoverageType.WORKERS_COMPENSATION: (
        "workers compensation",
        "WC",
        "workers comp",
        "workmens compensation",
        "workers compensation and employers liability",
        "WC EL",
    ),
    CoverageType.PROPERTY: (
        "property",
        "commercial property",
        "building",
        "BPP",
        "business personal property",
    ),
    CoverageType.PROFESSIONAL_LIABILITY: (
        "professional liability",
        "PL",
        "professional",
        "E&O",
        "errors and omissions",
        "errors & omissions",
    ),
    CoverageType.LIQUOR_LIABILITY: ("liquor liability", "liquor", "LL", "dram shop"),
    CoverageType.CYBER: ("cyber", "cyber liability", "network security"),
    CoverageType.POLLUTION_LIABILITY: (
        "pollution liability",
        "pollution",
        "environmental",
        "contractors pollution liability",
        "CPL",
    ),
}

BUILTIN_CODE_TABLES: dict[str, CodeTable] = {
    "coverage_type": CodeTable(
        "coverage_type",
        {name: coverage.value for coverage, names in _COVERAGE_NAMES.items() for name in names}
        | {coverage.value: coverage.value for coverage in CoverageType},
    ),
}
"""Tables every mapping can use without defining them; a mapping's own table of the same name merges over."""


TableEntries = tuple[Mapping[str, str], Mapping[str, str], UnknownPolicy]
"""A table as written in a mapping file: values, reverse entries, unknown-code policy."""


def tables_in_force(own: Mapping[str, TableEntries]) -> dict[str, CodeTable]:
    """The built-in tables with a mapping file's own tables merged over (or added beside) them."""
    tables = dict(BUILTIN_CODE_TABLES)
    for name, (values, reverse, unknown) in own.items():
        tables[name] = tables.get(name, CodeTable(name, {})).merged(values, reverse, unknown)
    return tables


def ambiguous_codes(values: Mapping[str, str]) -> tuple[str, str] | None:
    """Two codes that look the same to a lookup but map to different values, if any."""
    seen: dict[str, str] = {}
    for code, canonical in values.items():
        key = normalise_code(code)
        if key in seen and values[seen[key]] != canonical:
            return seen[key], code
        seen.setdefault(key, code)
    return None


__all__ = [
    "BUILTIN_CODE_TABLES",
    "CodeTable",
    "TableEntries",
    "UnknownPolicy",
    "ambiguous_codes",
    "normalise_code",
    "snake_case",
    "tables_in_force",
]
