"""Insurer strength: AM Best rating and financial size class of each in-force required line."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import EvaluationContext, LineRef
from coisync.compliance.ratings import Rating, rating_rank, roman_size_class
from coisync.compliance.results import result, title_of
from coisync.model import Finding, Outcome


@lru_cache(maxsize=256)
def _required(min_rating: str | None, min_size: int | None) -> str:
    parts = []
    if min_rating:
        parts.append(min_rating)
    if min_size:
        parts.append(roman_size_class(min_size))
    return "AM Best " + " / ".join(parts) + " or better"


@lru_cache(maxsize=4096)
def _judge(
    rating: Rating, minimum: str | None, size: int | None
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """What falls short, what the table does not know, and the rating as text (same for every line)."""
    short: list[str] = []
    unknown: list[str] = []
    if minimum is not None:
        if rating.am_best_rating is None:
            unknown.append("no AM Best rating")
        elif rating_rank(rating.am_best_rating) > rating_rank(minimum):
            short.append(f"rating {rating.am_best_rating} is below {minimum}")
    if size is not None:
        if rating.financial_size_class is None:
            unknown.append("no financial size class")
        elif rating.financial_size_class < size:
            short.append(
                f"size class {roman_size_class(rating.financial_size_class)} is below {roman_size_class(size)}"
            )
    return tuple(short), tuple(unknown), rating.describe()


class InsurerRule:
    """``insurer_rating_insufficient`` / ``insurer_rating_unknown`` per in-force required line."""

    name = "insurer"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the insurer checks."""
        requirements = context.requirements
        if requirements.min_am_best_rating is None and requirements.min_financial_size_class is None:
            return
        required = _required(requirements.min_am_best_rating, requirements.min_financial_size_class)
        refs = [ref for _, ref in context.best_pairs]
        property_ref = context.best_evidence_line()
        if property_ref is not None and all(ref.evidence is None for ref in refs):
            refs.append(property_ref)
        for ref in refs:
            yield self._line(context, ref, required)

    @staticmethod
    def _line(context: EvaluationContext, ref: LineRef, required: str) -> Finding:
        requirements = context.requirements
        title = title_of(ref.line.coverage_type)
        clause = requirements.rating_clause
        if ref.certificate is not None:
            shown = ref.certificate.insurer_for(ref.line)
            naic, name = (shown.naic, shown.name) if shown is not None else (None, None)
        else:
            naic, name = ref.insurer_naic, ref.insurer_name
        insurer = name or "the insurer"
        rating = context.ratings.lookup(naic) if context.ratings is not None and naic else None
        if rating is None:
            if context.ratings is None:
                why = "no ratings table was given"
            elif not naic:
                why = "the certificate shows no NAIC number"
            else:
                why = f"NAIC {naic} is not in the ratings table"
            return result(
                FindingCode.INSURER_RATING_UNKNOWN,
                Outcome.UNVERIFIED,
                f"{title}: the rating of {insurer} is unknown ({why}); look it up and add it to the "
                f"ratings table.",
                ref=ref,
                required=required,
                found="unknown",
                clause=clause,
            )
        short, unknown, found = _judge(
            rating, requirements.min_am_best_rating, requirements.min_financial_size_class
        )
        if short:
            return result(
                FindingCode.INSURER_RATING_INSUFFICIENT,
                Outcome.FAIL,
                f"{title}: {insurer} {'; '.join(short)}; request coverage from an insurer rated {required}.",
                ref=ref,
                required=required,
                found=found,
                clause=clause,
            )
        if unknown:
            return result(
                FindingCode.INSURER_RATING_UNKNOWN,
                Outcome.UNVERIFIED,
                f"{title}: the ratings table has {' and '.join(unknown)} for {insurer}; complete the table.",
                ref=ref,
                required=required,
                found=found,
                clause=clause,
            )
        return result(
            FindingCode.INSURER_RATING_INSUFFICIENT,
            Outcome.PASS,
            f"{title}: {insurer} is rated {found}.",
            ref=ref,
            required=required,
            found=found,
            clause=clause,
        )
