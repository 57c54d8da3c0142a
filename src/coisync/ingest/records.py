"""Turning raw input into validated canonical records.

Canonical JSON (JSON documents and JSONL lines) is validated in pydantic's strict JSON mode,
straight from the text; CSV rows, whose cells are all strings, in lax mode after their columns
were mapped. Either way a record either becomes a model or a list of problems, never half.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from coisync.ingest.problems import ImportProblem, validation_problems
from coisync.model import (
    FORMAT_VERSION,
    RECORD_MODELS,
    Agreement,
    CanonicalModel,
    Certificate,
    Party,
    Property,
    PropertyEvidence,
    Waiver,
)


@dataclass(frozen=True)
class ValidRecord:
    """A validated record and where it came from."""

    record_type: str
    model: CanonicalModel
    file: str
    line: int | None = None
    item: str | None = None

    @property
    def record_id(self) -> str:
        """The record's canonical id."""
        return str(self.model.__dict__["id"])


class _Envelope(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    format_version: int


class _PartyEnvelope(_Envelope):
    type: Literal["party"]
    data: Party


class _PropertyEnvelope(_Envelope):
    type: Literal["property"]
    data: Property


class _AgreementEnvelope(_Envelope):
    type: Literal["agreement"]
    data: Agreement


class _CertificateEnvelope(_Envelope):
    type: Literal["certificate"]
    data: Certificate


class _EvidenceEnvelope(_Envelope):
    type: Literal["evidence"]
    data: PropertyEvidence


class _WaiverEnvelope(_Envelope):
    type: Literal["waiver"]
    data: Waiver


AnyEnvelope: TypeAlias = Annotated[
    _PartyEnvelope
    | _PropertyEnvelope
    | _AgreementEnvelope
    | _CertificateEnvelope
    | _EvidenceEnvelope
    | _WaiverEnvelope,
    Field(discriminator="type"),
]


class _OneEnvelope(RootModel[AnyEnvelope]):
    """Any record envelope, told apart by its ``type``."""


RECORD_TYPES = tuple(RECORD_MODELS)


def unknown_version(value: object) -> str:
    """The message refusing a format version this release cannot read."""
    return (
        f"unknown format_version {value!r}: this coisync reads format version {FORMAT_VERSION} "
        "(upgrade coisync or export the file in version 1)"
    )


def unknown_type(value: object) -> str:
    """The message refusing an unknown record type."""
    return f"unknown record type {value!r}; expected one of {', '.join(RECORD_TYPES)}"


def parse_envelope(
    text: str | bytes, *, file: str, line: int | None = None, item: str | None = None
) -> ValidRecord | list[ImportProblem]:
    """Validate one canonical JSON envelope (``{"format_version", "type", "data"}``)."""
    try:
        envelope = _OneEnvelope.model_validate_json(text).root
    except ValidationError as exc:
        return _diagnose(text, exc, file=file, line=line, item=item)
    if envelope.format_version != FORMAT_VERSION:
        reason = unknown_version(envelope.format_version)
        return [ImportProblem(file, reason, line, item, envelope.type, envelope.data.id, "format_version")]
    return ValidRecord(envelope.type, envelope.data, file, line, item)


def _diagnose(
    text: str | bytes, exc: ValidationError, *, file: str, line: int | None, item: str | None
) -> list[ImportProblem]:
    try:
        raw = json.loads(text)
    except ValueError as err:
        return [ImportProblem(file, f"not valid JSON: {err}", line=line, item=item)]
    if not isinstance(raw, dict):
        return [
            ImportProblem(
                file, "expected a JSON object with format_version, type and data", line=line, item=item
            )
        ]
    record_type = raw.get("type")
    known_type = record_type if record_type in RECORD_MODELS else None
    data = raw.get("data")
    raw_id = data.get("id") if isinstance(data, dict) else None
    record_id = raw_id if isinstance(raw_id, str) else None
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        reason = "format_version is missing" if version is None else unknown_version(version)
        return [ImportProblem(file, reason, line, item, known_type, record_id, "format_version")]
    if known_type is None:
        return [ImportProblem(file, unknown_type(record_type), line=line, item=item, field="type")]
    problems = validation_problems(
        exc,
        file=file,
        line=line,
        item=item,
        record_type=known_type,
        record_id=record_id,
        strip=1,
    )
    # Locations start at the envelope: drop the "data." prefix from field paths.
    return [
        ImportProblem(
            p.file,
            p.reason,
            p.line,
            p.item,
            p.record_type,
            p.record_id,
            p.field[5:] if p.field and p.field.startswith("data.") else p.field,
        )
        for p in problems
    ]


def parse_data(
    record_type: str,
    data: Any,
    *,
    file: str,
    line: int | None = None,
    item: str | None = None,
    lax: bool = False,
    line_of: dict[int, int] | None = None,
) -> ValidRecord | list[ImportProblem]:
    """Validate one record's data: canonical JSON data (strict) or mapped CSV cells (``lax``)."""
    model = RECORD_MODELS.get(record_type)
    if model is None:
        return [ImportProblem(file, unknown_type(record_type), line=line, item=item, field="type")]
    record_id = data.get("id") if isinstance(data, dict) else None
    try:
        if lax:
            validated = model.model_validate(data, strict=False)
        else:
            validated = model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        return validation_problems(
            exc,
            file=file,
            line=line,
            item=item,
            record_type=record_type,
            record_id=record_id if isinstance(record_id, str) else None,
            line_of=line_of,
        )
    return ValidRecord(record_type, validated, file, line, item)
