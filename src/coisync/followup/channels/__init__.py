"""Follow-up channels: e-mail, platform note and webhook, registered through ``register_channels``."""

from coisync.followup.channels.base import (
    Channel,
    ChannelContext,
    ChannelError,
    ChannelFactory,
    Delivery,
    build_channels,
    channel_factories,
)

__all__ = [
    "Channel",
    "ChannelContext",
    "ChannelError",
    "ChannelFactory",
    "Delivery",
    "build_channels",
    "channel_factories",
]


def builtin_channels() -> dict[str, ChannelFactory]:
    """The built-in channel factories (registered by ``coisync.builtin_plugins``)."""
    from coisync.followup.channels.email import EmailChannel
    from coisync.followup.channels.note import NoteChannel
    from coisync.followup.channels.webhook import WebhookChannel

    return {
        "email": EmailChannel.from_context,
        "note": NoteChannel.from_context,
        "webhook": WebhookChannel.from_context,
    }
