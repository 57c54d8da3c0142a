"""The settings of a VTS connection.

::

    [connections.vts]
    connector = "vts"
    base_url = "https://api.vts.com"              # or https://sandbox.vts.com
    insurance_certificates = "auto"               # "on", "off" or "auto" (ask VTS once per run)

    [connections.vts.credentials]
    username = {"$env" = "VTS_API_KEY"}           # the API key (a secret reference too)
    password = {"$env" = "VTS_API_SECRET"}

VTS publishes no insurance resource: ``insurance_certificates`` says whether this account has
the in-style extension coisync writes to (``on``), has none (``off``: the connection is
read-only and still feeds reconciliation with tenants and leases), or whether to find out by
asking for it (``auto``, the default).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from coisync.connector import ConnectionConfig, SecretUserBasicCredentials
from coisync.http import HttpConfig

MAX_PAGE_SIZE = 100
"""``page[size]`` above this is clamped (**assumed**: VTS documents no maximum)."""
CertificatesMode = Literal["auto", "on", "off"]


class VtsConfig(ConnectionConfig):
    """A VTS connection: one API key and secret.

    Attributes:
        credentials: ``username`` (the API key) and ``password`` (the API secret), both secret
            references (an inline key is refused like an inline secret).
        page_size: Records per page (``page[size]``).
        insurance_certificates: ``auto``, ``on`` or ``off`` (see the module docs).
    """

    credentials: SecretUserBasicCredentials
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    insurance_certificates: CertificatesMode = "auto"

    def http_config(self, **overrides: Any) -> HttpConfig:
        """The HTTP settings; VTS documents no idempotency header."""
        return super().http_config(**{"idempotency_header": None, **overrides})


__all__ = ["MAX_PAGE_SIZE", "CertificatesMode", "VtsConfig"]
