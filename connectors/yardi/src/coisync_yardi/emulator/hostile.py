"""Hostile response bodies the emulator can serve (``YardiSettings.hostile``) to test clients.

* ``xml_bomb``: the "billion laughs" entity expansion (ten levels of ten-fold references);
  a parser that expands entities needs gigabytes of memory for it.
* ``external_entity``: an external entity pointing at a local file (XXE); a parser that
  resolves it would read the file into the vendor id.

Both put their document type declaration before the envelope, where a DTD must be.
"""

from __future__ import annotations

from coisync.http.soap import SoapVersion

EXTERNAL_ENTITY_TARGET = "file:///etc/passwd"


def _bomb_dtd() -> str:
    levels = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        refs = "".join(f"&lol{level - 1};" for _ in range(10))
        levels.append(f'<!ENTITY lol{level} "{refs}">')
    return "<!DOCTYPE soap:Envelope [" + "".join(levels) + "]>"


def hostile_body(kind: str, operation: str, namespace: str, version: SoapVersion) -> bytes:
    """A complete response envelope for ``operation`` carrying the hostile construct ``kind``."""
    if kind == "xml_bomb":
        dtd, payload = _bomb_dtd(), "&lol9;"
    else:
        dtd = f'<!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "{EXTERNAL_ENTITY_TARGET}">]>'
        payload = "&xxe;"
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{dtd}'
        f'<soap:Envelope xmlns:soap="{version.envelope_ns}"><soap:Body>'
        f'<{operation}Response xmlns="{namespace}"><{operation}Result>'
        f'<Vendors xmlns="http://yardi.com/Vendor"><Vendor><VendorId>{payload}</VendorId>'
        "<Name>Hostile</Name></Vendor></Vendors>"
        f"</{operation}Result></{operation}Response></soap:Body></soap:Envelope>"
    ).encode()


__all__ = ["EXTERNAL_ENTITY_TARGET", "hostile_body"]
