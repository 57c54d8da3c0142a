"""Endorsement and wording detection over a certificate's description of operations.

The description of operations (and ACORD 101 remarks) is where brokers write additional insured,
waiver of subrogation, primary and non-contributory and notice wording, often with ISO form
numbers ("CG 20 10 04 13", "CG2037", "CG 24 04"). :func:`read_wording` finds them once per text
(cached) and :func:`form_key` makes form numbers comparable however they are spaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ADDITIONAL_INSURED = re.compile(r"\badditional(?:ly)?[\s-]+(?:named[\s-]+)?insureds?\b", re.IGNORECASE)
WAIVER_OF_SUBROGATION = re.compile(
    r"\bwaiver\s+of\s+(?:all\s+)?(?:rights?\s+of\s+)?subrogation\b"
    r"|\bsubrogation\s+(?:is|are|has\s+been|have\s+been|shall\s+be)\s+waived\b"
    r"|\bwaives?\s+(?:all\s+|any\s+)?(?:rights?\s+of\s+)?subrogation\b",
    re.IGNORECASE,
)
RIGHTS_OF_RECOVERY = re.compile(
    r"\bwaiver\s+of\s+(?:transfer\s+of\s+)?rights?\s+of\s+recovery\b|\bwaiver\s+of\s+our\s+right\s+to\s+recover\b",
    re.IGNORECASE,
)
"""How ISO titles the waiver of subrogation endorsements (CG 24 04, WC 00 03 13)."""
PRIMARY_NONCONTRIBUTORY = re.compile(r"\bprimary\s*(?:and|&|/)\s*non[\s-]?contributory\b", re.IGNORECASE)
COMPLETED_OPERATIONS = re.compile(
    r"\bcompleted(?:\s+(?:and|&)\s+ongoing)?\s+op(?:eration)?s\b|\bproducts[\s-]+completed\b", re.IGNORECASE
)
ONGOING_OPERATIONS = re.compile(r"\bongoing(?:\s+(?:and|&)\s+completed)?\s+op(?:eration)?s\b", re.IGNORECASE)

_NUMBER_WORDS: dict[str, int] = {
    "five": 5,
    "seven": 7,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "forty five": 45,
    "sixty": 60,
    "ninety": 90,
    "one hundred twenty": 120,
}
_WORD_ALTERNATION = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
# "thirty (30) days", "30 days", "30-day", "thirty days"
DAYS = re.compile(
    rf"\b(?:(?P<word>{_WORD_ALTERNATION})\s*\(\s*(?P<paren>\d{{1,3}})\s*\)"
    rf"|(?P<num>\d{{1,3}})|(?P<alone>{_WORD_ALTERNATION}))[\s-]*(?:calendar\s+)?days?\b",
    re.IGNORECASE,
)
NEGATION = re.compile(
    r"\b(?:is|are|does|do|will|shall|has|have|was)\s+not\b|\bnot\s+(?:provided|available|included|"
    r"applicable|apply|afforded|granted|evidenced|shown)\b|\bno\s+(?:waiver|primary|additional)\b"
    r"|\bexclud(?:ed|es|ing)\b|\bwithout\b|\bn/a\b|\bdoes\s+not\s+apply\b|\bisn't\b|\baren't\b",
    re.IGNORECASE,
)
"""Wording that turns a phrase in the same sentence into its opposite."""
HOLDER_AS_AI = re.compile(r"\bcertificate\s+holder\b", re.IGNORECASE)
NOTICE_CONTEXT = re.compile(r"notice|cancel", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.;\n]+")

# ISO forms: two letters and two pairs of digits (CG 20 10), workers compensation forms three
# pairs (WC 00 03 13); an edition (MM YY) may follow.
FORM_NUMBER = re.compile(
    r"\b(?P<prefix>WC)\s*-?\s*(?P<a>\d{2})\s*-?\s*(?P<b>\d{2})\s*-?\s*(?P<c>\d{2})\b"
    r"|\b(?P<prefix2>CG|CA|CP|IL|CU)\s*-?\s*(?P<d>\d{2})\s*-?\s*(?P<e>\d{2})(?:\s*-?\s*\d{2}\s*-?\s*\d{2})?\b",
    re.IGNORECASE,
)

AI_ONGOING_FORMS: frozenset[str] = frozenset({"CG2010", "CG2011", "CG2026", "CG2033", "CG2038", "CA2048"})
"""Additional insured endorsements for ongoing operations / premises."""
AI_COMPLETED_FORMS: frozenset[str] = frozenset({"CG2037", "CG2039", "CG2040"})
"""Additional insured endorsements for completed operations."""
PNC_FORMS: frozenset[str] = frozenset({"CG2001"})
"""Primary and non-contributory endorsements."""
WOS_FORMS: dict[str, str] = {
    "CG2404": "general_liability",
    "WC000313": "workers_compensation",
    "CA0444": "auto_liability",
}
"""Waiver of subrogation (transfer of rights of recovery) endorsements and the line they amend."""


@lru_cache(maxsize=4096)
def form_key(form_number: str) -> str | None:
    """The comparable key of an ISO form number, without spaces or edition.

    Examples:
        >>> form_key("CG 20 10 04 13")
        'CG2010'
        >>> form_key("wc 00 03 13")
        'WC000313'
        >>> form_key("not a form") is None
        True
    """
    match = FORM_NUMBER.search(form_number)
    if match is None:
        return None
    if match.group("prefix"):
        return f"WC{match.group('a')}{match.group('b')}{match.group('c')}"
    return f"{match.group('prefix2').upper()}{match.group('d')}{match.group('e')}"


@dataclass(frozen=True, slots=True)
class Wording:
    """What a description of operations evidences."""

    additional_insured: bool = False
    completed_operations: bool = False
    ongoing_operations: bool = False
    waiver_of_subrogation: bool = False
    primary_noncontributory: bool = False
    notice_days: int | None = None
    forms: frozenset[str] = frozenset()
    holder_is_additional_insured: bool = False


EMPTY_WORDING = Wording()


def _notice_days(text: str) -> int | None:
    found: list[int] = []
    for sentence in _SENTENCE.findall(text):
        if sentence.isascii() and "day" not in sentence.lower():
            continue  # DAYS needs "day" (see read_wording on ASCII text)
        for match in DAYS.finditer(sentence):
            if match.group("paren"):
                found.append(int(match.group("paren")))
            elif NOTICE_CONTEXT.search(sentence):
                raw = match.group("num") or match.group("alone")
                found.append(int(raw) if raw.isdigit() else _NUMBER_WORDS[raw.lower()])
    return max(found) if found else None


@lru_cache(maxsize=16384)
def read_wording(text: str | None) -> Wording:
    """Detect endorsement wording and form numbers in a description of operations.

    A phrase negated in its own sentence ("waiver of subrogation is not provided", "primary and
    non-contributory endorsement is not available") is not evidence. "The certificate holder is
    included as additional insured" sets ``holder_is_additional_insured``.

    Notice days: "30 days notice of cancellation", "thirty (30) days", "60-day notice"; a number
    counts when its sentence mentions notice or cancellation, or when it is written "word (N)".
    When several appear (e.g. "30 days ... 10 days for non-payment"), the largest is the notice
    the holder gets for ordinary cancellation.

    Args:
        text: The description of operations, or None.

    Returns:
        The wording found; empty when there is no text.
    """
    if not text:
        return EMPTY_WORDING
    # Every pattern needs a keyword (case-insensitively); on ASCII text, where IGNORECASE means
    # exactly ASCII case, a pattern whose keyword is absent cannot match and is not run.
    lowered = text.lower() if text.isascii() else None

    def may(*keywords: str) -> bool:
        return lowered is None or any(keyword in lowered for keyword in keywords)

    forms = (
        frozenset(
            key
            for key in (form_key(match.group(0)) for match in FORM_NUMBER.finditer(text))
            if key is not None
        )
        if may(*_DIGITS)
        else frozenset()
    )
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    ai_sentences = _affirmed(ADDITIONAL_INSURED, sentences, "additional") if may("additional") else []
    return Wording(
        additional_insured=bool(ai_sentences),
        completed_operations=may("completed") and bool(COMPLETED_OPERATIONS.search(text)),
        ongoing_operations=may("ongoing") and bool(ONGOING_OPERATIONS.search(text)),
        waiver_of_subrogation=may("subrogation")
        and bool(_affirmed(WAIVER_OF_SUBROGATION, sentences, "subrogation")),
        primary_noncontributory=may("primary")
        and bool(_affirmed(PRIMARY_NONCONTRIBUTORY, sentences, "primary")),
        notice_days=_notice_days(text) if may("day") else None,
        forms=forms,
        holder_is_additional_insured=any(HOLDER_AS_AI.search(sentence) for sentence in ai_sentences),
    )


_DIGITS = tuple("0123456789")


def _affirmed(pattern: re.Pattern[str], sentences: list[str], keyword: str | None = None) -> list[str]:
    """Sentences where the phrase appears and is not negated ("is not provided", "excluded").

    ``keyword`` is a word the pattern cannot match without: an ASCII sentence lacking it is skipped.
    """
    return [
        s
        for s in sentences
        if (keyword is None or not s.isascii() or keyword in s.lower())
        and pattern.search(s)
        and not NEGATION.search(s)
    ]
