"""Verdicts for parties in the store: which subjects each party is judged as, and their statuses.

A party is judged once per **subject**: each active agreement (lease, service contract, project),
or, for a party without an active agreement (vendors in Procore or Yardi usually have none),
once per property it operates at with the template assigned to its kind and category. The
party's status is the worst of its subjects' by the documented precedence.

``as_of`` is a calendar day. When the caller does not fix it, each subject's day is "today" in
its property's time zone, so a policy expiring at midnight in Chicago is judged on Chicago's day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from coisync.compliance import STATUS_RANK, evaluate, resolve_requirements
from coisync.compliance.rule import Rule
from coisync.model import Agreement, Evaluation, Party, Property, Status
from coisync.portfolio.settings import PortfolioSettings
from coisync.store import PartyBundle, Store

Today = Callable[[Property | None], date]


def today_in_zone(now: datetime | None = None) -> Today:
    """A function giving 'today' in a property's time zone (UTC when there is no property)."""
    instant = now or datetime.now(tz=UTC)

    def today(prop: Property | None) -> date:
        zone = ZoneInfo(prop.time_zone) if prop is not None else UTC
        return instant.astimezone(zone).date()

    return today


@dataclass(frozen=True)
class Subject:
    """One thing a party is judged as: an agreement, or its presence at a property."""

    party: Party
    agreement: Agreement | None
    property: Property | None


@dataclass(frozen=True)
class PartyVerdict:
    """A party's status and the evaluation of each of its subjects."""

    party: Party
    status: Status
    evaluations: tuple[Evaluation, ...]

    @property
    def earliest_expiration(self) -> date | None:
        """The earliest expiration of a required in-force line over every subject."""
        dates = [e.earliest_expiration for e in self.evaluations if e.earliest_expiration]
        return min(dates) if dates else None


def subjects_for(
    party: Party, agreements: Iterable[Agreement], properties: Mapping[str, Property], day: date
) -> list[Subject]:
    """The subjects a party is judged as on ``day``."""
    active = [a for a in agreements if a.is_active_on(day)]
    if active:
        return [Subject(party, a, properties.get(a.property_id)) for a in sorted(active, key=lambda a: a.id)]
    places = [properties[p] for p in party.property_ids if p in properties]
    if places:
        return [Subject(party, None, prop) for prop in places]
    return [Subject(party, None, None)]


def evaluate_party(
    bundle: PartyBundle,
    properties: Mapping[str, Property],
    settings: PortfolioSettings,
    *,
    as_of: date | None = None,
    today: Today | None = None,
    rules: list[Rule] | None = None,
) -> PartyVerdict:
    """Judge one party (every subject) from its stored bundle."""
    clock = today or today_in_zone()
    reference_day = as_of or clock(None)
    evaluations: list[Evaluation] = []
    for subject in subjects_for(bundle.party, bundle.agreements, properties, reference_day):
        day = as_of or clock(subject.property)
        requirements, source = resolve_requirements(
            party=subject.party,
            property=subject.property,
            agreement=subject.agreement,
            templates=settings.templates,
            assignment=settings.assignment,
        )
        evaluations.append(
            evaluate(
                bundle.certificates,
                requirements,
                as_of=day,
                party_id=bundle.party.id,
                evidence=bundle.evidence,
                waivers=bundle.waivers,
                ratings=settings.ratings,
                windows=settings.windows,
                agreement_id=subject.agreement.id if subject.agreement else None,
                property_id=subject.property.id if subject.property else None,
                requirement_source=source,
                rules=rules,
            )
        )
    status = min((e.status for e in evaluations), key=lambda s: STATUS_RANK[s])
    return PartyVerdict(bundle.party, status, tuple(evaluations))


def evaluate_portfolio(
    store: Store,
    settings: PortfolioSettings,
    *,
    as_of: date | None = None,
    party_ids: Iterable[str] | None = None,
    today: Today | None = None,
) -> Iterator[PartyVerdict]:
    """Verdicts for every party in the store (or the listed ones), streamed in chunks."""
    from coisync.compliance import default_rules

    properties = {p.id: p for p in store.iter_properties()}
    rules = list(default_rules())
    wanted = set(party_ids) if party_ids is not None else None
    for bundle in store.iter_party_bundles():
        if wanted is not None and bundle.party.id not in wanted:
            continue
        yield evaluate_party(bundle, properties, settings, as_of=as_of, today=today, rules=rules)
