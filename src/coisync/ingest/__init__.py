"""The one ingest path for canonical records: read, validate, batch, version, audit.

``coisync import`` uses :func:`import_files`; certificate intake reuses :class:`Ingestor`
with records it validated through :func:`parse_data` (so versioning, change detection and the
audit row work the same for every source).
"""

from __future__ import annotations

from coisync.ingest.ingestor import Ingestor, IngestSummary, TypeSummary
from coisync.ingest.problems import ImportProblem
from coisync.ingest.records import ValidRecord, parse_data, parse_envelope
from coisync.ingest.run import ImportReport, import_files

__all__ = [
    "ImportProblem",
    "ImportReport",
    "IngestSummary",
    "Ingestor",
    "TypeSummary",
    "ValidRecord",
    "import_files",
    "parse_data",
    "parse_envelope",
]
