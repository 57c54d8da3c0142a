"""The WSDL each interface serves at ``?WSDL``: document/literal, SOAP 1.1 and 1.2 bindings.

Written for the emulator (not copied from Yardi): operation names and parameters match
yardi-sdk's, every operation takes the credential block first, and results are untyped
(``<s:any/>``, mixed content), like Voyager's ``XResult``.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from coisync_yardi.emulator.settings import DATABASE_SPELLING, Interface

_CREDENTIALS = (
    "UserName",
    "Password",
    "ServerName",
    "Database",
    "Platform",
    "InterfaceEntity",
    "InterfaceLicense",
)
_ANY_PARAMS = frozenset({"XmlDoc", "Policy"})
_BINARY_PARAMS = frozenset({"Attachment"})


def _element(name: str) -> str:
    if name in _ANY_PARAMS:
        return (
            f'<s:element minOccurs="0" maxOccurs="1" name="{name}"><s:complexType mixed="true">'
            "<s:sequence><s:any /></s:sequence></s:complexType></s:element>"
        )
    kind = "s:base64Binary" if name in _BINARY_PARAMS else "s:string"
    return f'<s:element minOccurs="0" maxOccurs="1" name="{name}" type="{kind}" />'


def _types(interface: Interface) -> str:
    parts = []
    for operation, params in interface.operations.items():
        spelling = DATABASE_SPELLING.get(operation, "Database")
        names = [spelling if c == "Database" else c for c in _CREDENTIALS] + list(params)
        request = "".join(_element(n) for n in names)
        parts.append(
            f'<s:element name="{operation}"><s:complexType><s:sequence>{request}'
            "</s:sequence></s:complexType></s:element>"
            f'<s:element name="{operation}Response"><s:complexType><s:sequence>'
            f'<s:element minOccurs="0" maxOccurs="1" name="{operation}Result">'
            '<s:complexType mixed="true"><s:sequence><s:any /></s:sequence></s:complexType>'
            "</s:element></s:sequence></s:complexType></s:element>"
        )
    return "".join(parts)


def _binding(interface: Interface, suffix: str, prefix: str) -> str:
    ops = "".join(
        f'<wsdl:operation name="{op}"><{prefix}:operation soapAction="{interface.namespace}/{op}" '
        f'style="document" /><wsdl:input><{prefix}:body use="literal" /></wsdl:input>'
        f'<wsdl:output><{prefix}:body use="literal" /></wsdl:output></wsdl:operation>'
        for op in interface.operations
    )
    transport = f'<{prefix}:binding transport="http://schemas.xmlsoap.org/soap/http" />'
    return (
        f'<wsdl:binding name="{interface.asmx}{suffix}" type="tns:{interface.asmx}Soap">'
        f"{transport}{ops}</wsdl:binding>"
    )


def wsdl_text(interface: Interface, location: str) -> str:
    """The WSDL of ``interface`` with its service at ``location``."""
    ns = interface.namespace
    messages = "".join(
        f'<wsdl:message name="{op}SoapIn"><wsdl:part name="parameters" element="tns:{op}" /></wsdl:message>'
        f'<wsdl:message name="{op}SoapOut"><wsdl:part name="parameters" element="tns:{op}Response" />'
        "</wsdl:message>"
        for op in interface.operations
    )
    port_ops = "".join(
        f'<wsdl:operation name="{op}"><wsdl:input message="tns:{op}SoapIn" />'
        f'<wsdl:output message="tns:{op}SoapOut" /></wsdl:operation>'
        for op in interface.operations
    )
    address = quoteattr(location)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<wsdl:definitions xmlns:s="http://www.w3.org/2001/XMLSchema" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" '
        'xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        f'xmlns:tns="{ns}" targetNamespace="{ns}">'
        f'<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="{ns}">'
        f"{_types(interface)}</s:schema></wsdl:types>{messages}"
        f'<wsdl:portType name="{interface.asmx}Soap">{port_ops}</wsdl:portType>'
        f"{_binding(interface, 'Soap', 'soap')}{_binding(interface, 'Soap12', 'soap12')}"
        f'<wsdl:service name="{interface.asmx}">'
        f'<wsdl:port name="{interface.asmx}Soap" binding="tns:{interface.asmx}Soap">'
        f"<soap:address location={address} /></wsdl:port>"
        f'<wsdl:port name="{interface.asmx}Soap12" binding="tns:{interface.asmx}Soap12">'
        f"<soap12:address location={address} /></wsdl:port>"
        "</wsdl:service></wsdl:definitions>"
    )


__all__ = ["wsdl_text"]
