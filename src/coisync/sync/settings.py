"""Sync settings: the ``[sync]`` table of coisync.toml.

```toml
[sync]
max_write_fraction = 0.2        # stop before pushing when a run would change more of a connection
conflict_policy = "keep_theirs" # or "ours": what to do when a person changed a coisync-owned field
expected_interval_hours = 26    # coisync health: a connection older than this is unhealthy
max_batch_records = 500         # optional: most records committed per pull transaction
max_write_batch = 200           # optional: most writes per request where the platform batches
read_ahead = 1                  # batches a stream reads ahead while the previous one is stored (0: off;
                                #   a stream that reads its own pages ahead reads no batches ahead)
workers = 2                     # optional: processes for large runs' pull, evaluation, plan (1: none)
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coisync.config import config_error
from coisync.errors import ConfigError
from coisync.sync.workers import default_workers


class SyncSettings(BaseModel):
    """The ``[sync]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_write_fraction: float = Field(default=0.2, gt=0, le=1)
    min_writes_before_cap: int = Field(
        default=5, ge=0, description="Runs planning fewer writes are never capped"
    )
    conflict_policy: Literal["keep_theirs", "ours"] = "keep_theirs"
    expected_interval_hours: float = Field(default=26, gt=0)
    max_batch_records: int | None = Field(
        default=None, ge=1, description="Most records per pull transaction (default: the stream's batches)"
    )
    max_write_batch: int | None = Field(
        default=None, ge=1, description="Most writes per request (default: as many as the platform takes)"
    )
    read_ahead: int = Field(
        default=1, ge=0, le=8, description="Batches read ahead while the previous one is stored (0: off)"
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        le=32,
        description="Processes for large runs (default: the CPUs, within a container limit, at most 4; 1: none)",
    )

    @property
    def processes(self) -> int:
        """Worker processes a large run uses (``workers``, or the default)."""
        return self.workers or default_workers()


def load_sync_settings(config: Mapping[str, Any]) -> SyncSettings:
    """Validate ``[sync]``; errors name the key and the fix."""
    raw = config.get("sync", {})
    if not isinstance(raw, Mapping):
        raise ConfigError("sync", "must be a table", "write it as [sync]")
    try:
        return SyncSettings.model_validate(dict(raw))
    except ValidationError as exc:
        raise config_error("sync", exc) from None
