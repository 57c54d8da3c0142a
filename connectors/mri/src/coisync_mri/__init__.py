"""coisync's MRI connector package: the connector and an emulator of MRI's API endpoint.

The plugin registers :class:`~coisync_mri.connector.MriConnector` (``connector = "mri"``) and
the emulator (``coisync sandbox``); both are imported only when the hooks run.
"""

from __future__ import annotations

from coisync import hookimpl
from coisync.plugins.hookspecs import Register


@hookimpl
def register_emulators(register: Register) -> None:
    """Register the MRI emulator with the sandbox (seeded from the scenario by :mod:`coisync_mri.sandbox`)."""
    from coisync_mri.sandbox import MriEmulatorFactory

    register("mri", MriEmulatorFactory())


@hookimpl
def register_connectors(register: Register) -> None:
    """Register the MRI connector."""
    from coisync_mri.connector import MriConnector

    register(MriConnector)
