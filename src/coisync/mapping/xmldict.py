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
from xml.etree.ElementTree import Element, SubElement

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


def _fill(element: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "#text":
                element.text = None if item is None else str(item)
            elif key.startswith("@"):
                if item is not None:
                    element.set(key[1:], str(item))
            else:
                for entry in item if isinstance(item, list) else [item]:
                    _fill(SubElement(element, key), entry)
    elif value is not None:
        element.text = ("true" if value else "false") if isinstance(value, bool) else str(value)


def value_to_element(name: str, value: Any) -> Element:
    """The inverse of :func:`element_to_value`: a dict (or text) as an element called ``name``.

    ``"@name"`` keys become attributes, ``"#text"`` the text, a list repeats its element, ``None``
    leaves the element empty and booleans are written ``true``/``false``. Use it to build
    documents from reverse-mapped payloads (the same paths the forward mapping reads).
    """
    element = Element(name)
    _fill(element, value)
    return element


__all__ = ["element_to_value", "value_to_element", "xml_to_dict"]
