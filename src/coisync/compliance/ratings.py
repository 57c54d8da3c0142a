"""AM Best ratings keyed by NAIC company code, and financial size class parsing.

The table is a CSV with columns ``naic,name,am_best_rating,financial_size_class``; the size class
may be written as a roman numeral ("VIII"), a number ("8") or with a prefix ("FSC VIII").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from coisync.errors import InputError
from coisync.model import AM_BEST_RATINGS

RATINGS_COLUMNS = ("naic", "name", "am_best_rating", "financial_size_class")

_ROMAN = {"I": 1, "V": 5, "X": 10}
_ROMAN_PATTERN = re.compile(r"^(?:X{0,1})(?:IX|IV|V?I{0,3})$")
_PREFIX = re.compile(r"^(?:fsc|class|size\s+class|financial\s+size\s+class)[\s:-]*", re.IGNORECASE)


def _roman_to_int(text: str) -> int:
    total = 0
    previous = 0
    for char in reversed(text):
        value = _ROMAN[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def parse_size_class(value: str | int) -> int:
    """An AM Best financial size class as a number from 1 to 15.

    Examples:
        >>> parse_size_class("VIII")
        8
        >>> parse_size_class("FSC XV")
        15
        >>> parse_size_class(8)
        8

    Raises:
        ValueError: Not a size class.
    """
    if isinstance(value, bool):
        raise ValueError("a size class cannot be true or false")
    if isinstance(value, int):
        number = value
    else:
        text = _PREFIX.sub("", value.strip()).strip().upper()
        if text.isdigit():
            number = int(text)
        elif text and _ROMAN_PATTERN.match(text):
            number = _roman_to_int(text)
        else:
            raise ValueError(f"not a financial size class: {value!r} (use I-XV or 1-15)")
    if not 1 <= number <= 15:
        raise ValueError(f"financial size class {value!r} is outside I-XV")
    return number


def roman_size_class(number: int) -> str:
    """A size class number written as AM Best prints it (8 -> "VIII")."""
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    parts: list[str] = []
    for value, numeral in numerals:
        while number >= value:
            parts.append(numeral)
            number -= value
    return "".join(parts)


def parse_rating(value: str) -> str | None:
    """An AM Best financial strength rating ("A-"), or None for blank or not rated ("NR")."""
    text = value.strip().split(" ")[0].upper() if value.strip() else ""
    if not text or text in {"NR", "N/A", "NA", "-"}:
        return None
    if text not in AM_BEST_RATINGS:
        raise ValueError(f"unknown AM Best rating {value!r}; use one of {', '.join(AM_BEST_RATINGS)}")
    return text


def rating_rank(rating: str) -> int:
    """Position of a rating in :data:`~coisync.model.AM_BEST_RATINGS`; lower is better."""
    return AM_BEST_RATINGS.index(rating)


@dataclass(frozen=True, slots=True)
class Rating:
    """One insurer's AM Best rating."""

    naic: str
    name: str | None
    am_best_rating: str | None
    financial_size_class: int | None

    def describe(self) -> str:
        """e.g. ``A- / VIII (Example Mutual, NAIC 12345)``."""
        grade = self.am_best_rating or "not rated"
        size = roman_size_class(self.financial_size_class) if self.financial_size_class else "size unknown"
        who = f"{self.name}, NAIC {self.naic}" if self.name else f"NAIC {self.naic}"
        return f"{grade} / {size} ({who})"


class RatingsTable:
    """AM Best ratings keyed by NAIC number."""

    def __init__(self, ratings: Iterable[Rating] = ()) -> None:
        """Build a table from ratings; a later rating for the same NAIC replaces an earlier one."""
        self._by_naic: dict[str, Rating] = {rating.naic: rating for rating in ratings}

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]], *, origin: str = "ratings") -> RatingsTable:
        """Build a table from CSV-like rows (``naic``, ``name``, ``am_best_rating``, ``financial_size_class``).

        Raises:
            InputError: A row has no NAIC or an unreadable rating or size class (the row is named).
        """
        ratings: list[Rating] = []
        for number, row in enumerate(rows, start=2):
            naic = (row.get("naic") or "").strip()
            if not re.fullmatch(r"\d{1,5}", naic):
                raise InputError(f"{origin} row {number}: naic {naic!r} is not a NAIC number (5 digits)")
            try:
                grade = parse_rating(row.get("am_best_rating") or "")
                raw_size = (row.get("financial_size_class") or "").strip()
                size = parse_size_class(raw_size) if raw_size else None
            except ValueError as exc:
                raise InputError(f"{origin} row {number}: {exc}") from exc
            name = (row.get("name") or "").strip() or None
            ratings.append(Rating(naic.zfill(5), name, grade, size))
        return cls(ratings)

    @classmethod
    def from_csv(cls, path: Path) -> RatingsTable:
        """Read a ratings CSV file.

        Raises:
            InputError: The file cannot be read, lacks a column, or has a bad row.
        """
        try:
            with Path(path).open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in ("naic", "am_best_rating") if c not in (reader.fieldnames or [])]
                if missing:
                    raise InputError(
                        f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(RATINGS_COLUMNS)}"
                    )
                return cls.from_rows(list(reader), origin=str(path))
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text") from exc

    def lookup(self, naic: str | None) -> Rating | None:
        """The rating of an insurer, or None when the NAIC is absent or not in the table."""
        if not naic:
            return None
        return self._by_naic.get(naic.strip().zfill(5))

    def __len__(self) -> int:
        return len(self._by_naic)
