"""The webhook channel: POST the notice as JSON through coisync's HTTP seam, with an idempotency key."""

from __future__ import annotations

from coisync.followup.channels.base import ChannelContext, ChannelError, Delivery
from coisync.followup.notices import Notice
from coisync.http import HttpError, HttpSession
from coisync.http.config import HttpConfig


def payload(notice: Notice, key: str) -> dict[str, object]:
    """The JSON body."""
    return {
        "event": f"coisync.followup.{notice.track}",
        "idempotency_key": key,
        "party_id": notice.party_id,
        "case_id": notice.case_id,
        "step": notice.step + 1,
        "to": list(notice.to),
        "cc": list(notice.cc),
        "subject": notice.subject,
        "text": notice.text,
        "content_hash": notice.content_hash,
        "items": [
            {"code": i.code, "outcome": i.outcome, "coverage": i.coverage, "clause": i.clause, "fix": i.fix}
            for i in notice.items
        ],
    }


class WebhookChannel:
    """POST each notice to ``[followup.webhook] url``."""

    name = "webhook"

    def __init__(self, session: HttpSession, url: str) -> None:
        self.session = session
        self.url = url

    @classmethod
    def from_context(cls, context: ChannelContext) -> WebhookChannel:
        """Build from the run's settings."""
        hook = context.settings.webhook
        if hook is None:
            from coisync.errors import ConfigError

            raise ConfigError("followup.webhook", "is missing", 'add [followup.webhook] url = "https://..."')
        config = HttpConfig(
            base_url=hook.url,
            allow_private_network=hook.allow_private_network,
            allow_insecure_http=hook.allow_insecure_http,
        )
        return cls(HttpSession(config, name="followup-webhook"), hook.url)

    def addresses(self, notice: Notice) -> tuple[str, ...]:
        """The URL."""
        return (self.url,)

    def send(self, notice: Notice, key: str) -> Delivery:
        """POST once (the key lets the receiver drop a repeat)."""
        try:
            response = self.session.request("POST", "", json=payload(notice, key), idempotency_key=key)
        except HttpError as exc:
            raise ChannelError(f"webhook {self.url} failed: {exc}") from exc
        return Delivery(message_id=key, detail={"status": response.status_code})

    def finish(self) -> None:
        """Nothing to flush."""
