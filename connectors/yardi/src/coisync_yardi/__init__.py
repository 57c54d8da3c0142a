"""coisync's Yardi Voyager package: the connector and an emulator of the SIPP SOAP interfaces.

The plugin registers :class:`~coisync_yardi.connector.YardiConnector` (``connector = "yardi"``) and
the emulator (``coisync sandbox``); both are imported only when the hooks run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from coisync import hookimpl
from coisync.plugins.hookspecs import Register

if TYPE_CHECKING:
    from coisync.sandbox.emulator import Clock
    from coisync_yardi.emulator import YardiCredential, YardiEmulator, YardiSettings


def create_emulator(
    state_dir: Path | str,
    clock: Clock | None = None,
    seed: int = 0,
    *,
    credentials: Iterable[YardiCredential] | None = None,
    settings: YardiSettings | None = None,
    demo: bool = False,
) -> YardiEmulator:
    """Build a Yardi emulator (imported lazily, so loading the plugin stays cheap); the
    registered factory builds it the same way.

    Args:
        state_dir: Where the emulator keeps its state file.
        clock: An object with ``now()`` (defaults to the system clock).
        seed: Seeds ids and fault decisions.
        credentials: The Voyager users accepted (default: the sandbox demo user).
        settings: Behaviour switches.
        demo: Seed the built-in demo portfolio when the state directory is fresh.
    """
    from coisync_yardi.sandbox import YardiEmulatorFactory

    return YardiEmulatorFactory()(
        state_dir, clock, seed, credentials=credentials, settings=settings, demo=demo
    )


@hookimpl
def register_emulators(register: Register) -> None:
    """Register the Yardi emulator with the sandbox (seeded from the scenario's Yardi view)."""
    from coisync_yardi.sandbox import YardiEmulatorFactory

    register("yardi", YardiEmulatorFactory())


@hookimpl
def register_connectors(register: Register) -> None:
    """Register the Yardi connector."""
    from coisync_yardi.connector import YardiConnector

    register(YardiConnector)
