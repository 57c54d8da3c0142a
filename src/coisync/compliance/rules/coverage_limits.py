"""Limits: each required limit against the best in-force line, with umbrella filling when allowed."""

from __future__ import annotations

from collections.abc import Iterator

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import EvaluationContext, LineRef
from coisync.compliance.results import limit_label, money_text, result, title_of
from coisync.model import CoverageRequirement, Finding, Money, Outcome
from coisync.model.vocabulary import STACKING_COVERAGE_TYPES, CoverageType

UMBRELLA_FILL_KEYS: dict[str, str] = {
    "each_occurrence": "each_occurrence",
    "general_aggregate": "aggregate",
    "aggregate": "aggregate",
    "combined_single_limit": "each_occurrence",
    "el_each_accident": "each_occurrence",
}
"""Underlying limit key -> the umbrella or excess limit that can fill its shortfall."""


def _umbrella_fill(
    context: EvaluationContext, requirement: CoverageRequirement, key: str, currency: str
) -> tuple[LineRef, Money] | None:
    """The in-force umbrella or excess line over this coverage offering the most for ``key``."""
    fill_key = UMBRELLA_FILL_KEYS.get(key)
    if fill_key is None or requirement.coverage_type in STACKING_COVERAGE_TYPES:
        return None
    best: tuple[LineRef, Money] | None = None
    for ref in context.in_force(CoverageType.UMBRELLA.value):
        if requirement.coverage_type not in ref.line.sits_over:
            continue
        amount = ref.line.limits.get(fill_key)
        if amount is None or amount.currency != currency:
            continue
        if best is None or amount.amount > best[1].amount:
            best = (ref, amount)
    return best


class CoverageLimitsRule:
    """``limit_insufficient`` / ``limit_not_shown`` for every required limit key."""

    name = "coverage_limits"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the limit checks."""
        limit = self._limit
        for requirement, ref in context.best_pairs:
            title = title_of(requirement.coverage_type)
            shown = ref.line.limits
            for key, minimum in requirement.limits.items():
                yield limit(context, requirement, ref, key, minimum, title, shown.get(key))
            if requirement.statutory and ref.line.statutory is False:
                yield result(
                    FindingCode.LIMIT_INSUFFICIENT,
                    Outcome.FAIL,
                    f"{title} is not written at statutory limits (PER STATUTE); request a policy "
                    f"at statutory limits.",
                    ref=ref,
                    coverage_type=requirement.coverage_type,
                    limit_key="statutory",
                    required="per statute",
                    found="other than statutory",
                    clause=requirement.clause_for("statutory"),
                )

    @staticmethod
    def _limit(
        context: EvaluationContext,
        requirement: CoverageRequirement,
        ref: LineRef,
        key: str,
        minimum: Money,
        title: str,
        value: Money | None,
    ) -> Finding:
        label = limit_label(key)
        minimum_text = money_text(minimum)
        required = f"at least {minimum_text}"
        clause = requirement.clause_for(f"limits.{key}") if requirement.item_clauses else requirement.clause
        coverage_type = requirement.coverage_type
        if value is None:
            return result(
                FindingCode.LIMIT_NOT_SHOWN,
                Outcome.UNVERIFIED,
                f"{title}: the certificate does not show the {label} limit; request a certificate "
                f"that shows at least {minimum_text}.",
                ref=ref,
                coverage_type=coverage_type,
                limit_key=key,
                required=required,
                found="not shown",
                clause=clause,
            )
        if value.currency != minimum.currency:
            return result(
                FindingCode.LIMIT_NOT_SHOWN,
                Outcome.UNVERIFIED,
                f"{title}: the {label} limit is in {value.currency}, the requirement in "
                f"{minimum.currency}; confirm the equivalent amount.",
                ref=ref,
                coverage_type=coverage_type,
                limit_key=key,
                required=required,
                found=money_text(value),
                clause=clause,
            )
        value_text = money_text(value)
        if value.amount >= minimum.amount:
            return result(
                FindingCode.LIMIT_INSUFFICIENT,
                Outcome.PASS,
                f"{title}: {label} {value_text} meets the minimum {minimum_text}.",
                ref=ref,
                coverage_type=coverage_type,
                limit_key=key,
                required=required,
                found=value_text,
                clause=clause,
            )
        fill = (
            _umbrella_fill(context, requirement, key, minimum.currency)
            if requirement.umbrella_may_fill
            else None
        )
        if fill is not None and value.amount + fill[1].amount >= minimum.amount:
            umbrella, amount = fill
            return result(
                FindingCode.LIMIT_INSUFFICIENT,
                Outcome.PASS,
                f"{title}: {label} {value_text} plus {amount} from the umbrella/excess line meets the "
                f"minimum {minimum_text}.",
                ref=ref,
                coverage_type=coverage_type,
                limit_key=key,
                required=required,
                found=f"{value_text} + {amount} umbrella",
                evidence=f"{ref.describe()}; filled by {umbrella.describe()}",
                clause=clause,
            )
        shortfall = Money(amount=minimum.amount - value.amount, currency=minimum.currency)
        with_umbrella = f" (umbrella/excess adds {fill[1]})" if fill is not None else ""
        hint = (
            " or an umbrella over it" if requirement.umbrella_may_fill and key in UMBRELLA_FILL_KEYS else ""
        )
        return result(
            FindingCode.LIMIT_INSUFFICIENT,
            Outcome.FAIL,
            f"{title}: {label} {value_text}{with_umbrella} is {shortfall} short of {minimum_text}; request a "
            f"higher limit{hint}.",
            ref=ref,
            coverage_type=coverage_type,
            limit_key=key,
            required=required,
            found=f"{value_text}{with_umbrella}",
            clause=clause,
        )
