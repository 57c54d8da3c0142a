"""coisync's Procore connector package (the emulator for now; the connector comes next)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coisync import hookimpl
from coisync.plugins.hookspecs import Register


def create_emulator(state_dir: Path | str, clock: Any = None, seed: int = 0, **options: Any) -> Any:
    """Build a :class:`~coisync_procore.emulator.ProcoreEmulator` (imported lazily).

    Args:
        state_dir: Where the emulator keeps its state file.
        clock: An object with ``now()`` (defaults to the system clock).
        seed: Seeds ids, tokens and fault decisions.
        **options: Passed on to the emulator (``credentials``, ``settings``).
    """
    from coisync_procore.emulator import ProcoreEmulator

    return ProcoreEmulator(state_dir, clock=clock, seed=seed, **options)


@hookimpl
def register_emulators(register: Register) -> None:
    """Register the Procore emulator with the sandbox."""
    register("procore", create_emulator)
