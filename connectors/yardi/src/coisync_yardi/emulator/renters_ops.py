"""Renters Insurance 3.0: ``GetInsurancePolicies`` and ``ImportInsurancePolicies`` [CODE].

The policy document follows GetCovered's client (namespace ``http://yardi.com/RentersInsurance30``):
``InsurancePolicy@Type=new|change``, ``Customer/MITS:Identification@IDType/MITS:IDValue``,
``Customer/MITS:Name``, ``Insurer/Name``, ``PolicyNumber``, ``PolicyTitle``, ``PremiumAmount``
and ``PolicyDetails/{EffectiveDate, ExpirationDate, IsRenew, LiabilityAmount, Notes,
IsRequiredForMoveIn, IsPMInterestedParty, IsPetEndorsement, PolicyId}``. The root element name
(``RenterInsurance``) and accepting ``IDType="Tenant Code"`` for commercial tenants are assumed.
An empty search answers "No insurance policies exist with the given search criteria." as an
error message inside HTTP 200, as Yardi does [CODE].
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement

from coisync.http.soap import local_name
from coisync_yardi.emulator.access import YardiMessage
from coisync_yardi.emulator.calls import Call, Operation
from coisync_yardi.emulator.documents import messages_document, serialize
from coisync_yardi.emulator.imports import children, parse_date_value, text_of
from coisync_yardi.emulator.settings import MITS_NS, RENTERS_NS

NO_POLICIES = "No insurance policies exist with the given search criteria."
ID_TYPES = ("Resident ID", "Tenant Code")
_DETAILS = (
    ("EffectiveDate", "effective"),
    ("ExpirationDate", "expiration"),
    ("IsRenew", "is_renew"),
    ("LiabilityAmount", "liability"),
    ("Notes", "notes"),
    ("IsRequiredForMoveIn", "required_for_move_in"),
    ("IsPMInterestedParty", "pm_interested_party"),
    ("IsPetEndorsement", "pet_endorsement"),
)


def _mits(name: str) -> str:
    return f"{{{MITS_NS}}}{name}"


def _render(policies: list[dict[str, Any]]) -> str:
    root = Element(f"{{{RENTERS_NS}}}RenterInsurance")
    for policy in policies:
        element = SubElement(root, f"{{{RENTERS_NS}}}InsurancePolicy", {"Type": "change"})
        customer = SubElement(element, f"{{{RENTERS_NS}}}Customer")
        ident = SubElement(customer, _mits("Identification"), {"IDType": policy["id_type"]})
        SubElement(ident, _mits("IDValue")).text = policy["resident"]
        name = SubElement(customer, _mits("Name"))
        for part in ("FirstName", "MiddleName", "LastName"):
            SubElement(name, _mits(part)).text = policy.get(part.lower())
        insurer = SubElement(element, f"{{{RENTERS_NS}}}Insurer")
        SubElement(insurer, f"{{{RENTERS_NS}}}Name").text = policy.get("insurer")
        for tag, key in (("PolicyNumber", "number"), ("PolicyTitle", "title"), ("PremiumAmount", "premium")):
            SubElement(element, f"{{{RENTERS_NS}}}{tag}").text = policy.get(key)
        details = SubElement(element, f"{{{RENTERS_NS}}}PolicyDetails")
        for tag, key in (*_DETAILS, ("PolicyId", "id")):
            SubElement(details, f"{{{RENTERS_NS}}}{tag}").text = policy.get(key)
    return serialize(root)


def get_insurance_policies(call: Call) -> str:
    """Policies of the properties, filtered by tenant, number and last-modified date.

    Raises:
        YardiMessage: :data:`NO_POLICIES` when nothing matches.
    """
    codes = set(call.properties())
    tenant, number = call.text("TenantId"), call.text("PolicyNumber")
    since = call.since("PolicyDateLastModified")
    found = [
        p
        for p in sorted(call.state.get("renters", {}).values(), key=lambda p: int(p["id"]))
        if p["property"] in codes
        and (not tenant or p["resident"] == tenant)
        and (not number or p.get("number") == number)
        and (since is None or p["modified"] >= since)
    ]
    if not found:
        raise YardiMessage(NO_POLICIES)
    return _render(found)


def _apply(call: Call, element: Element, property_code: str) -> str:
    parts = children(element)
    kind = element.get("Type", "new")
    customer = children(parts.get("Customer", Element("Customer")))
    ident = customer.get("Identification")
    resident = text_of(children(ident).get("IDValue")) if ident is not None else None
    id_type = ident.get("IDType", "") if ident is not None else ""
    if resident is None or id_type not in ID_TYPES:
        raise YardiMessage("Customer Identification (Resident ID) is required")
    tenant = call.state.get("tenants", {}).get(resident)
    if tenant is None or tenant["property"] != property_code:
        raise YardiMessage(f"Resident {resident} does not exist at property {property_code}")
    details = children(parts.get("PolicyDetails", Element("PolicyDetails")))
    renters: dict[str, dict[str, Any]] = call.state.setdefault("renters", {})
    if kind == "change":
        policy_id = text_of(details.get("PolicyId")) or ""
        if policy_id not in renters:
            raise YardiMessage(f"Policy {policy_id} does not exist")
        policy = renters[policy_id]
    elif kind == "new":
        policy_id = call.new_id("renters_policy")
        policy = {"id": policy_id, "property": property_code}
        renters[policy_id] = policy
    else:
        raise YardiMessage(f"Invalid InsurancePolicy Type {kind}")
    policy.update(resident=resident, id_type=id_type, modified=call.now)
    name = children(customer.get("Name", Element("Name")))
    for part in ("FirstName", "MiddleName", "LastName"):
        policy[part.lower()] = text_of(name.get(part))
    policy["insurer"] = text_of(children(parts.get("Insurer", Element("Insurer"))).get("Name"))
    for tag, key in (("PolicyNumber", "number"), ("PolicyTitle", "title"), ("PremiumAmount", "premium")):
        policy[key] = text_of(parts.get(tag))
    for tag, key in _DETAILS:
        value = text_of(details.get(tag))
        if value is not None and key in ("effective", "expiration"):
            value = parse_date_value(value, tag)
        policy[key] = value
    return policy_id


def import_insurance_policies(call: Call) -> str:
    """Create (``Type="new"``) or change policies from the ``Policy`` document.

    Raises:
        YardiMessage: An invalid document; nothing is stored.
    """
    codes = call.properties()
    document = call.document("Policy")
    policies = [document] if local_name(document.tag) == "InsurancePolicy" else list(document)
    ids = [_apply(call, p, codes[0]) for p in policies if local_name(p.tag) == "InsurancePolicy"]
    if not ids:
        raise YardiMessage("Policy contains no InsurancePolicy")
    return messages_document([("Info", f"Policy {policy_id} imported") for policy_id in ids])


OPERATIONS: dict[str, Operation] = {
    "GetInsurancePolicies": Operation(get_insurance_policies),
    "ImportInsurancePolicies": Operation(import_insurance_policies, writes=True),
}

__all__ = ["ID_TYPES", "NO_POLICIES", "OPERATIONS"]
