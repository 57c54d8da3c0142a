"""The VTS emulator in ``coisync sandbox``: its factory and its seeding from the scenario.

The scenario's VTS view becomes an asset per property (id = the property's VTS id), a tenant
per tenant placed on VTS (id = its VTS id; the same party MRI holds under its own id, so
reconciliation links the two), one lease per tenant with its dates, the tenant's contacts, and
an insurance certificate per coverage line of its certificate with no compliance status yet
(coisync's sync writes it). Certificates are seeded only while the emulator serves the
assumed resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coisync.sandbox.factory import ScenarioEmulatorFactory

if TYPE_CHECKING:
    from coisync.sandbox.views import PlatformView
    from coisync_vts.emulator import VtsEmulator


def _money(value: str | None) -> dict[str, Any] | None:
    return {"magnitude": int(float(value)), "unit": "USD"} if value else None


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


def scenario_seed(view: PlatformView, *, certificates: bool = True) -> dict[str, Any]:
    """The :meth:`VtsEmulator.seed` dicts of the scenario's VTS view."""
    seed: dict[str, Any] = {
        "assets": [
            {
                "id": pid,
                "name": prop["name"],
                "sourceid": prop.get("id"),
                "address": {"formatted": prop["address"]} if prop.get("address") else None,
            }
            for pid, prop in view.properties
        ],
        "tenants": [],
        "leases": [],
        "tenant_contacts": [],
        "insurance_certificates": [],
    }
    for member in view.parties:
        if member.record_type != "tenant":
            continue
        lease_id = str(int(member.platform_id) - 70_000 + 30_000)
        agreement = member.agreement
        seed["tenants"].append({"id": member.platform_id, "name": member.party["legal_name"]})
        seed["leases"].append(
            {"id": lease_id, "tenant_id": member.platform_id, "asset_id": member.property_platform_id,
             "commencement_date": (agreement.get("start_date") or "")[:10] or None,
             "expiration_date": (agreement.get("end_date") or "")[:10] or None,
             "renewal_status": "unknown", "sourceid": agreement.get("id")}
        )  # fmt: skip
        for contact in member.party.get("contacts") or ():
            first, last = _split_name(str(contact.get("name") or ""))
            seed["tenant_contacts"].append(
                {"tenant_id": member.platform_id, "lease_ids": [lease_id], "first_name": first or None,
                 "last_name": last or None, "email": contact.get("email"), "phone": contact.get("phone"),
                 "company_name": member.party["legal_name"]}
            )  # fmt: skip
        if not certificates:
            continue
        for line in member.lines:
            seed["insurance_certificates"].append(
                {"lease_id": lease_id, "coverage_type": line.title.lower(), "carrier": line.insurer,
                 "policy_number": line.policy_number, "effective_date": line.effective_date,
                 "expiration_date": line.expiration_date, "limit": _money(line.limit),
                 "certificate_received": True, "additional_insured": bool(line.additional_insured)}
            )  # fmt: skip
    return seed


class VtsEmulatorFactory(ScenarioEmulatorFactory["VtsEmulator"]):
    """What the plugin registers: builds the emulator (``demo`` seeds the one-asset demo when the
    state is fresh) and speaks the sandbox protocol; the connection is the API key and secret."""

    connector = "vts"
    platform = "vts"
    fresh_table = "assets"

    def emulator_type(self) -> type[VtsEmulator]:
        """:class:`~coisync_vts.emulator.VtsEmulator`."""
        from coisync_vts.emulator import VtsEmulator

        return VtsEmulator

    def seed_data(self, view: PlatformView, emulator: VtsEmulator) -> dict[str, Any]:
        """The assets, tenants, leases, contacts and (when served) certificates of the view."""
        return scenario_seed(view, certificates=emulator.settings.insurance_certificates)


__all__ = ["VtsEmulatorFactory", "scenario_seed"]
