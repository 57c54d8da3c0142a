"""Approved exceptions: a waiver turns a scoped finding into "waived", never anything else."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from coisync.model.base import CanonicalModel


class WaiverScope(CanonicalModel):
    """What a waiver excuses. Empty fields match anything within the others."""

    finding_codes: tuple[str, ...] = Field(min_length=1, description="Finding codes excused")
    coverage_type: str | None = Field(default=None, description="Only findings on this coverage")
    limit_key: str | None = None


class Waiver(CanonicalModel):
    """An exception an authorised person approved, with a reason and an expiry."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$")
    party_id: str
    agreement_id: str | None = None
    scope: WaiverScope
    approver: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    granted_on: date
    expires_on: date | None = None
    revoked_at: datetime | None = None

    def active_on(self, day: date) -> bool:
        """True when the waiver excuses findings on ``day``."""
        if self.revoked_at is not None:
            return False
        if day < self.granted_on:
            return False
        return self.expires_on is None or day <= self.expires_on
