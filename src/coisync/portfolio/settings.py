"""Portfolio settings: the ``[portfolio]`` table of coisync.toml.

```toml
[portfolio]
expiring_windows = [30, 60, 90]      # days before expiration that count as expiring
ratings = "ratings.csv"              # AM Best ratings by NAIC (relative to the config file)
template_dirs = ["requirements"]     # extra requirement templates (*.toml)

[portfolio.templates]                # template per party kind, or kind:category
vendor = "vendor_low"
"vendor:roofing" = "vendor_high"
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coisync.compliance import DEFAULT_ASSIGNMENT, DEFAULT_WINDOWS, RatingsTable, TemplateLibrary
from coisync.config import config_error
from coisync.errors import ConfigError


class PortfolioTable(BaseModel):
    """The ``[portfolio]`` table as written."""

    model_config = ConfigDict(extra="forbid")

    expiring_windows: list[int] = Field(default_factory=lambda: list(DEFAULT_WINDOWS))
    ratings: str | None = None
    template_dirs: list[str] = Field(default_factory=list)
    templates: dict[str, str] = Field(default_factory=dict)

    @field_validator("expiring_windows")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if not value or any(w <= 0 for w in value):
            raise ValueError("must be a non-empty list of positive day counts, e.g. [30, 60, 90]")
        return sorted(set(value))


@dataclass(frozen=True)
class PortfolioSettings:
    """Resolved portfolio settings: windows, template library and assignment, ratings table."""

    windows: tuple[int, ...]
    templates: TemplateLibrary
    assignment: Mapping[str, str]
    ratings_path: Path | None

    @cached_property
    def ratings(self) -> RatingsTable | None:
        """The AM Best ratings table, read on first use."""
        return RatingsTable.from_csv(self.ratings_path) if self.ratings_path else None

    @classmethod
    def defaults(cls) -> PortfolioSettings:
        """Settings with no config file: built-in templates and assignment, no ratings table."""
        return cls(tuple(DEFAULT_WINDOWS), TemplateLibrary.builtin(), dict(DEFAULT_ASSIGNMENT), None)


def load_portfolio_settings(config: Mapping[str, Any], base_dir: Path) -> PortfolioSettings:
    """Validate ``[portfolio]`` and resolve its paths against the config file's directory."""
    raw = config.get("portfolio", {})
    if not isinstance(raw, Mapping):
        raise ConfigError("portfolio", "must be a table", "write it as [portfolio]")
    try:
        table = PortfolioTable.model_validate(dict(raw))
    except ValidationError as exc:
        raise config_error("portfolio", exc) from None
    dirs = [_resolve(base_dir, d) for d in table.template_dirs]
    for index, directory in enumerate(dirs):
        if not directory.is_dir():
            raise ConfigError(
                f"portfolio.template_dirs[{index}]",
                f"{directory} is not a directory",
                "create it or fix the path",
            )
    library = TemplateLibrary.with_directories(dirs) if dirs else TemplateLibrary.builtin()
    for key, name in table.templates.items():
        if name not in library:
            raise ConfigError(
                f"portfolio.templates.{key}",
                f"names unknown template {name!r}",
                f"use one of: {', '.join(library.names())}",
            )
    ratings_path = _resolve(base_dir, table.ratings) if table.ratings else None
    if ratings_path is not None and not ratings_path.is_file():
        raise ConfigError(
            "portfolio.ratings",
            f"{ratings_path} does not exist",
            "point it at a CSV of naic,name,am_best_rating,financial_size_class",
        )
    return PortfolioSettings(
        windows=tuple(table.expiring_windows),
        templates=library,
        assignment={**DEFAULT_ASSIGNMENT, **table.templates},
        ratings_path=ratings_path,
    )


def _resolve(base_dir: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base_dir / path
