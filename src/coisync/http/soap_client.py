"""Calling SOAP operations through the HTTP seam, and classifying SOAP responses.

:func:`call_operation` builds a document/literal envelope, sends it with
:meth:`~coisync.http.client.HttpSession.request` (read-only operations as ``idempotent=True``,
so a timeout is retried; imports are not) and parses the answer safely
(:func:`coisync.http.soap.parse_xml`). :class:`SoapResponseClassifier` is the
:class:`~coisync.http.retry.ResponseClassifier` for SOAP platforms: a ``Client`` fault is the
request's fault and never retried, a ``Server`` fault follows the status (5xx retried), and a
response that declares a DTD or entities is refused before anything reads it. Platforms that
report errors inside HTTP 200 subclass it and override :meth:`SoapResponseClassifier.inspect`.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element

import httpx

from coisync.http.client import HttpSession
from coisync.http.errors import HttpError, InvalidResponseError
from coisync.http.responses import EXCERPT_SOURCE_CHARS
from coisync.http.retry import Action, ResponseClassifier
from coisync.http.soap import (
    SOAP_1_1,
    ParamValue,
    SoapFormatError,
    SoapMessage,
    SoapVersion,
    UnsafeXmlError,
    build_envelope,
    embedded_document,
    parse_envelope,
    result_element,
)


class SoapFaultError(HttpError):
    """The platform answered with a SOAP fault that blames the request (``soap:Client``)."""


class UnsafeXmlResponseError(InvalidResponseError):
    """The response declares a DTD or entities (an XML bomb or external entity); it was not read."""


def _error(
    cls: type[HttpError], message: str, response: httpx.Response, *, excerpt: bool = True
) -> HttpError:
    return cls(
        message,
        method=response.request.method,
        url=str(response.request.url),
        status=response.status_code,
        body_excerpt=response.text[:EXCERPT_SOURCE_CHARS] if excerpt else "",
    )


def parse_response(response: httpx.Response) -> SoapMessage:
    """The response's envelope, parsed safely.

    Raises:
        UnsafeXmlResponseError: The body declares a DTD or entities (no excerpt is kept).
        InvalidResponseError: The body is not a SOAP envelope.
    """
    try:
        return parse_envelope(response.content)
    except UnsafeXmlError as exc:
        raise _error(UnsafeXmlResponseError, str(exc), response, excerpt=False) from None
    except SoapFormatError as exc:
        raise _error(InvalidResponseError, f"the response is not a SOAP envelope: {exc}", response) from None


class SoapResponseClassifier(ResponseClassifier):
    """Classifies SOAP responses; override :meth:`inspect` for errors reported inside HTTP 200."""

    def classify(self, response: httpx.Response) -> Action:
        """Refuse unsafe XML, fail on ``Client`` faults, then let :meth:`inspect` look at 2xx answers.

        Raises:
            UnsafeXmlResponseError: The body declares a DTD or entities.
            SoapFaultError: A ``soap:Client`` fault (not retried).
        """
        action = super().classify(response)
        if not response.content.strip() or "xml" not in response.headers.get("Content-Type", ""):
            return action
        try:
            message = parse_envelope(response.content)
        except UnsafeXmlError as exc:
            raise _error(UnsafeXmlResponseError, str(exc), response, excerpt=False) from None
        except SoapFormatError:
            return action  # not an envelope: the status decides; the caller reports a bad body
        fault = message.fault()
        if fault is not None:
            if fault.is_client_error and action is not Action.RATE_LIMITED:
                raise _error(SoapFaultError, f"the platform refused the request: {fault.message}", response)
            return action
        if action is Action.OK:
            return self.inspect(response, message)
        return action

    def inspect(self, response: httpx.Response, message: SoapMessage) -> Action:
        """Look inside a successful envelope; the default accepts it.

        A platform subclass returns ``Action.RATE_LIMITED`` for a throttling message, or raises
        a :class:`~coisync.errors.CoisyncError` for a login failure or a configuration problem.
        """
        return Action.OK


def call_operation(
    session: HttpSession,
    path: str,
    *,
    operation: str,
    namespace: str,
    params: Iterable[tuple[str, ParamValue]],
    version: SoapVersion = SOAP_1_1,
    read_only: bool = True,
) -> Element | None:
    """Call one document/literal operation; return the document inside ``<{operation}Result>``.

    Args:
        session: The connection's session.
        path: The service path (e.g. ``/webservices/ItfCommonData.asmx``).
        operation: The operation name.
        namespace: The operation's namespace; the action is ``{namespace}/{operation}``.
        params: The body's parameters in order.
        version: SOAP 1.1 or 1.2.
        read_only: Whether the operation only reads (then it is safe to resend after a timeout).

    Returns:
        The result's document element (child elements or escaped XML text), or ``None`` when
        the result is empty. A text-only result comes back as an element named ``#text``.

    Raises:
        HttpError: The request failed (see :class:`SoapResponseClassifier`).
        UnsafeXmlResponseError: The response declares a DTD or entities.
        InvalidResponseError: The response is not the operation's envelope.
    """
    body = build_envelope(operation, namespace, params, version=version)
    headers = version.request_headers(f"{namespace}/{operation}")
    response = session.request("POST", path, content=body, headers=headers, idempotent=read_only)
    message = parse_response(response)
    if message.name != f"{operation}Response":
        raise _error(InvalidResponseError, f"expected {operation}Response, got {message.name}", response)
    result = result_element(message, operation)
    if result is None:
        return None
    try:
        document = embedded_document(result)
    except UnsafeXmlError as exc:
        raise _error(UnsafeXmlResponseError, str(exc), response, excerpt=False) from None
    except SoapFormatError:
        text = Element("#text")
        text.text = (result.text or "").strip()
        return text
    return document


__all__ = [
    "SoapFaultError",
    "SoapResponseClassifier",
    "UnsafeXmlResponseError",
    "call_operation",
    "parse_response",
]
