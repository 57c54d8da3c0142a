"""Policy dates: expired, not yet effective, expiring, unknown expiration, coverage gaps."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from coisync.compliance.codes import FindingCode
from coisync.compliance.context import EvaluationContext, LineRef
from coisync.compliance.results import result, title_of
from coisync.model import CoverageRequirement, Finding, Outcome


def expiring_window(days_left: int, windows: Sequence[int]) -> int | None:
    """The smallest window (in days) containing ``days_left``, or None when outside all of them.

    A policy is expiring when ``0 < days_left <= max(windows)``; ``days_left == 30`` is inside
    the 30-day window.
    """
    if days_left <= 0:
        return None
    smallest: int | None = None
    for window in windows:
        if days_left <= window and (smallest is None or window < smallest):
            smallest = window
    return smallest


def _policy(ref: LineRef) -> str:
    number = ref.line.policy_number
    return f"policy {number}" if number else "policy"


class DatesRule:
    """Judges the dates of each required coverage's lines on the day evaluated."""

    name = "dates"

    def check(self, context: EvaluationContext) -> Iterator[Finding]:
        """Results of the date checks."""
        if context.nothing_received:
            return
        for requirement in context.requirements.coverages:
            candidates = context.candidates(requirement.coverage_type)
            if not candidates:
                continue
            best = context.best_line(requirement)
            if best is None:
                yield self.nothing_in_force(context, requirement, candidates)
                continue
            yield self.in_force(context, requirement, best)
            if len(candidates) > 1:  # a single line has nothing to leave a gap with
                yield from self.gaps(context, requirement, best, candidates)

    @staticmethod
    def nothing_in_force(
        context: EvaluationContext, requirement: CoverageRequirement, candidates: list[LineRef]
    ) -> Finding:
        """``policy_expired`` (latest expired line) or ``policy_not_yet_effective`` (earliest future one)."""
        title = title_of(requirement.coverage_type)
        as_of = context.as_of
        expired = [
            ref for ref in candidates if ref.line.expiration_date and ref.line.expiration_date <= as_of
        ]
        if expired:
            latest = max(expired, key=lambda ref: (ref.line.expiration_date or date.min, -ref.index))
            return result(
                FindingCode.POLICY_EXPIRED,
                Outcome.FAIL,
                f"The {title} {_policy(latest)} expired on {latest.line.expiration_date} and no renewal "
                f"in force on {as_of} is on file; request the renewal certificate.",
                ref=latest,
                coverage_type=requirement.coverage_type,
                required=f"in force on {as_of}",
                found=f"expired {latest.line.expiration_date}",
                clause=requirement.clause,
            )
        future = min(candidates, key=lambda ref: (ref.line.effective_date or date.max, ref.index))
        return result(
            FindingCode.POLICY_NOT_YET_EFFECTIVE,
            Outcome.FAIL,
            f"The {title} {_policy(future)} starts on {future.line.effective_date}, after {as_of}; "
            f"request evidence of the coverage in force today.",
            ref=future,
            coverage_type=requirement.coverage_type,
            required=f"in force on {as_of}",
            found=f"effective {future.line.effective_date}",
            clause=requirement.clause,
        )

    @staticmethod
    def in_force(context: EvaluationContext, requirement: CoverageRequirement, best: LineRef) -> Finding:
        """The best in-force line: expiring in a window, expiration unknown, or in force (pass)."""
        title = title_of(requirement.coverage_type)
        as_of = context.as_of
        line = best.line
        expiration = line.expiration_date
        policy = f"policy {line.policy_number}" if line.policy_number else "policy"
        if best.evidence is not None and best.evidence.continued_until_terminated:
            return result(
                FindingCode.POLICY_EXPIRED,
                Outcome.PASS,
                f"The {title} {policy} continues until terminated.",
                ref=best,
                coverage_type=requirement.coverage_type,
                required=f"in force on {as_of}",
                found="continued until terminated",
            )
        if expiration is None:
            return result(
                FindingCode.EXPIRATION_UNKNOWN,
                Outcome.UNVERIFIED,
                f"The {title} {policy} shows no expiration date; request a certificate that shows it.",
                ref=best,
                coverage_type=requirement.coverage_type,
                required="an expiration date",
                found="not shown",
                clause=requirement.clause,
            )
        days_left = (expiration - as_of).days
        window = expiring_window(days_left, context.windows)
        if window is not None:
            return result(
                FindingCode.POLICY_EXPIRING,
                Outcome.FAIL,
                f"The {title} {policy} expires on {expiration}, within the {window}-day window "
                f"({days_left} days left); request the renewal certificate.",
                ref=best,
                coverage_type=requirement.coverage_type,
                required=f"in force beyond {max(context.windows)} days",
                found=f"{window}-day window: expires {expiration} ({days_left} days left)",
                clause=requirement.clause,
            )
        return result(
            FindingCode.POLICY_EXPIRED,
            Outcome.PASS,
            f"The {title} {policy} is in force until {expiration} ({days_left} days left).",
            ref=best,
            coverage_type=requirement.coverage_type,
            required=f"in force on {as_of}",
            found=f"expires {expiration} ({days_left} days left)",
        )

    @staticmethod
    def gaps(
        context: EvaluationContext,
        requirement: CoverageRequirement,
        best: LineRef,
        candidates: list[LineRef],
    ) -> Iterator[Finding]:
        """``coverage_gap`` behind the best line and ahead of it (to a renewal already on file)."""
        title = title_of(requirement.coverage_type)
        start = best.line.effective_date
        others = [ref for ref in candidates if ref is not best]
        if start is not None:
            earlier = [
                ref
                for ref in others
                if ref.line.expiration_date is not None
                and (ref.line.effective_date is None or ref.line.effective_date < start)
            ]
            if earlier:
                previous = max(earlier, key=lambda ref: (ref.line.expiration_date or date.min, -ref.index))
                ended = previous.line.expiration_date
                assert ended is not None
                if ended < start:
                    yield _gap_finding(requirement, best, title, ended, start, previous)
        horizon = best.line.expiration_date
        if horizon is None or best.continuous:
            return
        later = [ref for ref in others if ref.line.effective_date is not None]
        extended = True
        while extended:
            extended = False
            for ref in later:
                begins, ends = ref.line.effective_date, ref.line.expiration_date
                if begins is not None and begins <= horizon and (ends is None or ends > horizon):
                    if ends is None:
                        return
                    horizon = ends
                    extended = True
        upcoming = [ref for ref in later if ref.line.effective_date and ref.line.effective_date > horizon]
        if upcoming:
            renewal = min(upcoming, key=lambda ref: (ref.line.effective_date or date.max, ref.index))
            assert renewal.line.effective_date is not None
            yield _gap_finding(requirement, renewal, title, horizon, renewal.line.effective_date, best)


def _gap_finding(
    requirement: CoverageRequirement,
    later: LineRef,
    title: str,
    ended: date,
    starts: date,
    earlier: LineRef,
) -> Finding:
    last_uncovered = starts - timedelta(days=1)
    days = (starts - ended).days
    span = f"{ended}" if days == 1 else f"{ended} to {last_uncovered}"
    return result(
        FindingCode.COVERAGE_GAP,
        Outcome.FAIL,
        f"{title} coverage lapses for {days} day(s) ({span}) between {_policy(earlier)} and "
        f"{_policy(later)}; request evidence of continuous coverage or backdated renewal.",
        ref=later,
        coverage_type=requirement.coverage_type,
        required="continuous coverage between policy terms",
        found=f"no coverage {span} ({days} day(s))",
        clause=requirement.clause,
    )
