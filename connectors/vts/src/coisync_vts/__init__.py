"""coisync's VTS connector package: the connector and an emulator of VTS's Lease API.

The plugin registers :class:`~coisync_vts.connector.VtsConnector` (``connector = "vts"``) and
the emulator (``coisync sandbox``); both are imported only when the hooks run.
"""

from __future__ import annotations

from coisync import hookimpl
from coisync.plugins.hookspecs import Register


@hookimpl
def register_emulators(register: Register) -> None:
    """Register the VTS emulator with the sandbox (seeded from the scenario by :mod:`coisync_vts.sandbox`)."""
    from coisync_vts.sandbox import VtsEmulatorFactory

    register("vts", VtsEmulatorFactory())


@hookimpl
def register_connectors(register: Register) -> None:
    """Register the VTS connector."""
    from coisync_vts.connector import VtsConnector

    register(VtsConnector)
