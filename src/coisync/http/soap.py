"""SOAP 1.1 and 1.2 envelopes: building them, and parsing them safely.

Used by SOAP connectors (client side) and by SOAP emulators (server side), so both speak the
same dialect: document/literal operations whose body holds one ``<Operation xmlns=ns>``
element with one child per parameter, and a ``<OperationResponse><OperationResult>`` answer.

Every parse goes through :func:`parse_xml`, which refuses any document type declaration
(``defusedxml`` with ``forbid_dtd``): no entity expansion (billion laughs), no external
entities or DTDs (XXE), no network access. A refused document raises :class:`UnsafeXmlError`,
a malformed one :class:`SoapFormatError`; both are ``ValueError`` so either side can decide
what they mean for it (the client: a failed request; the emulator: a ``soap:Client`` fault).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError, tostring
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree


@dataclass(frozen=True)
class SoapVersion:
    """One SOAP version: its envelope namespace and how the action travels.

    Attributes:
        name: ``"1.1"`` or ``"1.2"``.
        envelope_ns: The envelope namespace.
        media_type: The request and response media type.
    """

    name: str
    envelope_ns: str
    media_type: str

    def request_headers(self, action: str) -> dict[str, str]:
        """The headers of a request for ``action``.

        SOAP 1.1 sends ``Content-Type: text/xml`` and a quoted ``SOAPAction`` header; SOAP 1.2
        sends ``application/soap+xml`` with an ``action`` parameter.
        """
        if self.name == "1.1":
            return {"Content-Type": f"{self.media_type}; charset=utf-8", "SOAPAction": f'"{action}"'}
        return {"Content-Type": f'{self.media_type}; charset=utf-8; action="{action}"'}

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` of a response."""
        return f"{self.media_type}; charset=utf-8"


SOAP_1_1 = SoapVersion("1.1", "http://schemas.xmlsoap.org/soap/envelope/", "text/xml")
SOAP_1_2 = SoapVersion("1.2", "http://www.w3.org/2003/05/soap-envelope", "application/soap+xml")
SOAP_VERSIONS: dict[str, SoapVersion] = {"1.1": SOAP_1_1, "1.2": SOAP_1_2}
_BY_NAMESPACE = {version.envelope_ns: version for version in SOAP_VERSIONS.values()}


class SoapFormatError(ValueError):
    """The document is not well-formed XML, or not a SOAP envelope of a known version."""


class UnsafeXmlError(SoapFormatError):
    """The document declares a DTD or entities (an XML bomb or external entity): refused unread."""


class XmlFragment(str):
    """Text that is already XML and goes into an envelope unescaped (the caller built it safely)."""

    __slots__ = ()


ParamValue = str | XmlFragment | None
"""A parameter value: text (escaped), an :class:`XmlFragment` (inserted as is) or ``None`` (empty)."""


def local_name(tag: str) -> str:
    """An element tag without its ``{namespace}``."""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def namespace_of(tag: str) -> str:
    """The namespace of an element tag (empty when it has none)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def parse_xml(data: bytes | str) -> Element:
    """Parse XML, refusing DTDs, entity declarations and external references.

    Raises:
        UnsafeXmlError: The document declares a DTD or entities.
        SoapFormatError: The document is not well-formed XML.
    """
    try:
        root: Element = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnsafeXmlError(
            f"refused XML with a document type or entity declaration ({type(exc).__name__}); "
            "entity expansion and external entities are never processed"
        ) from None
    except ParseError as exc:
        raise SoapFormatError(f"not well-formed XML ({exc})") from None
    return root


def xml_fragment(element: Element) -> XmlFragment:
    """An element serialised as a fragment to embed in another document."""
    return XmlFragment(tostring(element, encoding="unicode"))


def _param(name: str, value: ParamValue) -> str:
    if value is None:
        return f"<{name} />"
    text = value if isinstance(value, XmlFragment) else escape(value)
    return f"<{name}>{text}</{name}>"


def build_envelope(
    operation: str,
    namespace: str,
    params: Iterable[tuple[str, ParamValue]],
    *,
    version: SoapVersion = SOAP_1_1,
) -> bytes:
    """A document/literal request or response envelope.

    Args:
        operation: The body element's name (``GetVendors_Login``, ``GetVendors_LoginResponse``).
        namespace: The operation's namespace (set as the default namespace of the body element).
        params: Child elements in order, as ``(name, value)``.
        version: The SOAP version.

    Returns:
        The envelope, UTF-8 encoded, with an XML declaration.
    """
    inner = "".join(_param(name, value) for name, value in params)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{version.envelope_ns}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<soap:Body><{operation} xmlns={quoteattr(namespace)}>{inner}</{operation}></soap:Body>"
        "</soap:Envelope>"
    ).encode()


def build_fault(code: str, message: str, *, version: SoapVersion = SOAP_1_1) -> bytes:
    """A fault envelope (what ASP.NET sends with HTTP 500).

    Args:
        code: ``Client`` (the request is wrong) or ``Server``; SOAP 1.2 spells them
            ``Sender`` and ``Receiver``.
        message: The fault string.
        version: The SOAP version.
    """
    if version.name == "1.1":
        body = (
            f"<soap:Fault><faultcode>soap:{code}</faultcode>"
            f"<faultstring>{escape(message)}</faultstring><detail /></soap:Fault>"
        )
    else:
        value = {"Client": "Sender", "Server": "Receiver"}.get(code, code)
        body = (
            f"<soap:Fault><soap:Code><soap:Value>soap:{value}</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{escape(message)}</soap:Text></soap:Reason>'
            "<soap:Detail /></soap:Fault>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{version.envelope_ns}">'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


@dataclass(frozen=True)
class SoapFault:
    """A parsed fault: ``code`` is ``Client`` or ``Server`` (1.2's ``Sender``/``Receiver`` mapped)."""

    code: str
    message: str

    @property
    def is_client_error(self) -> bool:
        """True when the fault blames the request (resending it cannot help)."""
        return self.code == "Client"


@dataclass(frozen=True)
class SoapMessage:
    """A parsed envelope.

    Attributes:
        version: Its SOAP version.
        body: The first element inside ``Body`` (the operation, its response, or a fault).
    """

    version: SoapVersion
    body: Element

    @property
    def name(self) -> str:
        """The body element's local name (the operation name for a request)."""
        return local_name(self.body.tag)

    @property
    def namespace(self) -> str:
        """The body element's namespace."""
        return namespace_of(self.body.tag)

    def params(self) -> dict[str, Element]:
        """The body element's children by local name (the first of each name)."""
        found: dict[str, Element] = {}
        for child in self.body:
            found.setdefault(local_name(child.tag), child)
        return found

    def fault(self) -> SoapFault | None:
        """The fault this message carries, if it is one."""
        if self.name != "Fault":
            return None
        if self.version.name == "1.1":
            code = _child_text(self.body, "faultcode")
            message = _child_text(self.body, "faultstring")
        else:
            code = _descendant_text(self.body, ("Code", "Value"))
            message = _descendant_text(self.body, ("Reason", "Text"))
        short = code.rsplit(":", 1)[-1]
        short = {"Sender": "Client", "Receiver": "Server"}.get(short, short)
        return SoapFault(short or "Server", message)


def parse_envelope(data: bytes | str) -> SoapMessage:
    """Parse a SOAP envelope safely (see :func:`parse_xml`).

    Raises:
        UnsafeXmlError: The document declares a DTD or entities.
        SoapFormatError: Not XML, not an envelope of a known SOAP version, or no body element.
    """
    root = parse_xml(data)
    version = _BY_NAMESPACE.get(namespace_of(root.tag))
    if version is None or local_name(root.tag) != "Envelope":
        raise SoapFormatError("the document is not a SOAP 1.1 or 1.2 envelope")
    body = root.find(f"{{{version.envelope_ns}}}Body")
    if body is None or len(body) == 0:
        raise SoapFormatError("the SOAP envelope has no body element")
    return SoapMessage(version, body[0])


def embedded_document(element: Element) -> Element | None:
    """The XML document an ``xs:any`` parameter or result carries.

    Such values arrive either as child elements or as escaped XML text; both are accepted
    (the text is parsed with :func:`parse_xml`). Empty content gives ``None``.

    Raises:
        UnsafeXmlError: Embedded text declares a DTD or entities.
        SoapFormatError: Embedded text is not well-formed XML.
    """
    if len(element):
        return element[0]
    text = (element.text or "").strip()
    if not text:
        return None
    return parse_xml(text)


def result_element(message: SoapMessage, operation: str) -> Element | None:
    """The ``<{operation}Result>`` element of a response, or ``None`` when absent."""
    for child in message.body:
        if local_name(child.tag) == f"{operation}Result":
            return child
    return None


def _child_text(element: Element, name: str) -> str:
    for child in element:
        if local_name(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _descendant_text(element: Element, names: tuple[str, ...]) -> str:
    current: Element | None = element
    for name in names:
        if current is None:
            return ""
        current = next((c for c in current if local_name(c.tag) == name), None)
    return "" if current is None else (current.text or "").strip()


__all__ = [
    "SOAP_1_1",
    "SOAP_1_2",
    "SOAP_VERSIONS",
    "ParamValue",
    "SoapFault",
    "SoapFormatError",
    "SoapMessage",
    "SoapVersion",
    "UnsafeXmlError",
    "XmlFragment",
    "build_envelope",
    "build_fault",
    "embedded_document",
    "local_name",
    "namespace_of",
    "parse_envelope",
    "parse_xml",
    "result_element",
    "xml_fragment",
]
