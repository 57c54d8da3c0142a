"""Rendering notices: Jinja2 templates (user-overridable by name), plain text and HTML.

Templates are looked up first in ``[followup] template_dir``, then among the shipped ones
(``coisync/followup/templates``). Every ``*.html.j2`` template is autoescaped,
so a party name such as ``<script>`` is shown, never run; plain-text and subject templates are
not (they are never interpreted as markup).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)

from coisync.errors import ConfigError
from coisync.followup.documents import NoticeItem

SHIPPED = Path(__file__).parent / "templates"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Notice:
    """One rendered message of one chase step, before any channel sends it."""

    party_id: str
    case_id: str
    track: str
    step: int
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    text: str
    html: str
    items: tuple[NoticeItem, ...]

    @property
    def content_hash(self) -> str:
        """sha256 of the subject, recipients and both bodies: what the proof records."""
        body = json.dumps(
            {"to": self.to, "cc": self.cc, "subject": self.subject, "text": self.text, "html": self.html},
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every address, To first."""
        return tuple(dict.fromkeys((*self.to, *self.cc)))


def template_environment(template_dir: Path | None) -> Environment:
    """The Jinja2 environment: user templates first, then the shipped ones; HTML autoescaped."""
    loaders = [FileSystemLoader(str(template_dir))] if template_dir else []
    loaders.append(FileSystemLoader(str(SHIPPED)))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class NoticeContext:
    """What a template may use."""

    party_name: str
    party_kind: str
    property_name: str
    status: str
    track: str
    step: int
    steps: int
    as_of: date
    expiration: date | None
    items: tuple[NoticeItem, ...]
    escalated_to: str

    def as_dict(self) -> dict[str, Any]:
        """Template variables."""
        return {
            "party_name": self.party_name,
            "party_kind": self.party_kind,
            "property_name": self.property_name,
            "status": self.status.replace("_", " "),
            "track": self.track,
            "step": self.step + 1,
            "steps": self.steps,
            "is_final": self.step + 1 == self.steps,
            "as_of": self.as_of.isoformat(),
            "expiration": self.expiration.isoformat() if self.expiration else "",
            "items": self.items,
            "escalated_to": self.escalated_to,
        }


def render(
    env: Environment,
    context: NoticeContext,
    *,
    party_id: str,
    case_id: str,
    to: tuple[str, ...],
    cc: tuple[str, ...],
) -> Notice:
    """Render the subject, text and HTML of a chase step.

    Raises:
        ConfigError: A (user) template is missing or broken.
    """
    values = context.as_dict()
    try:
        subject = env.get_template(f"{context.track}.subject.j2").render(values)
        text = env.get_template(f"{context.track}.txt.j2").render(values)
        html = env.get_template(f"{context.track}.html.j2").render(values)
    except TemplateError as exc:
        raise ConfigError(
            "followup.template_dir",
            f"template for {context.track!r} failed: {exc}",
            "fix or remove the template",
        ) from exc
    return Notice(
        party_id=party_id,
        case_id=case_id,
        track=context.track,
        step=context.step,
        to=to,
        cc=cc,
        subject=_SPACE.sub(" ", subject).strip()[:250],
        text=text,
        html=html,
        items=context.items,
    )
