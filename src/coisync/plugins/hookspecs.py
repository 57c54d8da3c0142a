"""Every hook coisync offers, in one place. Built-in behaviour uses the same hooks.

Registry hooks receive a ``register`` callback; the host validates what is registered,
refuses duplicate names and records which plugin registered each thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


@hookspec(firstresult=True)
def extract_certificate_text(document: bytes, pages: int) -> list[dict[str, Any]] | None:
    """Read the words of a scanned certificate (a PDF without a text layer), e.g. with OCR.

    Return one dict per word with ``text``, ``page`` (1-based) and its box in PDF points from
    the page's top-left corner (``x0``, ``x1``, ``top``, ``bottom``), or None to decline. Intake
    parses the words like a text layer; every value still carries a confidence and low ones go
    to review.
    """


__all__ = ["Register", "hookimpl", "hookspec"]
