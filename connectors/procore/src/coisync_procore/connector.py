"""The Procore connector: vendors and insurances in, compliance status, lines and PDFs out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

import httpx

from coisync.connector import CheckItem, ConnectionCheck, Connector, Stream, Writer
from coisync.errors import CoisyncError
from coisync.http import AuthError, HttpError
from coisync.mapping.loader import Location
from coisync_procore.attachments import CertificateAttachmentWriter
from coisync_procore.config import ProcoreConfig
from coisync_procore.streams import InsuranceStream, VendorStream
from coisync_procore.writers import InsuranceStatusWriter, PolicyLineWriter

COMPANY_HEADER = "Procore-Company-Id"
SOURCE_MAPPING = Path(__file__).resolve().parents[4] / "mappings" / "procore.toml"
"""The mapping in a source checkout (the wheel carries it as ``coisync_procore/mappings/procore.toml``)."""


class ProcoreConnector(Connector):
    """Procore company vendors and vendor insurances (OAuth client credentials)."""

    name: ClassVar[str] = "procore"
    title: ClassVar[str] = "Procore"
    config_model: ClassVar[type[ProcoreConfig]] = ProcoreConfig
    mapping_locations: ClassVar[tuple[Location, ...]] = (
        files("coisync_procore") / "mappings" / "procore.toml",
        SOURCE_MAPPING,
    )

    config: ProcoreConfig

    def streams(self) -> Sequence[Stream]:
        """Vendors, then their insurances."""
        return [VendorStream(self), InsuranceStream(self)]

    def writers(self) -> Sequence[Writer]:
        """Status and notes, policy lines, certificate PDFs."""
        return [InsuranceStatusWriter(self), PolicyLineWriter(self), CertificateAttachmentWriter(self)]

    def http_headers(self) -> Mapping[str, str]:
        """``Procore-Company-Id`` on every request (Procore refuses most calls without it)."""
        return {COMPANY_HEADER: str(self.config.company_id)}

    def build_auth(self) -> httpx.Auth | None:
        """Client credentials against the token URL derived from ``base_url``."""
        return self.config.credentials.auth(clock=self.clock, token_url=self.config.token_url)

    def check(self) -> ConnectionCheck:
        """Credentials (``/me``), then the company's insurances (one record), then the writes switch."""
        writable = self.writable_check()
        try:
            self.session.request("GET", "/rest/v1.0/me")
        except AuthError as exc:
            return ConnectionCheck(
                CheckItem(False, str(exc)), CheckItem(None, "not tested: credentials refused"), writable
            )
        except CoisyncError as exc:
            return ConnectionCheck(
                CheckItem(None, "not tested: Procore could not be reached"),
                CheckItem(False, str(exc)),
                writable,
            )
        client_id = self.config.credentials.client_id
        shown = client_id if isinstance(client_id, str) else "from a secret reference"
        auth = CheckItem(True, f"service account accepted (client id {shown})")
        path = f"/rest/v1.0/companies/{self.config.company_id}/insurances"
        try:
            self.session.request("GET", path, params={"per_page": 1})
        except (AuthError, HttpError) as exc:
            problem = f"company {self.config.company_id} is not readable: {exc}"
            return ConnectionCheck(auth, CheckItem(False, problem), writable)
        except CoisyncError as exc:
            return ConnectionCheck(auth, CheckItem(False, str(exc)), writable)
        return ConnectionCheck(auth, CheckItem(True, f"company {self.config.company_id} reachable"), writable)


__all__ = ["COMPANY_HEADER", "ProcoreConnector"]
