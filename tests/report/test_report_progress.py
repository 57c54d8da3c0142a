"""The progress bar wrapper passes every verdict through, in order."""

from __future__ import annotations

from coisync.cli.report import _with_progress
from coisync.portfolio import PartyVerdict


def test_progress_passes_every_verdict_through(verdicts: list[PartyVerdict]) -> None:
    assert list(_with_progress(iter(verdicts), len(verdicts))) == verdicts
