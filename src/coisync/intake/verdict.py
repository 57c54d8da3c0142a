"""Re-judging a party after intake or review, through the portfolio's verdicts."""

from __future__ import annotations

from datetime import date

from coisync.portfolio import PartyVerdict, PortfolioSettings, evaluate_party
from coisync.store import PartyBundle, Store


def party_verdict(
    store: Store, settings: PortfolioSettings, party_id: str, as_of: date | None = None
) -> PartyVerdict | None:
    """The party's verdict with its latest certificates, or None when the party is unknown."""
    party = store.get_party(party_id)
    if party is None:
        return None
    bundle = PartyBundle(
        party=party,
        agreements=tuple(store.agreements_for_party(party_id)),
        certificates=tuple(store.certificates_for_party(party_id)),
        evidence=tuple(store.evidence_for_party(party_id)),
        waivers=tuple(store.waivers_for_party(party_id)),
    )
    properties = {p.id: p for p in store.iter_properties()}
    return evaluate_party(bundle, properties, settings, as_of=as_of)
