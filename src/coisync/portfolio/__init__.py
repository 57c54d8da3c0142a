"""The portfolio as a whole: settings from ``[portfolio]`` and verdicts for every party in the store.

This room joins the store and the compliance engine; the CLI, the sync engine and reports
ask it for verdicts instead of wiring the two themselves.
"""

from coisync.portfolio.settings import PortfolioSettings, load_portfolio_settings
from coisync.portfolio.verdicts import PartyVerdict, Subject, evaluate_party, evaluate_portfolio, subjects_for

__all__ = [
    "PartyVerdict",
    "PortfolioSettings",
    "Subject",
    "evaluate_party",
    "evaluate_portfolio",
    "load_portfolio_settings",
    "subjects_for",
]
