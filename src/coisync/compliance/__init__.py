"""The compliance engine: an explainable verdict for every party on any day.

:func:`evaluate` judges certificates and property evidence against a resolved
:class:`~coisync.model.RequirementSet` and returns an :class:`~coisync.model.Evaluation` whose
results say, item by item, what was required, what was found and which evidence was used.
"""

from __future__ import annotations

from coisync.compliance.library import (
    TemplateLibrary,
    TemplateNotFoundError,
    parse_template,
    read_requirements_file,
)

__all__ = [
    "TemplateLibrary",
    "TemplateNotFoundError",
    "parse_template",
    "read_requirements_file",
]
