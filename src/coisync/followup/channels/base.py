"""What a follow-up channel is, and how channels are found (the ``register_channels`` hook)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pluggy

from coisync.errors import CoisyncError, ConfigError
from coisync.followup.notices import Notice
from coisync.followup.settings import FollowupSettings
from coisync.store import Store


class ChannelError(CoisyncError):
    """A channel could not deliver a message; the attempt is recorded ``failed``."""


@dataclass(frozen=True)
class ChannelContext:
    """What a channel is built from."""

    settings: FollowupSettings
    store: Store
    config: Mapping[str, Any]
    config_path: Path
    run_id: str


@dataclass(frozen=True)
class Delivery:
    """What a channel reports after a message left: its id where the receiver keeps it.

    ``queued`` is true when the message went into coisync's own outbox (a platform note): the
    outbox, not the channel, then delivers it exactly once.
    """

    message_id: str
    detail: dict[str, Any] = field(default_factory=dict)
    queued: bool = False


class Channel(Protocol):
    """A way to deliver a notice (e-mail, a note in a platform, a webhook, a plugin's own).

    A channel may also set ``requires_address = True`` (as e-mail does): a notice with no To
    address is then not sent on it, and the run records the party as blocked (no contact)
    instead of failing the attempt on every run (see :mod:`coisync.followup.blocks`).
    """

    name: str

    def addresses(self, notice: Notice) -> tuple[str, ...]:
        """Where this channel delivers the notice (e-mail addresses, a record, a URL)."""
        ...

    def send(self, notice: Notice, key: str) -> Delivery:
        """Deliver once; ``key`` is the attempt's idempotency key. Raise ChannelError on refusal."""
        ...

    def finish(self) -> None:
        """Called once after every notice of the run (e.g. to push a queued outbox)."""
        ...


ChannelFactory = Callable[[ChannelContext], Channel]


def channel_factories(plugin_manager: pluggy.PluginManager | None = None) -> dict[str, ChannelFactory]:
    """Every registered channel factory by name (built-in ones register like plugins do)."""
    from coisync.plugins.manager import get_plugin_manager

    pm = plugin_manager if plugin_manager is not None else get_plugin_manager()
    found: dict[str, ChannelFactory] = {}

    def register(name: str, factory: ChannelFactory) -> None:
        if name in found:
            raise ConfigError(
                "followup.channels", f"channel {name!r} is registered twice", "uninstall one plugin"
            )
        found[name] = factory

    pm.hook.register_channels(register=register)
    return found


def build_channels(context: ChannelContext, names: tuple[str, ...]) -> list[Channel]:
    """The configured channels, built.

    Raises:
        ConfigError: A channel name is not registered.
    """
    factories = channel_factories()
    built: list[Channel] = []
    for name in names:
        if name not in factories:
            known = ", ".join(sorted(factories)) or "none"
            raise ConfigError(
                "followup.channels", f"unknown channel {name!r} (known: {known})", "fix the name"
            )
        built.append(factories[name](context))
    return built
