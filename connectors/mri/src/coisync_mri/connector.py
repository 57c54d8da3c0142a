"""The MRI connector: buildings, leases, occupants and insurance rows in; status and lease notes out."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

from coisync.connector import CheckItem, ConnectionCheck, Connector, Stream, Writer
from coisync.errors import CoisyncError
from coisync.http import AuthError, HttpError
from coisync.mapping.loader import Location
from coisync_mri.api import BUILDINGS_API, INSURANCE_API, MriApi
from coisync_mri.config import MriConfig
from coisync_mri.streams import BuildingStream, InsuranceStream, LeaseStream, OccupantStream
from coisync_mri.writers import InsuranceStatusWriter, LeaseNoteWriter

SOURCE_MAPPING = Path(__file__).resolve().parents[4] / "mappings" / "mri.toml"
"""The mapping in a source checkout (the wheel carries it as ``coisync_mri/mappings/mri.toml``)."""


class MriConnector(Connector):
    """MRI commercial: buildings, leases and their occupants' insurance (HTTP Basic, one endpoint)."""

    name: ClassVar[str] = "mri"
    title: ClassVar[str] = "MRI Software"
    config_model: ClassVar[type[MriConfig]] = MriConfig
    mapping_locations: ClassVar[tuple[Location, ...]] = (
        files("coisync_mri") / "mappings" / "mri.toml",
        SOURCE_MAPPING,
    )

    config: MriConfig

    def streams(self) -> Sequence[Stream]:
        """Buildings, occupants, leases, then insurance rows (related records first)."""
        return [BuildingStream(self), OccupantStream(self), LeaseStream(self), InsuranceStream(self)]

    def writers(self) -> Sequence[Writer]:
        """Insurance-row status and lease notes."""
        return [InsuranceStatusWriter(self), LeaseNoteWriter(self)]

    def check(self) -> ConnectionCheck:
        """Credentials and the buildings API (one row), then the insurance API, then the writes switch."""
        writable = self.writable_check()
        api = MriApi(self)
        try:
            response = self.session.request(
                "GET", self.config.api_path, params={**api.params(BUILDINGS_API), "$top": 1}
            )
        except AuthError as exc:
            return ConnectionCheck(
                CheckItem(False, str(exc)), CheckItem(None, "not tested: credentials refused"), writable
            )
        except CoisyncError as exc:
            return ConnectionCheck(
                CheckItem(None, "not tested: MRI could not be reached"), CheckItem(False, str(exc)), writable
            )
        auth = CheckItem(True, "web-service user accepted")
        rows = (
            response.json().get("value")
            if response.headers.get("content-type", "").startswith("application/json")
            else None
        )
        first = (
            rows[0].get("BuildingID")
            if isinstance(rows, list) and rows and isinstance(rows[0], dict)
            else None
        )
        building = self.config.buildings[0] if self.config.buildings else first
        if building is None:
            return ConnectionCheck(auth, CheckItem(True, "reachable; no building to read yet"), writable)
        try:
            self.session.request(
                "GET", self.config.api_path, params={**api.params(INSURANCE_API, BLDGID=building), "$top": 1}
            )
        except (AuthError, HttpError) as exc:
            problem = f"the insurance API is not readable for building {building}: {exc}"
            return ConnectionCheck(auth, CheckItem(False, problem), writable)
        except CoisyncError as exc:
            return ConnectionCheck(auth, CheckItem(False, str(exc)), writable)
        return ConnectionCheck(
            auth, CheckItem(True, f"buildings and insurance readable ({building})"), writable
        )


__all__ = ["MriConnector"]
