"""Postal addresses in comparable form, for linking the same building across systems.

:func:`parse_address` splits one address line (``"100 North Main Street, Suite 200, Boston, MA
02110"``) into a street number, a normalised street name, a city, a state and a postal code.
Street names are lower-cased with punctuation removed, and street types, directions and
ordinals shortened to one spelling (``Street``/``St.`` -> ``st``, ``North`` -> ``n``, ``First``
-> ``1st``); suites, floors and units are dropped, since a building is the same whichever suite
a record names. :func:`address_score` compares two parsed addresses with rapidfuzz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

_STREET_WORDS: dict[str, str] = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "road": "rd",
    "drive": "dr", "lane": "ln", "court": "ct", "place": "pl", "square": "sq", "parkway": "pkwy",
    "highway": "hwy", "terrace": "ter", "plaza": "plz", "center": "ctr", "centre": "ctr",
    "circle": "cir", "way": "wy", "trail": "trl", "expressway": "expy", "mount": "mt", "saint": "st",
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne", "northwest": "nw",
    "southeast": "se", "southwest": "sw", "first": "1st", "second": "2nd", "third": "3rd",
    "fourth": "4th", "fifth": "5th", "sixth": "6th", "seventh": "7th", "eighth": "8th",
    "ninth": "9th", "tenth": "10th",
}  # fmt: skip
_UNIT = re.compile(
    r"(?:\b(?:suite|ste|unit|apt|apartment|floor|fl|room|rm|bldg|building)\b\.?\s*[\w-]+|#\s*[\w-]+)",
    re.IGNORECASE,
)
_POSTAL = re.compile(r"\b(\d{5})(?:-\d{4})?\b|\b([A-Za-z]\d[A-Za-z])\s?(\d[A-Za-z]\d)\b")
_STATE = re.compile(r"\b([A-Za-z]{2})\b\.?$")
_NUMBER = re.compile(r"^(\d+[A-Za-z]?)(?:\s*-\s*\d+[A-Za-z]?)?\s+(.*)$")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Address:
    """One address in comparable form (empty strings where the address is silent)."""

    number: str
    street: str
    city: str
    state: str
    postal_code: str

    @property
    def has_street(self) -> bool:
        """Whether there is a street number and name to compare."""
        return bool(self.number and self.street)


def _words(text: str) -> str:
    return " ".join(_STREET_WORDS.get(w, w) for w in _WORD.findall(text.lower()))


def parse_address(text: str | None) -> Address:
    """The comparable parts of an address line (see the module docs)."""
    if not text:
        return Address("", "", "", "", "")
    postal = ""
    found = _POSTAL.search(text)
    if found:
        postal = (found.group(1) or f"{found.group(2)}{found.group(3)}").upper()
        text = text[: found.start()] + text[found.end() :]
    parts = [p.strip() for p in _UNIT.sub(" ", text).split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return Address("", "", "", "", postal)
    street_line, rest = parts[0], parts[1:]
    state = ""
    if rest:
        last = _STATE.search(rest[-1])
        if last:
            state = last.group(1).lower()
            rest[-1] = rest[-1][: last.start()].strip()
            rest = [p for p in rest if p]
    city = _words(rest[0]) if rest else ""
    number, street = "", _words(street_line)
    numbered = _NUMBER.match(street_line.strip())
    if numbered:
        number, street = numbered.group(1).lower(), _words(numbered.group(2))
    return Address(number, street, city, state, postal)


def address_score(left: Address, right: Address) -> float | None:
    """How alike two addresses are (0-100); None when they cannot be compared.

    Both need a street number and name, and a city or postal code. A different street number,
    postal code, city or state (where both give one) scores 0; otherwise the score is the
    rapidfuzz similarity of the normalised street names.
    """
    if not (left.has_street and right.has_street):
        return None
    if left.number != right.number:
        return 0.0
    for a, b in ((left.postal_code, right.postal_code), (left.state, right.state)):
        if a and b and a != b:
            return 0.0
    if left.city and right.city and fuzz.ratio(left.city, right.city) < 90:
        return 0.0
    if not (left.city or left.postal_code) or not (right.city or right.postal_code):
        return None
    return float(fuzz.token_sort_ratio(left.street, right.street))


__all__ = ["Address", "address_score", "parse_address"]
