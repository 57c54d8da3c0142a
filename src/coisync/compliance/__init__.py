"""The compliance engine: an explainable verdict for every party on any day.

:func:`evaluate` judges certificates and property evidence against a resolved
:class:`~coisync.model.RequirementSet` and returns an :class:`~coisync.model.Evaluation` whose
results say, item by item, what was required, what was found and which evidence was used.
:func:`resolve_requirements` decides which requirements apply; :class:`TemplateLibrary` holds
the requirement templates; rules are small objects (:class:`Rule`) plugins can add through the
``register_rules`` hook.
"""

from __future__ import annotations

from coisync.compliance.codes import MEANING, SEVERITY, FindingCode
from coisync.compliance.context import EvaluationContext, LineRef
from coisync.compliance.engine import (
    DEFAULT_WINDOWS,
    STATUS_RANK,
    apply_waivers,
    decide_status,
    evaluate,
)
from coisync.compliance.library import (
    TemplateLibrary,
    TemplateNotFoundError,
    parse_template,
    read_requirements_file,
)
from coisync.compliance.normalize import NameMatch, name_match, normalize_name
from coisync.compliance.ratings import Rating, RatingsTable, parse_size_class
from coisync.compliance.resolve import (
    DEFAULT_ASSIGNMENT,
    assigned_template,
    fill_names,
    overlay_requirements,
    resolve_requirements,
)
from coisync.compliance.rule import (
    DuplicateRuleError,
    Rule,
    RuleRegistry,
    build_rule_registry,
    default_rules,
    reset_default_rules,
)
from coisync.compliance.rules import DEFAULT_RULES
from coisync.compliance.wording import Wording, form_key, read_wording

__all__ = [
    "DEFAULT_ASSIGNMENT",
    "DEFAULT_RULES",
    "DEFAULT_WINDOWS",
    "MEANING",
    "SEVERITY",
    "STATUS_RANK",
    "DuplicateRuleError",
    "EvaluationContext",
    "FindingCode",
    "LineRef",
    "NameMatch",
    "Rating",
    "RatingsTable",
    "Rule",
    "RuleRegistry",
    "TemplateLibrary",
    "TemplateNotFoundError",
    "Wording",
    "apply_waivers",
    "assigned_template",
    "build_rule_registry",
    "decide_status",
    "default_rules",
    "evaluate",
    "fill_names",
    "form_key",
    "name_match",
    "normalize_name",
    "overlay_requirements",
    "parse_size_class",
    "parse_template",
    "read_requirements_file",
    "read_wording",
    "reset_default_rules",
    "resolve_requirements",
]
