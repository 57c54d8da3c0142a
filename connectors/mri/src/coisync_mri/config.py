"""The settings of an MRI connection.

::

    [connections.mri]
    connector = "mri"
    base_url = "https://mrix5api.saas.mrisoftware.com"
    buildings = ["BLD001", "BLD002"]          # optional: every building when omitted
    note_reference_type = "INS"                 # NoteReference1 of coisync's compliance notes
    reconcile_reference_type = "COI"            # optional: NoteReference1 of its flag notes

    [connections.mri.credentials]
    username = {"$env" = "MRI_USERNAME"}        # ClientID/Database/UserID/PartnerKey
    password = {"$env" = "MRI_PASSWORD"}

The user name embeds the partner key, so it is a secret reference like the password and is
scrubbed from logs and cassettes. On-premises hosts (``.../MRIWeb/MRIAPIServices/...``) set
``api_path``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from coisync.connector import BasicCredentials, ConnectionConfig
from coisync.http import HttpConfig
from coisync.secrets import Secret
from coisync_mri.notes import NoteCategories

API_PATH = "/mriapiservices/api.asp"
"""MRI's one endpoint on a SaaS host."""
MAX_PAGE_SIZE = 300
"""``$top`` above this is clamped by MRI (inferred from observed ``nextLink`` values)."""


class MriCredentials(BasicCredentials):
    """HTTP Basic whose user name is a secret reference too: it embeds the partner key."""

    username: Secret


class MriConfig(ConnectionConfig):
    """An MRI connection: one database, one web-service user.

    Attributes:
        credentials: ``username`` (``ClientID/Database/UserID/PartnerKey``) and ``password``.
        page_size: Rows per page (``$top``).
        buildings: Buildings to read; empty reads every building the buildings API lists.
        api_path: The endpoint's path on ``base_url``.
        note_reference_type: ``NoteReference1`` of the compliance notes coisync sync writes on
            leases (a code from ``MRI_S-PMCM_ReferenceTypes``).
        reconcile_reference_type: ``NoteReference1`` of the flag notes coisync reconcile writes
            on leases; ``note_reference_type`` when unset (the two kinds are told apart by
            their ``NoteReference2`` keys either way).
    """

    credentials: MriCredentials
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    buildings: tuple[str, ...] = ()
    api_path: str = API_PATH
    note_reference_type: str = Field(default="INS", min_length=1, max_length=10)
    reconcile_reference_type: str | None = Field(default=None, min_length=1, max_length=10)

    @field_validator("api_path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/") or "?" in value:
            raise ValueError("must be a path such as /mriapiservices/api.asp")
        return value

    def note_categories(self) -> NoteCategories:
        """``NoteReference1`` of coisync's compliance notes and of its flag notes."""
        return NoteCategories(
            self.note_reference_type, self.reconcile_reference_type or self.note_reference_type
        )

    def http_config(self, **overrides: Any) -> HttpConfig:
        """The HTTP settings; MRI has no idempotency header (updates are keyed by the row)."""
        return super().http_config(**{"idempotency_header": None, **overrides})


__all__ = ["API_PATH", "MAX_PAGE_SIZE", "MriConfig", "MriCredentials"]
