"""coisync's Procore connector package: the connector and an emulator of Procore's API.

The plugin registers :class:`~coisync_procore.connector.ProcoreConnector` (``connector =
"procore"``) and the emulator (``coisync sandbox``); both are imported only when the hooks run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from coisync import hookimpl
from coisync.plugins.hookspecs import Register

if TYPE_CHECKING:
    from coisync.sandbox.emulator import Clock
    from coisync_procore.emulator import ProcoreEmulator, ProcoreSettings


def create_emulator(
    state_dir: Path | str,
    clock: Clock | None = None,
    seed: int = 0,
    *,
    credentials: Mapping[str, str] | None = None,
    settings: ProcoreSettings | None = None,
    demo: bool = False,
) -> ProcoreEmulator:
    """Build a Procore emulator (imported lazily, so loading the plugin stays cheap); the
    registered factory builds it the same way.

    Args:
        state_dir: Where the emulator keeps its state file.
        clock: An object with ``now()`` (defaults to the system clock).
        seed: Seeds ids, tokens and fault decisions.
        credentials: ``client_id -> client_secret`` (default: the sandbox demo app).
        settings: Behaviour switches.
        demo: Seed the built-in demo portfolio when the state directory is fresh.
    """
    from coisync_procore.sandbox import ProcoreEmulatorFactory

    return ProcoreEmulatorFactory()(
        state_dir, clock, seed, credentials=credentials, settings=settings, demo=demo
    )


@hookimpl
def register_emulators(register: Register) -> None:
    """Register the Procore emulator with the sandbox (callable like :func:`create_emulator`,
    and seeded from the sandbox scenario by :mod:`coisync_procore.sandbox`)."""
    from coisync_procore.sandbox import ProcoreEmulatorFactory

    register("procore", ProcoreEmulatorFactory())


@hookimpl
def register_connectors(register: Register) -> None:
    """Register the Procore connector."""
    from coisync_procore.connector import ProcoreConnector

    register(ProcoreConnector)
