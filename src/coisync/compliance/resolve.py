"""Which requirements apply to a party: the agreement's own, on top of a template, with names filled in.

Order: an agreement's own requirement set, laid item by item over the agreement's template (alone
when the agreement names no template); else the agreement's template; else the template assigned
to the party's kind and category. Holder and additional insured roles are then resolved
to names from the property.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from coisync.compliance.library import TemplateLibrary
from coisync.model import (
    AdditionalInsuredRequirement,
    Agreement,
    CoverageRequirement,
    HolderRequirement,
    NameRole,
    Party,
    Property,
    RequirementSet,
)

DEFAULT_ASSIGNMENT: dict[str, str] = {
    "tenant": "tenant_office",
    "tenant:office": "tenant_office",
    "tenant:retail": "tenant_retail",
    "tenant:restaurant": "tenant_restaurant",
    "vendor": "vendor_low",
    "vendor:landscaping": "vendor_low",
    "vendor:plumbing": "vendor_low",
    "vendor:hvac": "vendor_low",
    "vendor:electrical": "vendor_low",
    "vendor:cleaning": "vendor_low",
    "vendor:janitorial": "vendor_low",
    "vendor:pest_control": "vendor_low",
    "vendor:elevator": "vendor_medium",
    "vendor:fire_protection": "vendor_medium",
    "vendor:security": "vendor_medium",
    "vendor:parking": "vendor_medium",
    "vendor:painting": "vendor_medium",
    "vendor:roofing": "vendor_high",
    "vendor:general_contractor": "vendor_high",
    "vendor:tree_service": "vendor_high",
    "vendor:demolition": "vendor_high",
    "vendor:property_management": "property_manager",
    "vendor:property_manager": "property_manager",
    "contractor": "contractor",
}
"""Template per ``kind:category`` (or ``kind`` alone); config can replace it."""

NO_REQUIREMENTS = "none"
"""Source reported when no template is assigned to the party: nothing is required."""


def _category_key(category: str) -> str:
    return category.strip().lower().replace("-", "_").replace(" ", "_")


def assigned_template(party: Party, assignment: Mapping[str, str] | None = None) -> str | None:
    """The template assigned to a party by kind and category, if any."""
    table = DEFAULT_ASSIGNMENT if assignment is None else assignment
    if party.category:
        name = table.get(f"{party.kind.value}:{_category_key(party.category)}")
        if name:
            return name
    return table.get(party.kind.value)


def _explicit(model: Any) -> dict[str, Any]:
    """The fields whose value differs from the field's default.

    Judged by value, not by which keys were given, so an agreement read back from canonical JSON
    (which writes every field) overlays exactly as the one first written.
    """
    explicit: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value != info.get_default(call_default_factory=True):
            explicit[name] = value
    return explicit


def _merge_coverage(base: CoverageRequirement, overlay: CoverageRequirement) -> CoverageRequirement:
    update = _explicit(overlay)
    if "limits" in update:
        update["limits"] = {**base.limits, **overlay.limits}
    if "item_clauses" in update:
        update["item_clauses"] = {**base.item_clauses, **overlay.item_clauses}
    return base.model_copy(update=update)


def overlay_requirements(base: RequirementSet, overlay: RequirementSet) -> RequirementSet:
    """Lay an agreement's own requirements over a template, item by item.

    A coverage in both is merged field by field (limit keys one by one); coverages only in the
    template are kept, coverages only in the agreement are added. Other fields the agreement sets
    replace the template's (the additional insured list as a whole); property terms merge field
    by field. "Sets" means "has a value other than the default": an agreement cannot switch a
    template item off (to demand less than a template, give the agreement no template).
    """
    update = _explicit(overlay)
    coverages = list(base.coverages)
    for item in overlay.coverages:
        for index, existing in enumerate(coverages):
            if existing.coverage_type == item.coverage_type:
                coverages[index] = _merge_coverage(existing, item)
                break
        else:
            coverages.append(item)
    update["coverages"] = tuple(coverages)
    if overlay.property_terms is not None and base.property_terms is not None:
        update["property_terms"] = base.property_terms.model_copy(update=_explicit(overlay.property_terms))
    update.setdefault("name", base.name)
    return base.model_copy(update=update)


def _role_name(role: NameRole | None, property: Property) -> str | None:
    if role is NameRole.OWNER:
        return property.owner_entity
    if role is NameRole.MANAGER:
        return property.manager
    if role is NameRole.LENDER:
        return property.lender
    if role is NameRole.HOLDER:
        return property.holder.name
    return None


def fill_names(requirements: RequirementSet, property: Property | None) -> RequirementSet:
    """Resolve the holder and additional insured roles to names from the property.

    An explicit name is kept. A role the property has no name for (e.g. no lender) is dropped.
    Without a property, roles stay unresolved and the name checks skip them.
    """
    if property is None:
        return requirements
    holder = requirements.certificate_holder
    if holder is not None and not holder.name:
        holder = HolderRequirement(
            name=property.holder.name,
            address=holder.address or property.holder.address,
            clause=holder.clause,
        )
    insureds: list[AdditionalInsuredRequirement] = []
    for item in requirements.additional_insureds:
        if item.name:
            insureds.append(item)
            continue
        name = _role_name(item.role, property)
        if name:
            insureds.append(item.model_copy(update={"name": name}))
    return requirements.model_copy(
        update={"certificate_holder": holder, "additional_insureds": tuple(insureds)}
    )


def resolve_requirements(
    *,
    party: Party,
    property: Property | None,
    agreement: Agreement | None,
    templates: TemplateLibrary,
    assignment: Mapping[str, str] | None = None,
) -> tuple[RequirementSet, str]:
    """The requirements that apply, with names filled in, and where they came from.

    Args:
        party: The party judged.
        property: The property (names for holder and additional insureds), if known.
        agreement: The agreement judged, if any.
        templates: Where template names are looked up.
        assignment: ``kind:category`` or ``kind`` to template name; :data:`DEFAULT_ASSIGNMENT` when None.

    Returns:
        The resolved set and its source: the agreement id when the agreement has its own
        requirements, else the template name, else ``"none"`` (nothing required).

    Raises:
        TemplateNotFoundError: A named template does not exist.
    """
    if agreement is not None and agreement.requirements is not None:
        own = agreement.requirements
        if agreement.template:
            own = overlay_requirements(templates.get(agreement.template), own)
        return fill_names(own, property), agreement.id
    template_name = agreement.template if agreement is not None and agreement.template else None
    if template_name is None:
        template_name = assigned_template(party, assignment)
    if template_name is None:
        return RequirementSet(name=NO_REQUIREMENTS), NO_REQUIREMENTS
    try:
        hash(property)
    except TypeError:  # pragma: no cover - properties are frozen models of hashable fields
        return fill_names(templates.get(template_name), property), template_name
    return _filled_template(templates, template_name, property), template_name


@lru_cache(maxsize=4096)
def _filled_template(templates: TemplateLibrary, name: str, property: Property | None) -> RequirementSet:
    """A template with names filled in from a property, once per library, template and property.

    A portfolio has many parties per property and template; the result is immutable, so every
    party resolved to the same template at the same property shares it. Errors are not cached.
    """
    return fill_names(templates.get(name), property)
