"""Follow-up settings: the ``[followup]`` table of coisync.toml.

```toml
[followup]
channels = ["email"]                 # email, note, webhook (or a plugin's channel)
template_dir = "followup-templates"  # overrides shipped templates by file name

[followup.cadence.vendor]            # per party kind: vendor, tenant, contractor
deficiency = [0, 2, 5, 8]            # days after the request (the first is the request)
renewal = [60, 30, 14, 0]            # days before the earliest expiration
escalation = [0, 3, 10]              # days after expiry: party, then manager, then owner

[followup.contacts.default]          # or [followup.contacts."<property id>"]
manager = "pm@example.com"
owner = "owner@example.com"

[followup.smtp]
host = "127.0.0.1"
port = 2525
from = "coi@example.com"
username = {"$env" = "SMTP_USER"}
password = {"$env" = "SMTP_PASSWORD"}
starttls = false

[followup.webhook]
url = "https://hooks.example.com/coi"
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from coisync.config import config_error
from coisync.errors import ConfigError
from coisync.secrets import resolve_secret

TRACKS = ("deficiency", "renewal", "escalation")


class Cadence(BaseModel):
    """The day offsets of each track for one party kind."""

    model_config = ConfigDict(extra="forbid")

    deficiency: list[int] = Field(default_factory=lambda: [0, 2, 5, 8])
    renewal: list[int] = Field(default_factory=lambda: [60, 30, 14, 0])
    escalation: list[int] = Field(default_factory=lambda: [0, 3, 10])

    @field_validator("deficiency", "escalation")
    @classmethod
    def _ascending(cls, value: list[int]) -> list[int]:
        if not value or any(d < 0 for d in value) or value != sorted(set(value)):
            raise ValueError(
                "must be a non-empty list of distinct ascending day counts >= 0, e.g. [0, 2, 5, 8]"
            )
        return value

    @field_validator("renewal")
    @classmethod
    def _descending(cls, value: list[int]) -> list[int]:
        if not value or any(d < 0 for d in value) or value != sorted(set(value), reverse=True):
            raise ValueError(
                "must be a non-empty list of distinct descending day counts >= 0, e.g. [60, 30, 14, 0]"
            )
        return value


DEFAULT_CADENCES: dict[str, Cadence] = {
    "vendor": Cadence(),
    "contractor": Cadence(),
    "tenant": Cadence(deficiency=[0, 7, 14, 21], renewal=[90, 60, 30, 0], escalation=[0, 7, 21]),
}
"""Vendors and contractors +2, +5, +8 days (the last copies the manager); tenants slower."""


class ContactsEntry(BaseModel):
    """Who is copied or escalated to for a property."""

    model_config = ConfigDict(extra="forbid")

    manager: list[str] = Field(default_factory=list)
    owner: list[str] = Field(default_factory=list)

    @field_validator("manager", "owner", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("manager", "owner")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for item in value:
            if "@" not in item or any(ch.isspace() for ch in item):
                raise ValueError(f'{item!r} is not an e-mail address; write e.g. "pm@example.com"')
        return value


class SmtpTable(BaseModel):
    """``[followup.smtp]``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    sender: str = Field(alias="from", default="coisync@localhost")
    username: Any = None
    password: Any = None
    starttls: bool = False
    timeout: float = Field(default=30.0, gt=0)


class WebhookTable(BaseModel):
    """``[followup.webhook]``."""

    model_config = ConfigDict(extra="forbid")

    url: str
    allow_private_network: bool = False
    allow_insecure_http: bool = False


class NoteTable(BaseModel):
    """``[followup.note]``: which connections get a note on the party's record."""

    model_config = ConfigDict(extra="forbid")

    connections: list[str] = Field(default_factory=list)


class FollowupTable(BaseModel):
    """The ``[followup]`` table as written."""

    model_config = ConfigDict(extra="forbid")

    channels: list[str] = Field(default_factory=lambda: ["email"])
    template_dir: str | None = None
    cadence: dict[str, Cadence] = Field(default_factory=dict)
    contacts: dict[str, ContactsEntry] = Field(default_factory=dict)
    smtp: SmtpTable = Field(default_factory=SmtpTable)
    webhook: WebhookTable | None = None
    note: NoteTable = Field(default_factory=NoteTable)

    @field_validator("cadence")
    @classmethod
    def _kinds(cls, value: dict[str, Cadence]) -> dict[str, Cadence]:
        unknown = sorted(set(value) - set(DEFAULT_CADENCES))
        if unknown:
            raise ValueError(f"unknown party kind {unknown[0]!r}; use vendor, tenant or contractor")
        return value


@dataclass(frozen=True)
class SmtpSettings:
    """Resolved SMTP settings (secrets resolved, never printed)."""

    host: str
    port: int
    sender: str
    username: SecretStr | None
    password: SecretStr | None
    starttls: bool
    timeout: float


@dataclass(frozen=True)
class FollowupSettings:
    """Resolved follow-up settings."""

    channels: tuple[str, ...]
    template_dir: Path | None
    cadences: Mapping[str, Cadence]
    contacts: Mapping[str, ContactsEntry]
    smtp: SmtpSettings
    webhook: WebhookTable | None
    note: NoteTable

    def cadence(self, kind: str) -> Cadence:
        """The cadence of a party kind."""
        return self.cadences.get(kind) or DEFAULT_CADENCES.get(kind) or Cadence()

    def contacts_for(self, property_id: str | None) -> ContactsEntry:
        """The manager and owner of a property (the default entry when it has none)."""
        if property_id and property_id in self.contacts:
            return self.contacts[property_id]
        return self.contacts.get("default", ContactsEntry())


def _secret(value: Any, key: str, base: Path) -> SecretStr | None:
    if value is None:
        return None
    return resolve_secret(value, key=key, base_dir=base)


def load_followup_settings(config: Mapping[str, Any], base_dir: Path) -> FollowupSettings:
    """Validate ``[followup]``; errors name the key and the fix.

    Raises:
        ConfigError: A key is unknown, mistyped or out of range.
    """
    raw = config.get("followup", {})
    if not isinstance(raw, Mapping):
        raise ConfigError("followup", "must be a table", "write it as [followup]")
    try:
        table = FollowupTable.model_validate(raw)
    except ValidationError as exc:
        raise config_error("followup", exc) from exc
    if "webhook" in table.channels and table.webhook is None:
        raise ConfigError("followup.webhook", "is missing", 'add [followup.webhook] url = "https://..."')
    if "note" in table.channels and not table.note.connections:
        raise ConfigError(
            "followup.note.connections", "is empty", 'list the connections to note on, e.g. ["mri"]'
        )
    cadences = {**DEFAULT_CADENCES, **table.cadence}
    smtp = table.smtp
    template_dir = (base_dir / table.template_dir) if table.template_dir else None
    if template_dir is not None and not template_dir.is_dir():
        raise ConfigError(
            "followup.template_dir", f"{template_dir} is not a directory", "create it or fix the path"
        )
    return FollowupSettings(
        channels=tuple(table.channels),
        template_dir=template_dir,
        cadences=cadences,
        contacts=table.contacts,
        smtp=SmtpSettings(
            host=smtp.host,
            port=smtp.port,
            sender=smtp.sender,
            username=_secret(smtp.username, "followup.smtp.username", base_dir),
            password=_secret(smtp.password, "followup.smtp.password", base_dir),
            starttls=smtp.starttls,
            timeout=smtp.timeout,
        ),
        webhook=table.webhook,
        note=table.note,
    )
