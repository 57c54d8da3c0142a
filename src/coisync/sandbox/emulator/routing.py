"""A tiny router over werkzeug's URL map, plus response helpers and an HTTP error type.

Handlers are plain callables ``handler(request, **url_args) -> Response``. A handler signals
an error response by raising :class:`HttpError`; the emulator turns it into the platform's own
error shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

Handler = Callable[..., Response]
"""``handler(request, **url_args) -> Response``."""


class HttpError(Exception):
    """An error response a handler wants sent.

    Args:
        status: The HTTP status code.
        payload: The JSON body (already in the platform's error shape), or ``None`` to let
            the emulator build its default error body from ``message``.
        message: A human-readable summary, used when ``payload`` is ``None``.
        headers: Extra response headers (e.g. ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        payload: Any = None,
        *,
        message: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}".strip())
        self.status = status
        self.payload = payload
        self.message = message
        self.headers = dict(headers or {})


class Router:
    """Maps ``(method, path)`` to handlers with werkzeug ``Rule`` syntax (``/x/<int:id>``)."""

    def __init__(self) -> None:
        self._map = Map(strict_slashes=False, merge_slashes=False)
        self._handlers: dict[str, Handler] = {}

    def add(self, path: str, methods: Iterable[str], handler: Handler) -> None:
        """Register ``handler`` for ``path`` and the given HTTP methods.

        Args:
            path: A werkzeug rule string, e.g. ``/rest/v1.0/companies/<int:company_id>/insurances``.
            methods: HTTP methods such as ``("GET", "POST")``.
            handler: Called as ``handler(request, **url_args)``.
        """
        endpoint = f"e{len(self._handlers)}"
        self._handlers[endpoint] = handler
        self._map.add(Rule(path, methods=[m.upper() for m in methods], endpoint=endpoint))

    def match(self, request: Request) -> tuple[Handler, dict[str, Any]]:
        """Find the handler for ``request``.

        Raises:
            HttpError: 404 when no rule matches the path, 405 when the method is not allowed
                (with an ``Allow`` header).
        """
        adapter = self._map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match(path_info=request.path, method=request.method)
        except MethodNotAllowed as exc:
            allow = ", ".join(sorted(exc.valid_methods or ()))
            raise HttpError(405, message="method not allowed", headers={"Allow": allow}) from None
        except NotFound:
            raise HttpError(404, message="not found") from None
        return self._handlers[str(endpoint)], dict(args)


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response (``application/json; charset=utf-8``)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, content_type="application/json; charset=utf-8")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def xml_response(text: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """An XML response (``text/xml; charset=utf-8``)."""
    response = Response(text, status=status, content_type="text/xml; charset=utf-8")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def empty_response(status: int = 204, headers: Mapping[str, str] | None = None) -> Response:
    """A response without a body (e.g. ``204 No Content``)."""
    response = Response(b"", status=status)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def read_json(request: Request) -> Any:
    """Parse the request body as JSON.

    Raises:
        HttpError: 400 when the body is empty or not JSON.
    """
    raw = request.get_data(cache=True)
    if not raw:
        raise HttpError(400, message="request body is empty; JSON expected")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, message="request body is not valid JSON") from None
