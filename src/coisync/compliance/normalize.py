"""Legal-name normalisation and matching, shared by compliance, intake and reconciliation.

:func:`normalize_name` removes the differences that do not change who an entity is (case, spaces,
punctuation, ``L.L.C.``/``LLC``/``Limited Liability Company``, ``&``/``and``,
``Incorporated``/``Inc``, ``Company``/``Co``, ``Corporation``/``Corp``, a leading ``The``) and the
addressing or extension wording brokers append (``c/o ...``, ``Attn ...``, ``, its members,
managers, affiliates and subsidiaries``, ``ISAOA/ATIMA``). :func:`name_match` then compares with rapidfuzz and
reports the score; two names match when the score is at least :data:`MATCH_THRESHOLD` **and**
every distinctive word on one side has a close counterpart on the other, so "Acme Holdings LLC"
never matches "Acme Properties LLC" and "Riverside Owner II LLC" never matches "Riverside Owner
LLC", while a typo ("Riversde") still does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

MATCH_THRESHOLD = 90.0
"""Minimum rapidfuzz score (0-100) after normalisation for two names to match."""

TOKEN_TYPO_THRESHOLD = 80.0
"""Two differing words count as the same word (a typo) at this similarity or above."""

_EQUIVALENTS: dict[str, str] = {
    "incorporated": "inc",
    "company": "co",
    "corporation": "corp",
    "limited": "ltd",
    "&": "and",
    "+": "and",
    "l.l.c.": "llc",
    "l.l.c": "llc",
    "l.p.": "lp",
    "l.l.p.": "llp",
    "p.c.": "pc",
}
_DROPPED_MARKS = re.compile(r"[.'’`]")
_SEPARATORS = re.compile(r"[^\w&+]+")
_SINGLE_LETTER_RUN = re.compile(r"\b(?:[a-z] ){1,4}[a-z]\b")
_NUMBERISH = re.compile(r"^(?:\d+|[ivx]+|\d+(?:st|nd|rd|th))$")


# Where the legal name ends and addressing or extension wording begins: "c/o ...", "Attn ...",
# ", its members, managers, affiliates and subsidiaries", "ISAOA/ATIMA" and the like.
_TAIL = re.compile(
    r"\s*,?\s*(?:\bc/o\b|\bc\.o\.|\bcare\s+of\b|\battn\b:?|\battention\b:?"
    r"|\b(?:and\s+)?its\s+(?:members|managers|affiliates|subsidiaries|officers|directors|partners|"
    r"employees|agents|successors|parent)\b"
    r"|\b(?:and|&)\s+(?:all\s+)?(?:its|their)\s+(?:affiliated|related|subsidiary)\b"
    r"|\bas\s+(?:their|its)\s+interests?\s+may\s+appear\b|\bisaoa\b|\batima\b)",
    re.IGNORECASE,
)
_TAIL_WORDS: tuple[str, ...] = ("c/o", "c.o.", "care", "attn", "attention", "its", "their", "isaoa", "atima")
"""Words one of which every alternative of :data:`_TAIL` contains."""
_SPELLED_SUFFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\blimited\s+liability\s+company\b"), "llc"),
    (re.compile(r"\blimited\s+liability\s+partnership\b"), "llp"),
    (re.compile(r"\blimited\s+partnership\b"), "lp"),
    (re.compile(r"\bprofessional\s+corporation\b"), "pc"),
)


def legal_core(name: str) -> str:
    """The legal name without addressing or extension wording after it.

    Examples:
        >>> legal_core("Acme Properties LLC c/o Harbor Point Management Inc.")
        'Acme Properties LLC'
        >>> legal_core("Acme Properties LLC, its members, managers, affiliates and subsidiaries")
        'Acme Properties LLC'
    """
    if name.isascii():
        # Every alternative of the pattern needs one of these words; on ASCII text IGNORECASE
        # means exactly ASCII case, so without any of them there is no tail to cut.
        lowered = name.lower()
        if not any(word in lowered for word in _TAIL_WORDS):
            return name
    match = _TAIL.search(name)
    if match is None or match.start() == 0:
        return name
    return name[: match.start()].rstrip(" ,;")


def _join_letters(match: re.Match[str]) -> str:
    return match.group(0).replace(" ", "")


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """A legal name reduced to a comparable form.

    Examples:
        >>> normalize_name("The Acme Co., L.L.C.")
        'acme co llc'
        >>> normalize_name("Smith & Sons Incorporated")
        'smith and sons inc'

    Args:
        name: A legal name as printed.

    Returns:
        Lower-case words separated by single spaces; empty for a blank name.
    """
    text = legal_core(name).casefold().strip()
    for long_form in ("l.l.c.", "l.l.c", "l.l.p.", "l.p.", "p.c."):
        text = text.replace(long_form, f" {_EQUIVALENTS[long_form]} ")
    text = _DROPPED_MARKS.sub("", text)
    text = text.replace("&", " & ").replace("+", " + ")
    text = _SEPARATORS.sub(" ", text).strip()
    # Words are now runs of word characters (or of & and +) between single spaces: a run of
    # single letters needs a one-character word, and every spelled suffix starts with one of two words.
    if text and min(map(len, text.split())) == 1:
        text = _SINGLE_LETTER_RUN.sub(_join_letters, text)
    if "limited" in text or "professional" in text:
        for pattern, short in _SPELLED_SUFFIXES:
            text = pattern.sub(short, text)
    words = [_EQUIVALENTS.get(word, word) for word in text.split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The outcome of comparing a required name with a found one."""

    matched: bool
    score: float
    normalized_required: str
    normalized_found: str


def _unpaired_distinctive_words(left: list[str], right: list[str]) -> list[str]:
    """Words of ``left`` with no equal or near-equal word in ``right``."""
    remaining = list(right)
    unpaired: list[str] = []
    for word in left:
        if word in remaining:
            remaining.remove(word)
            continue
        close = None
        if not _NUMBERISH.match(word):
            close = next(
                (
                    other
                    for other in remaining
                    if not _NUMBERISH.match(other) and fuzz.ratio(word, other) >= TOKEN_TYPO_THRESHOLD
                ),
                None,
            )
        if close is None:
            unpaired.append(word)
        else:
            remaining.remove(close)
    return unpaired


@lru_cache(maxsize=65536)
def name_match(required: str, found: str) -> NameMatch:
    """Compare a required legal name with the one a document shows.

    Args:
        required: The name the requirement demands.
        found: The name on the certificate.

    Returns:
        Whether they name the same entity, with the rapidfuzz score (0-100) of the normalised names.
    """
    norm_required = normalize_name(required)
    norm_found = normalize_name(found)
    if not norm_required or not norm_found:
        return NameMatch(False, 0.0, norm_required, norm_found)
    if norm_required == norm_found:
        return NameMatch(True, 100.0, norm_required, norm_found)
    score = round(float(fuzz.token_sort_ratio(norm_required, norm_found)), 1)
    required_words = norm_required.split()
    found_words = norm_found.split()
    distinct = _unpaired_distinctive_words(required_words, found_words) or _unpaired_distinctive_words(
        found_words, required_words
    )
    matched = score >= MATCH_THRESHOLD and not distinct
    return NameMatch(matched, score, norm_required, norm_found)


@lru_cache(maxsize=16384)
def name_appears_in(name: str, text: str) -> bool:
    """True when a legal name appears, after normalisation, inside a longer text.

    Used for "... is named additional insured" wording in the description of operations.
    """
    norm_name = normalize_name(name)
    if not norm_name:
        return False
    norm_text = f" {normalize_name(text)} "
    if f" {norm_name} " in norm_text:
        return True
    window = len(norm_name)
    return (
        len(norm_text) >= window and fuzz.partial_ratio(norm_name, norm_text) >= MATCH_THRESHOLD + 5
    ) and _words_present(norm_name, norm_text)


def _words_present(norm_name: str, norm_text: str) -> bool:
    text_words = norm_text.split()
    return not _unpaired_distinctive_words(norm_name.split(), text_words)
