"""What every command receives: the resolved config, the store URL and output settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coisync.config import read_config_file, resolve_config_path, resolve_db_url

if TYPE_CHECKING:
    from coisync.portfolio import PortfolioSettings
    from coisync.store import Store


@dataclass
class AppContext:
    """Global options, resolved once; the store is opened (and migrated) on first use."""

    config_option: str | None = None
    db_option: str | None = None
    verbosity: int = 0
    log_format: str = "text"
    _config: dict[str, Any] | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _portfolio: PortfolioSettings | None = field(default=None, repr=False)

    @property
    def config_path(self) -> Path:
        """Path of the config file (which may not exist)."""
        return resolve_config_path(self.config_option)

    @property
    def config(self) -> dict[str, Any]:
        """The parsed config file, empty when there is none."""
        if self._config is None:
            self._config = read_config_file(self.config_path)
        return self._config

    @property
    def db_url(self) -> str:
        """SQLAlchemy URL of the store."""
        return resolve_db_url(self.db_option, self.config_path, self.config)

    def portfolio(self) -> PortfolioSettings:
        """The ``[portfolio]`` settings, validated on first use."""
        if self._portfolio is None:
            from coisync.portfolio import load_portfolio_settings

            self._portfolio = load_portfolio_settings(self.config, self.config_path.resolve().parent)
        return self._portfolio

    def store(self) -> Store:
        """The store, created and migrated on first use."""
        if self._store is None:
            from coisync.store import open_store

            self._store = open_store(self.db_url)
        return self._store

    def close(self) -> None:
        """Release the store."""
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)
"""Decorator giving a command the :class:`AppContext`."""
