"""The emulator factory every connector package registers, in one shape.

A connector's factory builds its emulator (``factory(state_dir, clock, seed, credentials=...,
settings=..., demo=...)``), seeds it from the sandbox scenario and describes the connection
coisync uses to reach it (:class:`~coisync.sandbox.plugins.SandboxEmulator`). What differs per
platform is small: the emulator class (imported lazily, so loading the plugin stays cheap), the
state table that is empty in a fresh state, the seed of a scenario view and the credential
table::

    class AcmeEmulatorFactory(ScenarioEmulatorFactory["AcmeEmulator"]):
        connector = platform = "acme"
        fresh_table = "sites"

        def emulator_type(self) -> type[AcmeEmulator]:
            from coisync_acme.emulator import AcmeEmulator
            return AcmeEmulator

        def seed_data(self, view, emulator):
            return scenario_seed(view)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from coisync.sandbox.emulator import Clock, Emulator
from coisync.sandbox.plugins import SandboxConnection
from coisync.sandbox.views import PlatformView

E = TypeVar("E", bound=Emulator)


class _Seedable(Protocol):
    """What the factory calls on a platform emulator besides the :class:`Emulator` base."""

    def seed(self, data: Any) -> Any: ...

    def seed_demo(self) -> Any: ...


class ScenarioEmulatorFactory(Generic[E]):
    """Builds a platform emulator and speaks the sandbox protocol
    (:class:`coisync.sandbox.plugins.SandboxEmulator`).

    Attributes:
        connector: The connector the sandbox connection uses.
        platform: The scenario view that seeds the emulator.
        fresh_table: The state table whose absence marks a fresh state (``demo`` seeds only then).
        article: The article before the emulator class name in error messages (``"an"`` for
            ``MriEmulator``).
    """

    connector: ClassVar[str]
    platform: ClassVar[str]
    fresh_table: ClassVar[str]
    article: ClassVar[str] = "a"

    def emulator_type(self) -> type[E]:
        """The emulator class (import it inside the method)."""
        raise NotImplementedError

    def seed_data(self, view: PlatformView, emulator: E) -> Mapping[str, Any]:
        """What ``emulator.seed`` receives for the scenario's view of the platform."""
        raise NotImplementedError

    def __call__(
        self,
        state_dir: Path | str,
        clock: Clock | None = None,
        seed: int = 0,
        *,
        credentials: Any = None,
        settings: Any = None,
        demo: bool = False,
    ) -> E:
        """Build the emulator; ``demo`` seeds the platform's demo portfolio when the state is fresh.

        Args:
            state_dir: Where the emulator keeps its state file.
            clock: An object with ``now()`` (defaults to the system clock).
            seed: Seeds ids, tokens and fault decisions.
            credentials: The credentials the emulator accepts (default: its demo credentials).
            settings: Behaviour switches.
            demo: Seed the built-in demo portfolio when the state directory is fresh.
        """
        build = cast(Any, self.emulator_type())
        emulator: E = build(state_dir, clock, seed, credentials=credentials, settings=settings)
        if demo and not emulator.store.snapshot().get(self.fresh_table):
            cast(_Seedable, emulator).seed_demo()
        return emulator

    def checked(self, emulator: Emulator) -> E:
        """``emulator`` as this platform's emulator.

        Raises:
            TypeError: It is another platform's emulator.
        """
        kind = self.emulator_type()
        if not isinstance(emulator, kind):
            raise TypeError(f"expected {self.article} {kind.__name__}, got {type(emulator).__name__}")
        return emulator

    def seed_from_scenario(self, emulator: Emulator, view: PlatformView) -> None:
        """Seed ``emulator`` with what the scenario's view of the platform holds."""
        platform_emulator = self.checked(emulator)
        cast(_Seedable, platform_emulator).seed(self.seed_data(view, platform_emulator))

    def sandbox_connection(self, emulator: Emulator, base_url: str) -> SandboxConnection:
        """The emulator's first credential pair as ``username`` and ``password`` (HTTP Basic
        platforms); platforms with other credential tables override this."""
        credentials: Mapping[str, str] = cast(Any, self.checked(emulator)).credentials
        username, password = next(iter(credentials.items()))
        return SandboxConnection(credentials={"username": username, "password": password})


__all__ = ["ScenarioEmulatorFactory"]
