"""ASMX request handling the Yardi emulator needs besides its operations: which interface a path
names, which SOAP version a request speaks, whether ASMX would dispatch it, and where the records
of a result are (for the ``malformed`` fault)."""

from __future__ import annotations

from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from coisync.http.soap import (
    SOAP_1_1,
    SOAP_1_2,
    SoapFormatError,
    SoapMessage,
    SoapVersion,
    local_name,
    parse_xml,
)
from coisync.sandbox.emulator import HttpError
from coisync_yardi.emulator.settings import INTERFACES, Interface, YardiSettings

RECORD_ELEMENTS = frozenset({"Vendor", "Tenant", "Property", "InsurancePolicy"})
ID_ELEMENTS = frozenset({"VendorId", "TenantCode", "Code", "PolicyId"})


def records_of(response: Response) -> tuple[Element | None, list[Element]]:
    if "xml" not in (response.mimetype or ""):
        return None, []
    try:
        root = parse_xml(response.get_data())
    except SoapFormatError:
        return None, []
    for element in root.iter():
        if local_name(element.tag).endswith("Result") and len(element):
            return root, [r for r in element[0] if local_name(r.tag) in RECORD_ELEMENTS]
    return root, []


def titles() -> list[str]:
    return [interface.title for interface in INTERFACES.values()]


def interface_of(client: str, service: str, settings: YardiSettings) -> Interface:
    name = service.lower()
    if client not in settings.clients or not name.endswith(".asmx"):
        raise HttpError(404, message="The resource cannot be found.")
    interface = INTERFACES.get(name.removesuffix(".asmx"))
    if interface is None:
        raise HttpError(404, message="The resource cannot be found.")
    return interface


def version_of(request: Request) -> SoapVersion | None:
    mimetype = request.mimetype.lower()
    if mimetype == "text/xml":
        return SOAP_1_1
    if mimetype == "application/soap+xml":
        return SOAP_1_2
    return None


def dispatch_problem(request: Request, message: SoapMessage, interface: Interface) -> str | None:
    """Why ASMX would refuse to dispatch this call, or ``None``."""
    expected = f"{interface.namespace}/{message.name}"
    if message.version is SOAP_1_1:
        action = request.headers.get("SOAPAction")
        if action is None:
            return "Server did not recognize the value of HTTP Header SOAPAction: ."
        if action.strip().strip('"') != expected:
            return f"Server did not recognize the value of HTTP Header SOAPAction: {action.strip()}."
    else:
        action = request.mimetype_params.get("action")
        if action is not None and action.strip('"') != expected:
            return f"Unable to handle request. The action '{action}' was not recognized."
    if message.namespace != interface.namespace or message.name not in interface.operations:
        return f"Server did not recognize the operation {message.name} in namespace {message.namespace}."
    return None


def help_page(interface: Interface) -> str:
    items = "".join(f"<li>{escape(op)}</li>" for op in interface.operations)
    return f"<html><body><h1>{escape(interface.asmx)}</h1><ul>{items}</ul></body></html>"


__all__ = [
    "ID_ELEMENTS",
    "RECORD_ELEMENTS",
    "dispatch_problem",
    "help_page",
    "interface_of",
    "records_of",
    "titles",
    "version_of",
]
