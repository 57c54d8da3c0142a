"""Cadence arithmetic: due steps, late first runs, remaining steps, chase choice."""

from __future__ import annotations

from datetime import date

from coisync.followup.cadence import chase_for, due_step, remaining_steps
from coisync.followup.documents import NoticeItem
from coisync.followup.settings import Cadence
from coisync.model import Status

VENDOR = Cadence()
ITEM = NoticeItem(
    "limit_insufficient", "fail", "general_liability", "in force on 2027-01-01", "", "", "", "fix", ""
)


def test_deficiency_steps_fall_on_the_documented_days() -> None:
    anchor = date(2027, 1, 1)
    days = {d: due_step("deficiency", anchor, VENDOR, date(2027, 1, d)) for d in range(1, 12)}
    assert days == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}
    assert remaining_steps("deficiency", anchor, VENDOR, date(2027, 1, 4)) == 2


def test_renewal_counts_back_from_expiration_and_never_bursts() -> None:
    expires = date(2027, 3, 31)
    assert due_step("renewal", expires, VENDOR, date(2027, 1, 29)) is None
    assert due_step("renewal", expires, VENDOR, date(2027, 1, 30)) == 0  # 60 days before: only step 1 due
    assert due_step("renewal", expires, VENDOR, date(2027, 3, 20)) == 2  # 11 days before: step 3, not 1-3
    assert due_step("renewal", expires, VENDOR, expires) == 3


def test_chase_choice_follows_the_status() -> None:
    day = date(2027, 1, 1)
    assert chase_for(Status.NON_COMPLIANT, [ITEM], None, VENDOR, day).track == "deficiency"  # type: ignore[union-attr]
    assert chase_for(Status.EXPIRED, [ITEM], None, VENDOR, day).track == "escalation"  # type: ignore[union-attr]
    assert chase_for(Status.COMPLIANT, [], date(2027, 6, 1), VENDOR, day) is None
    renewal = chase_for(Status.EXPIRING, [], date(2027, 1, 20), VENDOR, day)
    assert renewal is not None and renewal.anchor == date(2027, 1, 20)
    same = chase_for(Status.NON_COMPLIANT, [ITEM], None, VENDOR, date(2027, 1, 5))
    assert same is not None and same.basis == chase_for(Status.NON_COMPLIANT, [ITEM], None, VENDOR, day).basis  # type: ignore[union-attr]
