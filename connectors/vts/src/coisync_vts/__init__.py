"""coisync's VTS connector package: the connector and an emulator of VTS's Lease API.

The plugin registers the emulator (``coisync sandbox``), imported only when the hook runs.
"""

from __future__ import annotations

from coisync import hookimpl
from coisync.plugins.hookspecs import Register


@hookimpl
def register_emulators(register: Register) -> None:
    """Register the VTS emulator with the sandbox (seeded from the scenario by :mod:`coisync_vts.sandbox`)."""
    from coisync_vts.sandbox import VtsEmulatorFactory

    register("vts", VtsEmulatorFactory())
