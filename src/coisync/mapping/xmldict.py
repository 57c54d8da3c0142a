"""XML records as dicts, so mapping paths into XML look like paths into JSON.

Conventions (the same as the common ``xmltodict`` ones, namespaces dropped):

* an element with only text becomes that text (``<Name>Hartford</Name>`` -> ``"Hartford"``);
  an empty element becomes ``None``;
* attributes become ``"@name"`` keys, and the text of an element that also has attributes or
  children becomes ``"#text"``;
* a child element that repeats becomes a list; one that appears once stays a dict (paths with a
  selector such as ``Field[@Name=COIStatus]`` accept both).

Parsing goes through ``defusedxml``, so entity-expansion attacks in platform responses fail.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


def element_to_value(element: Element) -> Any:
    """One element as a value (text, ``None`` or a dict), following the module's conventions."""
    result: dict[str, Any] = {f"@{_local(key)}": value for key, value in element.attrib.items()}
    for child in element:
        name = _local(child.tag)
        value = element_to_value(child)
        if name in result:
            existing = result[name]
            if isinstance(existing, list):
                existing.append(value)
            else:
                result[name] = [existing, value]
        else:
            result[name] = value
    text = (element.text or "").strip()
    if not result:
        return text or None
    if text:
        result["#text"] = text
    return result


def xml_to_dict(xml: str | bytes | Element) -> dict[str, Any]:
    """An XML document (or element) as ``{root_tag: value}``.

    Args:
        xml: XML text or bytes, or an already parsed element.

    Returns:
        A one-key dict named after the root element.
    """
    root = xml if isinstance(xml, Element) else ElementTree.fromstring(xml)
    return {_local(root.tag): element_to_value(root)}


__all__ = ["element_to_value", "xml_to_dict"]
