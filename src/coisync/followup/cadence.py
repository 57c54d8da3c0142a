"""Which chase a party needs on a day, and which cadence step is due: pure functions.

Three tracks, chosen from the party's verdict:

- ``deficiency`` (missing, non_compliant, pending_review): a request on the day the finding set
  is first seen, then reminders ``deficiency`` days after it; the last one copies the manager.
- ``escalation`` (expired): a notice to the party, then the manager, then the owner, on the
  ``escalation`` days after the expiry was first seen.
- ``renewal`` (compliant or expiring): reminders ``renewal`` days before the earliest expiration.

A chase is identified by party, track and basis (the finding set's hash, or the expiration
date); when the basis changes the old chase is cancelled and a new one starts. Only the latest
due step is sent: steps a skipped day made overdue are not sent late in a burst.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from coisync.followup.documents import NoticeItem
from coisync.followup.settings import Cadence
from coisync.model import Status

DEFICIENCY_STATUSES = frozenset({Status.MISSING, Status.NON_COMPLIANT, Status.PENDING_REVIEW})
RENEWAL_STATUSES = frozenset({Status.COMPLIANT, Status.EXPIRING})


@dataclass(frozen=True)
class Chase:
    """The chase a party needs today."""

    track: str
    basis: str
    anchor: date
    """For renewals the expiration date; otherwise the day the chase opens (when it is new)."""


def finding_basis(items: list[NoticeItem]) -> str:
    """A stable hash of a finding set (codes, outcomes, coverages, requirements)."""
    text = json.dumps([list(item.key()) for item in items], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def chase_for(
    status: Status, items: list[NoticeItem], earliest_expiration: date | None, cadence: Cadence, day: date
) -> Chase | None:
    """The chase a verdict calls for on ``day``, or None when nothing is to be chased."""
    if status in DEFICIENCY_STATUSES:
        return Chase("deficiency", finding_basis(items), day)
    if status is Status.EXPIRED:
        return Chase("escalation", finding_basis(items), day)
    if status in RENEWAL_STATUSES and earliest_expiration is not None:
        first_due = earliest_expiration - timedelta(days=cadence.renewal[0])
        if first_due <= day <= earliest_expiration:
            return Chase("renewal", earliest_expiration.isoformat(), earliest_expiration)
    return None


def offsets(track: str, cadence: Cadence) -> list[int]:
    """The day offsets of a track."""
    return list(getattr(cadence, track))


def due_date(track: str, anchor: date, offset: int) -> date:
    """The day a step is due."""
    return anchor - timedelta(days=offset) if track == "renewal" else anchor + timedelta(days=offset)


def due_step(track: str, anchor: date, cadence: Cadence, day: date) -> int | None:
    """The latest step due on or before ``day`` (0-based), or None before the first."""
    due = [i for i, offset in enumerate(offsets(track, cadence)) if due_date(track, anchor, offset) <= day]
    return max(due) if due else None


def remaining_steps(track: str, anchor: date, cadence: Cadence, day: date) -> int:
    """Steps of a chase not yet due on ``day`` (cancelled when the chase ends early)."""
    return sum(1 for offset in offsets(track, cadence) if due_date(track, anchor, offset) > day)


def case_id(party_id: str, chase: Chase) -> str:
    """A chase's id: party, track, basis and anchor."""
    text = f"{party_id}|{chase.track}|{chase.basis}|{chase.anchor.isoformat()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def attempt_id(case: str, step: int, channel: str) -> str:
    """The idempotency key of one step on one channel."""
    return hashlib.sha256(f"{case}|{step}|{channel}".encode()).hexdigest()[:40]
