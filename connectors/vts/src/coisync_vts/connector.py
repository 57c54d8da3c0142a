"""The VTS connector: assets, tenants, leases in; certificates in and their status out when VTS has them.

Reconcile flags go out as tenant updates (:mod:`coisync_vts.updates`) on the same condition.

VTS publishes no insurance resource. Whether a connection has the in-style
``insurance_certificates`` extension is its ``insurance_certificates`` setting: ``on``, ``off``,
or ``auto`` (the default), which asks VTS once, on first need, with a one-record list request:
a 404 (the path does not exist) or 403 (the key may not use it) means the account has none. Without
it the connector is **read-only** (:attr:`VtsConnector.read_only` per instance, with the reason
in ``coisync connections test`` and every run summary) and still reads assets, tenants and
leases for reconciliation. A probe that fails for another reason (network, 5xx, refused
credentials) also leaves the connector read-only for that run, with the failure as the reason:
nothing is written to a platform the connector could not identify.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

from defusedxml.ElementTree import ParseError, fromstring

from coisync.connector import CheckItem, ConnectionCheck, Connector, Stream, Writer
from coisync.errors import CoisyncError
from coisync.http import AuthError, NotFoundError
from coisync.mapping.loader import Location
from coisync_vts.api import CERTIFICATES, CONNECT_PATH, LEASES
from coisync_vts.config import VtsConfig
from coisync_vts.streams import AssetStream, CertificateStream, LeaseStream, TenantStream
from coisync_vts.updates import TenantUpdateWriter
from coisync_vts.writers import CertificateStatusWriter

SOURCE_MAPPING = Path(__file__).resolve().parents[4] / "mappings" / "vts.toml"
"""The mapping in a source checkout (the wheel carries it as ``coisync_vts/mappings/vts.toml``)."""
STILL_READ = "assets, tenants and leases are still read for reconciliation"


class VtsConnector(Connector):
    """VTS Lease API: assets, tenants with contacts, leases, and the assumed insurance certificates."""

    name: ClassVar[str] = "vts"
    title: ClassVar[str] = "VTS"
    config_model: ClassVar[type[VtsConfig]] = VtsConfig
    mapping_locations: ClassVar[tuple[Location, ...]] = (
        files("coisync_vts") / "mappings" / "vts.toml",
        SOURCE_MAPPING,
    )

    config: VtsConfig
    _certificates: bool | None = None
    _reason: str | None = None

    # -- the certificate resource and the read-only state --------------------------------

    def certificates_available(self) -> bool:
        """Whether this connection has the insurance certificate resource (asked once under ``auto``)."""
        if self._certificates is None:
            mode = self.config.insurance_certificates
            if mode == "on":
                self._certificates = True
            elif mode == "off":
                self._certificates = False
                self._reason = f'insurance_certificates = "off": VTS has no insurance resource; {STILL_READ}'
            else:
                self._certificates, self._reason = self._probe()
        return self._certificates

    def _probe(self) -> tuple[bool, str | None]:
        try:
            self.session.request("GET", CERTIFICATES, params={"page[size]": 1})
        except NotFoundError:
            return False, f"this VTS account has no insurance_certificates resource (HTTP 404); {STILL_READ}"
        except AuthError as exc:
            if exc.status == 403:
                return False, f"the API key may not use insurance_certificates (HTTP 403); {STILL_READ}"
            return False, f"could not ask VTS for insurance_certificates: {exc}"
        except CoisyncError as exc:
            return (
                False,
                f"could not ask VTS for insurance_certificates, so nothing is written this run: {exc}",
            )
        return True, None

    @property
    def read_only(self) -> bool:
        """True when this connection has no insurance certificate resource to write to."""
        return not self.certificates_available()

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self._certificates = not value
        if value and self._reason is None:
            self._reason = f"set read-only; {STILL_READ}"

    @property
    def read_only_reason(self) -> str | None:
        """Why the connection is read-only (``None`` while it is not)."""
        return None if self.certificates_available() else self._reason

    @read_only_reason.setter
    def read_only_reason(self, value: str | None) -> None:
        self._reason = value

    # -- streams, writers, check -----------------------------------------------------------

    def streams(self) -> Sequence[Stream]:
        """Assets, tenants, leases, then certificates when the resource exists (related records first)."""
        streams: list[Stream] = [AssetStream(self), TenantStream(self), LeaseStream(self)]
        if self.certificates_available():
            streams.append(CertificateStream(self))
        return streams

    def writers(self) -> Sequence[Writer]:
        """The certificate status writer and the tenant update writer (reconcile flags), when the
        certificate resource exists (without it the connection is read-only)."""
        if not self.certificates_available():
            return []
        return [CertificateStatusWriter(self), TenantUpdateWriter(self)]

    def reads_flags(self) -> bool:
        """Whether tenants are read with their reconcile flags (only a connection that writes them)."""
        return bool(self.config.writes) and not self.read_only

    def check(self) -> ConnectionCheck:
        """The auth check, one lease, then whether certificates can be written."""
        try:
            response = self.session.request("GET", CONNECT_PATH)
        except AuthError as exc:
            return ConnectionCheck(
                CheckItem(False, str(exc)),
                CheckItem(None, "not tested: credentials refused"),
                self.writable_check(),
            )
        except CoisyncError as exc:
            return ConnectionCheck(
                CheckItem(None, "not tested: VTS could not be reached"),
                CheckItem(False, str(exc)),
                self.writable_check(),
            )
        try:
            authorized = (fromstring(response.text).findtext("Authorized") or "").strip().lower() == "true"
        except ParseError:
            authorized = False
        if not authorized:
            auth = CheckItem(False, "VTS answered the auth check without Authorized = true")
            return ConnectionCheck(auth, CheckItem(None, "not tested: not authorized"), self.writable_check())
        auth = CheckItem(True, "API key accepted")
        try:
            self.session.request("GET", LEASES, params={"page[size]": 1})
        except CoisyncError as exc:
            return ConnectionCheck(
                auth, CheckItem(False, f"leases are not readable: {exc}"), self.writable_check()
            )
        return ConnectionCheck(auth, CheckItem(True, "leases readable"), self.writable_check())


__all__ = ["VtsConnector"]
