"""Every hook coisync offers, in one place. Built-in behaviour uses the same hooks.

Registry hooks receive a ``register`` callback; the host validates what is registered,
refuses duplicate names and records which plugin registered each thing.
"""

from __future__ import annotations

from collections.abc import Callable

import click
import pluggy

hookspec = pluggy.HookspecMarker("coisync")
hookimpl = pluggy.HookimplMarker("coisync")

Register = Callable[..., None]


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the root ``coisync`` command."""


@hookspec
def register_connectors(register: Register) -> None:
    """Register connector classes: ``register(ConnectorClass)``."""


@hookspec
def register_emulators(register: Register) -> None:
    """Register platform emulators for the sandbox: ``register(name, factory)``."""


@hookspec
def register_rules(register: Register) -> None:
    """Register compliance rules: ``register(rule)``; rules run in registration order."""


@hookspec
def register_channels(register: Register) -> None:
    """Register follow-up channels (email, platform note, webhook): ``register(channel)``."""


@hookspec
def register_paginators(register: Register) -> None:
    """Register paginator classes by name: ``register(name, cls)``."""


@hookspec
def register_templates(register: Register) -> None:
    """Register requirement-template directories: ``register(path)``."""


__all__ = ["Register", "hookimpl", "hookspec"]
