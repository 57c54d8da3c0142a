"""The catalogue of problems the sandbox seeds, and the findings each one should produce.

Each :class:`ProblemKind` is one realistic way a certificate goes wrong (or does not). The
catalogue says which finding codes a correct compliance engine raises for it on the full
canonical certificate, which status follows, and which platforms can show it at all: a
platform's thin insurance record carries dates, a limit and sometimes an additional-insured
field, never the certificate holder, the policy basis or the insurer's NAIC code.

The expectations are written from what is seeded, never by running the engine; the sandbox
tests compare them with the engine's verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProblemKind(StrEnum):
    """One seeded situation per party."""

    COMPLIANT = "compliant"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    LIMITS_SHORT = "limits_short"
    HOLDER_WRONG = "holder_wrong"
    ADDITIONAL_INSURED_MISSING = "additional_insured_missing"
    NO_CERTIFICATE = "no_certificate"
    CLAIMS_MADE = "claims_made"
    UNKNOWN_INSURER = "unknown_insurer"


@dataclass(frozen=True)
class ProblemSpec:
    """What a problem kind means and what it should produce.

    Attributes:
        kind: The problem kind.
        description: One line for people.
        codes: Finding codes (fail or unverified) raised on the full certificate.
        status: The party status that follows.
        weight: Relative frequency beyond the one guaranteed occurrence.
        needs: Platform fields that must be carried for a platform record to show it
            (``dates``, ``limit``, ``additional_insured``, ``presence``); empty for
            problems only a full certificate shows.
    """

    kind: ProblemKind
    description: str
    codes: tuple[str, ...]
    status: str
    weight: int
    needs: frozenset[str]


CATALOGUE: dict[ProblemKind, ProblemSpec] = {
    spec.kind: spec
    for spec in (
        ProblemSpec(
            ProblemKind.COMPLIANT, "every requirement met", (), "compliant", 40, frozenset({"presence"})
        ),
        ProblemSpec(
            ProblemKind.EXPIRING,
            "every policy expires within the expiring windows",
            ("policy_expiring",),
            "expiring",
            8,
            frozenset({"dates"}),
        ),
        ProblemSpec(
            ProblemKind.EXPIRED,
            "every policy expired before the sandbox date",
            ("policy_expired",),
            "expired",
            8,
            frozenset({"dates"}),
        ),
        ProblemSpec(
            ProblemKind.LIMITS_SHORT,
            "general liability each occurrence at a quarter of the minimum (umbrella short too)",
            ("limit_insufficient",),
            "non_compliant",
            8,
            frozenset({"limit"}),
        ),
        ProblemSpec(
            ProblemKind.HOLDER_WRONG,
            "the certificate names another entity as holder",
            ("holder_mismatch",),
            "non_compliant",
            6,
            frozenset(),
        ),
        ProblemSpec(
            ProblemKind.ADDITIONAL_INSURED_MISSING,
            "no additional insured named and the ADDL INSD box unchecked",
            ("additional_insured_missing",),
            "non_compliant",
            6,
            frozenset({"additional_insured"}),
        ),
        ProblemSpec(
            ProblemKind.NO_CERTIFICATE,
            "no certificate on file",
            ("certificate_missing",),
            "missing",
            8,
            frozenset({"presence"}),
        ),
        ProblemSpec(
            ProblemKind.CLAIMS_MADE,
            "general liability written claims-made where occurrence is required",
            ("claims_made_not_accepted",),
            "non_compliant",
            4,
            frozenset(),
        ),
        ProblemSpec(
            ProblemKind.UNKNOWN_INSURER,
            "the insurer's NAIC code is not in the ratings table",
            ("insurer_rating_unknown",),
            "pending_review",
            4,
            frozenset(),
        ),
    )
}
"""Every problem kind, in seeding order."""

PLATFORM_FIELDS: dict[str, frozenset[str]] = {
    "procore": frozenset({"presence", "dates", "limit"}),
    "yardi": frozenset({"presence", "dates", "limit"}),
    "mri": frozenset({"presence", "dates", "limit", "additional_insured"}),
    "vts": frozenset({"presence", "dates", "limit", "additional_insured"}),
}
"""What each platform's insurance record shows coisync (platforms.md §7). Procore has an
``additional_insured`` field, but it holds a name and the shipped mapping does not read it; Yardi's
vendor policy has amounts but no additional-insured field; the MRI and VTS insurance resources are
assumed shapes with both. A platform not listed shows only presence."""


def carried_on(kind: ProblemKind, platform: str) -> bool:
    """Whether ``platform``'s records can show a problem of this kind."""
    fields = PLATFORM_FIELDS.get(platform, frozenset({"presence"}))
    needs = CATALOGUE[kind].needs
    return bool(needs) and needs <= fields


def platform_codes(kind: ProblemKind, platform: str) -> list[str]:
    """The failing codes a correct engine raises from ``platform``'s record alone.

    Thin platform data also leaves results unverified (no holder, no endorsements); those are
    not listed here, only what the platform record itself shows to be wrong.
    """
    return list(CATALOGUE[kind].codes) if carried_on(kind, platform) else []


__all__ = ["CATALOGUE", "PLATFORM_FIELDS", "ProblemKind", "ProblemSpec", "carried_on", "platform_codes"]
