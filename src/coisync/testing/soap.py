"""The kit's helpers for SOAP connectors, whose credentials travel inside the request body.

* :class:`SoapRecordingTransport` remembers the values of secret elements (``<Password>``,
  ``<InterfaceLicense>``, ...) of every request body, so the secret checks of the
  conformance kit see what crossed the wire.
* :class:`SoapCassetteScrubber` replaces those values with placeholders (``<PASSWORD>``) in
  recorded bodies, besides everything :class:`~coisync.testing.cassettes.CassetteScrubber` does.
* :func:`soap_cassette_vcr` records and replays SOAP calls matched on method, URL and the
  normalised body (every SOAP call is a POST; the body names the operation).
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import vcr
from vcr.request import Request

from coisync.testing.cassettes import CassetteScrubber, cassette_vcr, placeholder
from coisync.testing.harness import EmulatorEndpoint, RecordingTransport

SECRET_ELEMENT = re.compile(
    r"(pass(word|wd)?|secret|token|licen[cs]e|api[_-]?key|credential)$", re.IGNORECASE
)
"""Local names of elements whose text is a credential."""

_ELEMENT = re.compile(
    r"<(?P<tag>(?:[A-Za-z_][\w.\-]*:)?(?P<local>[A-Za-z_][\w.\-]*))(?P<attrs>[^<>]*?)>(?P<value>[^<]*)</(?P=tag)\s*>"
)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
_BETWEEN_TAGS = re.compile(r">\s+<")


def secret_element_values(text: str) -> set[str]:
    """The text of every secret-named element in ``text``."""
    return {m["value"] for m in _ELEMENT.finditer(text) if SECRET_ELEMENT.search(m["local"]) and m["value"]}


def scrub_secret_elements(text: str) -> str:
    """``text`` with the value of every secret-named element replaced by its placeholder."""

    def hide(match: re.Match[str]) -> str:
        if not SECRET_ELEMENT.search(match["local"]) or not match["value"]:
            return match.group(0)
        return f"<{match['tag']}{match['attrs']}>{placeholder(match['local'])}</{match['tag']}>"

    return _ELEMENT.sub(hide, text)


def normalised_soap_body(body: bytes | str | None) -> str:
    """A SOAP body as compared on replay: secret elements and timestamps replaced, whitespace between tags gone."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return _TIMESTAMP.sub("<timestamp>", _BETWEEN_TAGS.sub("><", scrub_secret_elements(text)))


def soap_body_matcher(r1: Request, r2: Request) -> None:
    """vcrpy matcher: the normalised bodies must be equal.

    Raises:
        AssertionError: The bodies differ (vcrpy's way of saying "no match").
    """
    assert normalised_soap_body(r1.body) == normalised_soap_body(r2.body), "SOAP bodies differ"


class SoapCassetteScrubber(CassetteScrubber):
    """A :class:`CassetteScrubber` that also hides the values of secret XML elements."""

    def body(self, body: bytes | str | None, content_type: str = "") -> bytes | str | None:
        """Secret elements replaced, then the base scrubbing (literal secrets, origins)."""
        if not body:
            return body
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        scrubbed = super().body(scrub_secret_elements(text), content_type)
        if isinstance(body, bytes) and isinstance(scrubbed, str):
            return scrubbed.encode("utf-8")
        return scrubbed


def soap_cassette_vcr(directory: Path, scrubber: CassetteScrubber, *, record: bool = False) -> vcr.VCR:
    """:func:`~coisync.testing.cassettes.cassette_vcr` matching every request on its SOAP body."""
    recorder = cassette_vcr(directory, scrubber, record=record)
    recorder.register_matcher("write_body", soap_body_matcher)
    return recorder


class SoapRecordingTransport(RecordingTransport):
    """A :class:`~coisync.testing.harness.RecordingTransport` that also keeps body credentials."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Keep the secret element values of the request body, then send it."""
        content = request.read()
        if content:
            self.credentials.update(secret_element_values(content.decode("utf-8", "replace")))
        return super().handle_request(request)


def wrap_transport(endpoint: EmulatorEndpoint) -> None:
    """Make an :class:`~coisync.testing.harness.EmulatorEndpoint` record body credentials too.

    Sessions built by the endpoint's factory afterwards send through the wrapping transport.
    """
    inner = endpoint.transport
    wrapped = SoapRecordingTransport(inner.inner)
    wrapped.credentials = inner.credentials
    wrapped.requests = inner.requests
    endpoint.transport = wrapped


__all__ = [
    "SECRET_ELEMENT",
    "SoapCassetteScrubber",
    "SoapRecordingTransport",
    "normalised_soap_body",
    "scrub_secret_elements",
    "secret_element_values",
    "soap_body_matcher",
    "soap_cassette_vcr",
    "wrap_transport",
]
