"""The e-mail channel: multipart/alternative (plain text and HTML) over SMTP (``smtplib``)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from coisync.followup.channels.base import ChannelContext, ChannelError, Delivery
from coisync.followup.notices import Notice
from coisync.followup.settings import SmtpSettings


def build_email(notice: Notice, sender: str, key: str) -> EmailMessage:
    """The message: the Message-ID derives from the idempotency key, so a receiver can de-duplicate."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(notice.to)
    if notice.cc:
        message["Cc"] = ", ".join(notice.cc)
    message["Subject"] = notice.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{key}@coisync.followup>"
    message["X-Coisync-Party"] = notice.party_id
    message["X-Coisync-Step"] = f"{notice.track} {notice.step + 1}"
    message["X-Coisync-Content-Hash"] = notice.content_hash
    message.set_content(notice.text)
    message.add_alternative(notice.html, subtype="html")
    return message


class EmailChannel:
    """Send notices through the SMTP server of ``[followup.smtp]``."""

    name = "email"
    requires_address = True
    """A notice with no To address is not sent: the run records the party as blocked instead."""

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp

    @classmethod
    def from_context(cls, context: ChannelContext) -> EmailChannel:
        """Build from the run's settings."""
        return cls(context.settings.smtp)

    def addresses(self, notice: Notice) -> tuple[str, ...]:
        """The To and Cc addresses."""
        return notice.recipients

    def send(self, notice: Notice, key: str) -> Delivery:
        """Hand the message to the SMTP server; its acceptance is the delivery."""
        if not notice.to:
            raise ChannelError(f"no e-mail address for party {notice.party_id}; add a contact with an email")
        message = build_email(notice, self.smtp.sender, key)
        try:
            with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout) as client:
                if self.smtp.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.smtp.username is not None and self.smtp.password is not None:
                    client.login(self.smtp.username.get_secret_value(), self.smtp.password.get_secret_value())
                refused = client.send_message(message, to_addrs=list(notice.recipients))
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP {self.smtp.host}:{self.smtp.port} refused or failed: {exc}") from exc
        detail = {"refused": sorted(refused)} if refused else {}
        return Delivery(message_id=str(message["Message-ID"]), detail=detail)

    def finish(self) -> None:
        """Nothing to flush."""
