"""The emulator plugin protocol: what a connector package registers for ``coisync sandbox``.

A connector package implements the ``register_emulators(register)`` hook and calls
``register(name, factory)``. ``factory`` is callable as ``factory(state_dir, clock, seed)`` and
returns an :class:`~coisync.sandbox.emulator.Emulator`. To take part in the sandbox scenario it
also offers two methods (see :class:`SandboxEmulator`)::

    class MyEmulatorFactory:
        connector = "myplatform"                  # the connector its connection uses
        platform = "myplatform"                   # which scenario view seeds it (default: name)

        def __call__(self, state_dir, clock=None, seed=0, **options): ...
        def seed_from_scenario(self, emulator, view): ...      # view: PlatformView
        def sandbox_connection(self, emulator, base_url): ...  # -> SandboxConnection

    @hookimpl
    def register_emulators(register):
        register("myplatform", MyEmulatorFactory())

A plain factory function still registers: the sandbox then serves the emulator unseeded and
writes no connection for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pluggy

from coisync.errors import UsageError
from coisync.sandbox.emulator import Clock, Emulator
from coisync.sandbox.views import PlatformView

log = logging.getLogger("coisync.sandbox")

EmulatorFactory = Callable[..., Emulator]
"""``factory(state_dir, clock, seed) -> Emulator``."""


@dataclass(frozen=True)
class SandboxConnection:
    """What the sandbox writes into ``coisync.toml`` for one emulator.

    Attributes:
        credentials: The credential table with secret values (nested tables allowed, e.g.
            ``{"headers": {"X-Api-Key": "..."}}``); each value is saved to its own 0600 file
            and referenced with ``{"$file" = ...}``.
        settings: Further keys of the ``[connections.NAME]`` table (e.g. ``company_id``).
    """

    credentials: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class SandboxEmulator(Protocol):
    """A factory that can also seed its emulator from the scenario and describe its connection."""

    connector: str

    def __call__(self, state_dir: Path | str, clock: Clock | None = None, seed: int = 0) -> Emulator:
        """Build the emulator over ``state_dir``."""

    def seed_from_scenario(self, emulator: Emulator, view: PlatformView) -> None:
        """Seed ``emulator`` with what ``view`` says its platform holds."""

    def sandbox_connection(self, emulator: Emulator, base_url: str) -> SandboxConnection:
        """The connection coisync uses to reach ``emulator`` at ``base_url``."""


@dataclass(frozen=True)
class RegisteredEmulator:
    """An emulator factory and where it came from.

    Attributes:
        name: The registered name (also the connection name in ``coisync.toml``).
        factory: The factory.
        plugin: The plugin that registered it.
    """

    name: str
    factory: EmulatorFactory
    plugin: str

    @property
    def seedable(self) -> bool:
        """Whether the factory implements :class:`SandboxEmulator`."""
        return isinstance(self.factory, SandboxEmulator)

    @property
    def platform(self) -> str:
        """The scenario platform whose view seeds it."""
        return str(getattr(self.factory, "platform", self.name))

    def create(self, state_dir: Path, seed: int) -> Emulator:
        """Build the emulator (system clock)."""
        return self.factory(state_dir, None, seed)


def collect_emulators(pm: pluggy.PluginManager) -> dict[str, RegisteredEmulator]:
    """Every registered emulator by name (a broken plugin is logged and skipped).

    Raises:
        UsageError: Two plugins registered the same name.
    """
    found: dict[str, RegisteredEmulator] = {}
    for impl in pm.hook.register_emulators.get_hookimpls():

        def register(name: str, factory: EmulatorFactory, _plugin: str = impl.plugin_name) -> None:
            if name in found:
                raise UsageError(
                    f"emulator {name!r} is registered by plugins {found[name].plugin!r} and {_plugin!r}; "
                    "uninstall one or limit COISYNC_LOAD_PLUGINS"
                )
            if not callable(factory):
                raise TypeError(f"emulator {name!r} factory is not callable")
            found[name] = RegisteredEmulator(name, factory, _plugin)

        try:
            impl.function(register=register)
        except UsageError:
            raise
        except Exception as exc:  # one broken plugin must not hide the others
            log.warning(
                "plugin %r could not register its emulators (%s: %s)",
                impl.plugin_name,
                type(exc).__name__,
                exc,
            )
    return dict(sorted(found.items()))


def installed_emulators() -> dict[str, RegisteredEmulator]:
    """The emulators of the installed plugins."""
    from coisync.plugins import get_plugin_manager

    return collect_emulators(get_plugin_manager())


def select_emulators(
    available: Mapping[str, RegisteredEmulator], only: tuple[str, ...]
) -> list[RegisteredEmulator]:
    """The emulators to serve: all, or those named by ``--only``.

    Raises:
        UsageError: No emulator is installed, or ``--only`` names an unknown one.
    """
    if not available:
        raise UsageError("no emulator is installed; install a connector package such as coisync-procore")
    for name in only:
        if name not in available:
            raise UsageError(f"--only {name}: no such emulator (installed: {', '.join(available)})")
    return [entry for name, entry in available.items() if not only or name in only]


__all__ = [
    "EmulatorFactory",
    "RegisteredEmulator",
    "SandboxConnection",
    "SandboxEmulator",
    "collect_emulators",
    "installed_emulators",
    "select_emulators",
]
