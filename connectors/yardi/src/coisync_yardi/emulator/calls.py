"""What an operation handler gets: the call's parameters, caller, state and helpers."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from coisync.http.soap import SoapFormatError, embedded_document
from coisync.sandbox.emulator import IdSequences, RateDecision, parse_iso_utc
from coisync_yardi.emulator.access import Caller, YardiMessage, resolve_properties
from coisync_yardi.emulator.imports import apply_policies, apply_user_fields, parse_date_value
from coisync_yardi.emulator.settings import Interface, YardiSettings

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
"""Largest attachment accepted (assumed; Voyager's limit is undocumented)."""


@dataclass
class Call:
    """One authenticated SOAP call.

    Attributes:
        interface: The interface called.
        operation: The operation name.
        params: Parameter elements by local name (credentials included).
        caller: Who called.
        state: The emulator's state document (mutable inside write operations).
        now: The emulator clock's time.
        settings: Behaviour switches.
        ids: Id sequences.
        rate_limits: Each interface's rate window for the caller's entity, without counting.
    """

    interface: Interface
    operation: str
    params: dict[str, Element]
    caller: Caller
    state: dict[str, Any]
    now: float
    settings: YardiSettings
    ids: IdSequences
    rate_limits: list[tuple[str, RateDecision]] = field(default_factory=list)

    def text(self, name: str) -> str:
        """A parameter's trimmed text ('' when absent)."""
        element = self.params.get(name)
        return "" if element is None else (element.text or "").strip()

    def properties(self, name: str = "YardiPropertyId") -> list[str]:
        """The property codes of a property parameter, checked for access and licence.

        Raises:
            YardiMessage: See :func:`~coisync_yardi.emulator.access.resolve_properties`.
        """
        return resolve_properties(
            self.text(name), self.caller, self.interface, self.state.get("properties", {})
        )

    def since(self, name: str) -> float | None:
        """A date parameter as Unix seconds (start of that day or the given time); ``None`` when empty.

        Raises:
            YardiMessage: The value is not a date or timestamp.
        """
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_iso_utc(text)
        except ValueError:
            return parse_iso_utc(parse_date_value(text, name))

    def document(self, name: str) -> Element:
        """The XML document carried by an ``xs:any`` parameter (child elements or escaped text).

        Raises:
            YardiMessage: The parameter is empty or not well-formed XML.
        """
        element = self.params.get(name)
        try:
            document = None if element is None else embedded_document(element)
        except SoapFormatError as exc:
            raise YardiMessage(f"{name} is not a valid XML document: {exc}") from None
        if document is None:
            raise YardiMessage(f"{name} is required")
        return document

    def attachment_bytes(self, name: str = "Attachment") -> bytes:
        """A base64 parameter decoded.

        Raises:
            YardiMessage: Empty, not base64, or larger than the limit.
        """
        raw = "".join(self.text(name).split())
        if not raw:
            raise YardiMessage(f"{name} is required")
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise YardiMessage(f"{name} is not valid base64") from None
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise YardiMessage(f"{name} is larger than {MAX_ATTACHMENT_BYTES} bytes")
        return data

    def new_id(self, kind: str, prefix: str = "") -> str:
        """The next id of ``kind`` as text."""
        return f"{prefix}{self.ids.next(self.state, kind)}"

    def import_parts(self, record: dict[str, Any], parts: dict[str, Element], before: str) -> tuple[int, int]:
        """Apply an import's user-defined fields and insurance policies to a vendor or tenant;
        ``before`` is the record's JSON before the import. Returns (policies added, updated)."""
        if "UserDefinedFields" in parts:
            apply_user_fields(record, parts["UserDefinedFields"])
        created = updated = 0
        if "Insurance" in parts:
            created, updated = apply_policies(
                record,
                parts["Insurance"],
                new_id=lambda: self.new_id("policy"),
                now=self.now,
                match_on_number=self.settings.policy_match_on_number,
            )
        if json.dumps(record, sort_keys=True, default=str) != before:
            record["modified"] = self.now  # assumed: LastModified moves only when something changed
        return created, updated

    def attachment_record(self, kind: str, data: bytes, **fields: Any) -> dict[str, Any]:
        """A stored attachment's metadata (the bytes are kept base64-encoded beside it)."""
        return {
            "id": self.new_id(kind),
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "created": self.now,
            "content": base64.b64encode(data).decode("ascii"),
            **fields,
        }


Handler = Callable[[Call], str]
"""An operation: returns the XML (or text) that goes inside ``<{Operation}Result>``."""


@dataclass(frozen=True)
class Operation:
    """An operation handler and whether it changes state."""

    handler: Handler
    writes: bool = False


__all__ = ["MAX_ATTACHMENT_BYTES", "Call", "Handler", "Operation"]
