"""One notify run: verdicts → chases → due steps → notices → channels, never sending twice.

The crash rule (docs/followup.md): an attempt is recorded ``uncertain`` in its own committed
transaction **before** the channel is called, and ``sent`` or ``failed`` after. A crash in
between (the SMTP server may have accepted the message) leaves it ``uncertain``; an uncertain
attempt is never sent again by a later run: it is reported until a person resolves it with
``coisync notify --resolve-uncertain ID --sent|--not-sent``.

A party an addressed channel (e-mail) cannot reach is not a delivery failure but a data gap:
it is recorded once as a block (:mod:`coisync.followup.blocks`), listed by every run, and
counted as new (exit 1) only by the run that found it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from coisync.followup import blocks, state
from coisync.followup.cadence import Chase, case_id, chase_for, due_step, offsets, remaining_steps
from coisync.followup.cadence import attempt_id as make_attempt_id
from coisync.followup.channels import Channel, ChannelError
from coisync.followup.documents import open_items, waived_codes
from coisync.followup.notices import Notice, NoticeContext, render, template_environment
from coisync.followup.settings import FollowupSettings
from coisync.model import Status
from coisync.portfolio import PartyVerdict, PortfolioSettings, evaluate_portfolio
from coisync.store import Store
from coisync.store.engine import read_connection
from coisync.sync import crashpoints

log = logging.getLogger("coisync.followup")
COUNTS = ("planned", "sent", "failed", "uncertain", "cancelled", "blocked")


@dataclass
class NotifySummary:
    """What a run did, per channel, and the attempts a person must look at."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in COUNTS})
    messages: list[dict[str, Any]] = field(default_factory=list)
    uncertain: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    blocked: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed, nothing is uncertain and no party became unreachable this run."""
        return not self.counts["failed"] and not self.uncertain and not any(b["new"] for b in self.blocked)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            **{k: dict(sorted(v.items())) for k, v in self.counts.items()},
            "messages": self.messages,
            "uncertain_attempts": self.uncertain,
            "failures": self.failures,
            "blocked_parties": self.blocked,
        }


def _cancel_reason(verdict: PartyVerdict, chase: Chase | None, old_track: str) -> str:
    if verdict.status in (Status.COMPLIANT, Status.NOT_REQUIRED, Status.EXPIRING) and chase is None:
        return "waived" if waived_codes(verdict.evaluations) else "compliant"
    if chase is None:
        return "no_longer_due"
    if waived_codes(verdict.evaluations) and chase.track == old_track:
        return "waived"
    return "superseded"


class NotifyRun:
    """Plan and deliver the due notices of every party."""

    def __init__(
        self,
        store: Store,
        portfolio: PortfolioSettings,
        settings: FollowupSettings,
        channels: list[Channel],
        *,
        run_id: str,
        as_of: date,
        dry_run: bool = False,
    ) -> None:
        self.store = store
        self.portfolio = portfolio
        self.settings = settings
        self.channels = channels
        self.run_id = run_id
        self.as_of = as_of
        self.dry_run = dry_run
        self.env = template_environment(settings.template_dir)
        self.summary = NotifySummary()
        self._blocks: dict[tuple[str, str], blocks.BlockRow] = {}
        self._new_blocks: set[tuple[str, str]] = set()

    def run(self, ended_agreement_parties: set[str] | None = None) -> NotifySummary:
        """Go through every party once; report uncertain attempts left by earlier runs."""
        ended = ended_agreement_parties if ended_agreement_parties is not None else self._ended_agreements()
        with read_connection(self.store.engine) as conn:
            self._blocks = {(b.party_id, b.channel): b for b in blocks.open_blocks(conn)}
        for verdict in evaluate_portfolio(self.store, self.portfolio, as_of=self.as_of):
            self._party(verdict, ended)
        if not self.dry_run:
            for channel in self.channels:
                channel.finish()
        with read_connection(self.store.engine) as conn:
            for row in state.uncertain_attempts(conn):
                self.summary.uncertain.append(
                    {"attempt_id": row.attempt_id, "party_id": row.party_id, "channel": row.channel,
                     "step": row.step + 1, "recipients": row.recipients, "since": row.created_at.isoformat()}
                )  # fmt: skip
                self.summary.counts["uncertain"][row.channel] += 1
        for key, block in sorted(self._blocks.items(), key=lambda kv: (kv[1].since, kv[0])):
            self.summary.blocked.append(block.as_dict(new=key in self._new_blocks))
            self.summary.counts["blocked"][block.channel] += 1
        return self.summary

    def _ended_agreements(self) -> set[str]:
        """Parties whose every agreement has ended by the run's day (their chases end too)."""
        by_party: dict[str, list[bool]] = {}
        for agreement in self.store.iter_agreements():
            by_party.setdefault(agreement.party_id, []).append(agreement.is_active_on(self.as_of))
        return {party for party, active in by_party.items() if not any(active)}

    def _party(self, verdict: PartyVerdict, ended: set[str]) -> None:
        party = verdict.party
        self._unblock(party.id, [c.email for c in party.contacts if c.email])
        cadence = self.settings.cadence(party.kind.value)
        items = open_items(verdict.evaluations)
        stop = "party_inactive" if not party.active else ("agreement_ended" if party.id in ended else None)
        chase = (
            None
            if stop
            else chase_for(verdict.status, items, verdict.earliest_expiration, cadence, self.as_of)
        )
        with read_connection(self.store.engine) as conn:
            cases = state.open_cases(conn, party.id)
        current = None
        stale: list[tuple[state.CaseRow, int]] = []
        for row in cases:
            if chase is not None and (row.track, row.basis) == (chase.track, chase.basis):
                current = row
            else:
                stale.append((row, remaining_steps(row.track, row.anchor, cadence, self.as_of)))
        for _row, left in stale:
            for channel in self.channels:
                if left:
                    self.summary.counts["cancelled"][channel.name] += left
        if chase is not None and current is None:
            current = state.CaseRow(
                case_id(party.id, chase), party.id, chase.track, chase.basis, chase.anchor, "open"
            )
            opening = True
        else:
            opening = False
        if not self.dry_run and (stale or opening):
            with self.store.transaction() as conn:
                for row, left in stale:
                    reason = stop or _cancel_reason(verdict, chase, row.track)
                    state.close_case(self.store, conn, row, reason, left)
                if opening and current is not None:
                    state.open_case(self.store, conn, current)
        if current is None:
            return
        step = due_step(current.track, current.anchor, cadence, self.as_of)
        if step is None:
            return
        with read_connection(self.store.engine) as conn:
            done = state.attempt_states(conn, current.case_id)
        notice = self._notice(verdict, current, step, len(offsets(current.track, cadence)), items)
        for channel in self.channels:
            self._deliver(channel, notice, current, step, done.get((step, channel.name)), party.legal_name)

    def _unblock(self, party_id: str, addresses: list[str]) -> None:
        """The party has an e-mail contact again: its blocks go (audited) and its notices go out."""
        if not addresses:
            return
        for channel in self.channels:
            block = self._blocks.pop((party_id, channel.name), None)
            if block is not None and not self.dry_run:
                blocks.clear_block(self.store, block, self.as_of, sorted(set(addresses)))

    def _block(self, notice: Notice, case: state.CaseRow, step: int, channel: str, party_name: str) -> None:
        """Record, the first time only, that ``channel`` has no address for the party."""
        key = (notice.party_id, channel)
        if key in self._blocks:
            return  # known: listed by the run, not counted again
        platforms = sorted({ref.connection for ref in self.store.refs_for_entity("party", notice.party_id)})
        block = blocks.BlockRow(
            party_id=notice.party_id, channel=channel, needed="e-mail",
            message=blocks.no_contact_message(party_name, notice.party_id, "e-mail", platforms),
            case_id=case.case_id, track=case.track, step=step, as_of=self.as_of, run_id=self.run_id,
            since=blocks.now(),
        )  # fmt: skip
        if not self.dry_run:
            blocks.record_block(self.store, block)
        self._blocks[key] = block
        self._new_blocks.add(key)

    def _audience(
        self, verdict: PartyVerdict, track: str, step: int, steps: int
    ) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        party_mail = tuple(dict.fromkeys(c.email for c in verdict.party.contacts if c.email))
        property_id = next((e.property_id for e in verdict.evaluations if e.property_id), None)
        contacts = self.settings.contacts_for(property_id)
        manager, owner = tuple(contacts.manager), tuple(contacts.owner)
        if track == "escalation" and step >= 2 and owner:
            return owner, tuple(dict.fromkeys((*manager, *party_mail))), "owner"
        if track == "escalation" and step >= 1 and manager:
            return manager, party_mail, "property manager"
        if track == "deficiency" and step == steps - 1:
            return party_mail, manager, ""
        return party_mail, (), ""

    def _notice(
        self, verdict: PartyVerdict, case: state.CaseRow, step: int, steps: int, items: list[Any]
    ) -> Notice:
        to, cc, escalated = self._audience(verdict, case.track, step, steps)
        property_id = next((e.property_id for e in verdict.evaluations if e.property_id), None)
        prop = self.store.get_property(property_id) if property_id else None
        context = NoticeContext(
            party_name=verdict.party.legal_name,
            party_kind=verdict.party.kind.value,
            property_name=prop.name if prop else "",
            status=verdict.status.value,
            track=case.track,
            step=step,
            steps=steps,
            as_of=self.as_of,
            expiration=verdict.earliest_expiration,
            items=tuple(items),
            escalated_to=escalated,
        )
        return render(self.env, context, party_id=verdict.party.id, case_id=case.case_id, to=to, cc=cc)

    def _deliver(
        self,
        channel: Channel,
        notice: Notice,
        case: state.CaseRow,
        step: int,
        prior: str | None,
        party_name: str,
    ) -> None:
        name = channel.name
        if prior in state.DONE_STATES or prior == state.UNCERTAIN:
            return  # sent once, or reported as uncertain below: never sent again
        if getattr(channel, "requires_address", False) and not notice.to:
            self._block(notice, case, step, name, party_name)
            return
        key = make_attempt_id(case.case_id, step, name)
        entry = {"attempt_id": key, "party_id": notice.party_id, "track": case.track, "step": step + 1,
                 "channel": name, "to": list(notice.to), "cc": list(notice.cc), "subject": notice.subject}  # fmt: skip
        self.summary.counts["planned"][name] += 1
        self.summary.messages.append(entry)
        if self.dry_run:
            return
        row = state.AttemptRow(
            attempt_id=key, case_id=case.case_id, party_id=notice.party_id, step=step, channel=name,
            recipients=list(channel.addresses(notice)), state=state.UNCERTAIN, message_id=None,
            content_hash=notice.content_hash, as_of=self.as_of, error=None,
            created_at=datetime.now(tz=UTC), updated_at=datetime.now(tz=UTC),
        )  # fmt: skip
        state.record_uncertain(self.store, row, case.track, self.run_id)
        crashpoints.hit("notify.before_send")
        try:
            delivery = channel.send(notice, key)
        except ChannelError as exc:
            state.record_outcome(self.store, row, case.track, state.FAILED, error=str(exc))
            self.summary.counts["failed"][name] += 1
            self.summary.failures.append({**entry, "error": str(exc)})
            return
        crashpoints.hit("notify.after_send")
        state.record_outcome(
            self.store, row, case.track, state.SENT, message_id=delivery.message_id, detail=delivery.detail
        )
        self.summary.counts["sent"][name] += 1
