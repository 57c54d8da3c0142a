"""The Yardi Voyager connector: properties, vendors and commercial tenants with their insurance
in; compliance status, notes, policy lines and certificate PDFs out."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

from coisync.connector import CheckItem, ConnectionCheck, Connector, Stream, Writer
from coisync.errors import CoisyncError
from coisync.http import AuthError, ResponseClassifier, SecretSource
from coisync.mapping.loader import Location
from coisync_yardi.attachments import TenantCertificateWriter, VendorCertificateWriter
from coisync_yardi.classifier import YardiResponseClassifier
from coisync_yardi.client import COMMON_DATA, YardiClient
from coisync_yardi.config import YardiConfig
from coisync_yardi.errors import YardiConfigError
from coisync_yardi.records import raw_records
from coisync_yardi.streams import (
    PropertyStream,
    TenantLeaseStream,
    TenantPolicyStream,
    TenantStream,
    VendorPolicyStream,
    VendorStream,
)
from coisync_yardi.writers import (
    TenantStatusWriter,
    VendorLineWriter,
    VendorPolicyNoteWriter,
    VendorStatusWriter,
)

SOURCE_MAPPING = Path(__file__).resolve().parents[4] / "mappings" / "yardi.toml"
"""The mapping in a source checkout (the wheel carries it as ``coisync_yardi/mappings/yardi.toml``)."""


class YardiConnector(Connector):
    """Yardi Voyager through its SIPP SOAP interfaces (credentials in every body)."""

    name: ClassVar[str] = "yardi"
    title: ClassVar[str] = "Yardi Voyager"
    config_model: ClassVar[type[YardiConfig]] = YardiConfig
    mapping_locations: ClassVar[tuple[Location, ...]] = (
        files("coisync_yardi") / "mappings" / "yardi.toml",
        SOURCE_MAPPING,
    )

    config: YardiConfig

    def streams(self) -> Sequence[Stream]:
        """Properties, vendors and their policies, tenants, their leases and policies."""
        return [
            PropertyStream(self),
            VendorStream(self),
            VendorPolicyStream(self),
            TenantStream(self),
            TenantLeaseStream(self),
            TenantPolicyStream(self),
        ]

    def writers(self) -> Sequence[Writer]:
        """Status and notes (vendors, tenants), policy lines and notes, certificate PDFs."""
        return [
            VendorStatusWriter(self),
            TenantStatusWriter(self),
            VendorLineWriter(self),
            VendorPolicyNoteWriter(self),
            VendorCertificateWriter(self),
            TenantCertificateWriter(self),
        ]

    def response_classifier(self) -> ResponseClassifier:
        """Yardi's errors inside HTTP 200 (login, configuration, throttling)."""
        return YardiResponseClassifier()

    def secret_sources(self) -> Sequence[SecretSource]:
        """The password and interface licence travel in every body: the redactor hides them."""
        return [self.config.credentials.body_credentials()]

    def check(self) -> ConnectionCheck:
        """Credentials (``GetPropertyConfigurations``), then the configured properties, then writes."""
        writable = self.writable_check()
        try:
            document = YardiClient(self).read(COMMON_DATA, "GetPropertyConfigurations", [])
        except (AuthError, YardiConfigError) as exc:
            return ConnectionCheck(
                CheckItem(False, str(exc)), CheckItem(None, "not tested: login refused"), writable
            )
        except CoisyncError as exc:
            return ConnectionCheck(
                CheckItem(None, "not tested: Yardi could not be reached"),
                CheckItem(False, str(exc)),
                writable,
            )
        user = self.config.credentials.user_name
        shown = repr(user) if isinstance(user, str) else "from a secret reference"
        auth = CheckItem(True, f"interface user {shown} accepted")
        visible = {
            str(r.get("Code", "")).casefold()
            for r in raw_records(document, "Property")
            if isinstance(r, dict)
        }
        missing = [code for code in self.config.properties if code.casefold() not in visible]
        if missing:
            problem = f"properties not visible to the interface user: {', '.join(missing)}"
            return ConnectionCheck(auth, CheckItem(False, problem), writable)
        return ConnectionCheck(
            auth, CheckItem(True, f"{len(self.config.properties)} properties visible"), writable
        )


__all__ = ["YardiConnector"]
