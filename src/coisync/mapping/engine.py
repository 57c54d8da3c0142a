"""Forward and reverse mapping of platform records, built from a checked mapping file.

Forward: a raw platform record (a dict; XML already converted by the connector) becomes a plain
dict of canonical fields plus the fields that failed coercion, so the caller can quarantine the
record with the reason. A path absent from the record leaves the field out; a null or blank
value gives ``None`` (or the field's default).

Reverse: desired canonical values become a platform payload, only for coisync-owned fields
(optionally only one job's), with each field's reverse coercion applied.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from coisync.mapping.coercions import Coercion, CoercionOptions
from coisync.mapping.errors import CoercionError
from coisync.mapping.paths import MISSING, Path
from coisync.mapping.spec import FieldSpec, RecordSpec


@dataclass(frozen=True)
class FieldFailure:
    """A field whose value would not coerce.

    Attributes:
        target: Canonical field.
        path: Platform path (forward) or write path (reverse).
        reason: Why, in words; never contains secrets (mapping values are platform data).
    """

    target: str
    path: str | None
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.target} (from {self.path}): {self.reason}"
            if self.path
            else f"{self.target}: {self.reason}"
        )


@dataclass(frozen=True)
class MappedRecord:
    """The forward result for one record.

    Attributes:
        values: Canonical fields, nested for dotted targets.
        failures: Fields that failed; the record should be quarantined when there are any.
    """

    values: dict[str, Any]
    failures: tuple[FieldFailure, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every field coerced."""
        return not self.failures

    @property
    def reason(self) -> str:
        """All failures in one line, for a quarantine entry."""
        return "; ".join(str(failure) for failure in self.failures)


@dataclass(frozen=True)
class PlatformPayload:
    """The reverse result: what to send to the platform.

    Attributes:
        values: The platform payload, nested along the write paths.
        failures: Fields whose desired value has no platform spelling.
    """

    values: dict[str, Any]
    failures: tuple[FieldFailure, ...] = ()


@dataclass(frozen=True)
class CompiledField:
    """A field ready to run: parsed paths, the coercion, its options and the coerced default."""

    spec: FieldSpec
    source: Path | None
    write: Path | None
    target: Path
    coercion: Coercion
    options: CoercionOptions
    default: Any = None

    def read(self, raw: Mapping[str, Any]) -> Any:
        """The canonical value from a platform record, ``MISSING`` when the path is absent.

        Raises:
            CoercionError: The value would not coerce, or a required value is missing.
        """
        value = self.source.get(raw) if self.source is not None else None
        if value is MISSING and self.default is None:
            if self.spec.required:
                raise CoercionError("required value is missing")
            return MISSING
        coerced = None if value is MISSING else self.coercion.forward(value, self.options)
        if coerced is None:
            coerced = self.default
        if coerced is None and self.spec.required:
            raise CoercionError("required value is empty")
        return coerced


@dataclass(frozen=True)
class RecordMapping:
    """The compiled mapping of one platform record type."""

    name: str
    spec: RecordSpec
    fields: tuple[CompiledField, ...]
    id_path: Path | None = None
    updated_at_path: Path | None = None
    version_path: Path | None = None

    def forward(self, raw: Mapping[str, Any]) -> MappedRecord:
        """Platform record to canonical fields (see module docs)."""
        values: dict[str, Any] = {}
        failures: list[FieldFailure] = []
        for compiled in self._forward_fields:
            try:
                value = compiled.read(raw)
            except CoercionError as exc:
                failures.append(FieldFailure(compiled.spec.target, compiled.spec.source, str(exc)))
                continue
            if value is not MISSING:
                compiled.target.set(values, value)
        return MappedRecord(values, tuple(failures))

    @cached_property
    def _forward_fields(self) -> tuple[CompiledField, ...]:
        return tuple(c for c in self.fields if c.spec.effective_direction != "reverse")

    def reverse(self, canonical: Mapping[str, Any], *, job: str | None = None) -> PlatformPayload:
        """Desired canonical values to a platform payload.

        Args:
            canonical: Canonical values, nested like the forward output; absent fields are not written.
            job: Only fields owned by this job (``sync``, ``reconcile``, ``followup``); all when None.
        """
        payload: dict[str, Any] = {}
        failures: list[FieldFailure] = []
        for compiled in self.writable(job=job):
            value = compiled.target.get(canonical)
            if value is MISSING:
                continue
            assert compiled.write is not None
            try:
                out = compiled.coercion.reverse(value, compiled.options)
            except CoercionError as exc:
                failures.append(FieldFailure(compiled.spec.target, str(compiled.write), str(exc)))
                continue
            compiled.write.set(payload, out)
        return PlatformPayload(payload, tuple(failures))

    def writable(self, *, job: str | None = None) -> Iterator[CompiledField]:
        """Fields coisync writes back (coisync-owned, reverse or both), optionally one job's."""
        return iter(self._writable_fields(job))

    def _writable_fields(self, job: str | None) -> tuple[CompiledField, ...]:
        known: dict[str | None, tuple[CompiledField, ...]] = self.__dict__.setdefault("_writable", {})
        if job not in known:  # asked for every planned write: worked out once per job
            known[job] = tuple(
                compiled
                for compiled in self.fields
                if compiled.spec.owner == "coisync"
                and compiled.spec.effective_direction != "forward"
                and job in (None, compiled.spec.job)
            )
        return known[job]

    def owner_of(self, target: str) -> FieldSpec | None:
        """The spec of a canonical field (who owns it, which job), or None when unmapped."""
        return next((c.spec for c in self.fields if c.spec.target == target), None)

    def platform_id(self, raw: Mapping[str, Any]) -> str | None:
        """The record's platform id as text, when the mapping names its path."""
        return _text_at(self.id_path, raw)

    def updated_at(self, raw: Mapping[str, Any]) -> str | None:
        """The record's last-modified value as text, when the mapping names its path."""
        return _text_at(self.updated_at_path, raw)

    def version(self, raw: Mapping[str, Any]) -> str | None:
        """The record's version or ETag as text, when the mapping names its path."""
        return _text_at(self.version_path, raw)


def _text_at(path: Path | None, raw: Mapping[str, Any]) -> str | None:
    if path is None:
        return None
    value = path.get(raw)
    return None if value is MISSING or value is None else str(value)


__all__ = [
    "CompiledField",
    "FieldFailure",
    "MappedRecord",
    "PlatformPayload",
    "RecordMapping",
]
