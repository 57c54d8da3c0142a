"""The paginator contract: small objects that say how to get the next page.

Contract (dlt / Singer style)::

    request = paginator.first_request(params)          # a PageRequest
    ... send it, decode the body ...
    records = paginator.records(body)
    request = paginator.next_request(response, body)   # a PageRequest, or None when done

A :class:`PageRequest` carries query parameters for the same path, or a full ``url`` when
the platform hands out next links. Every paginator refuses a cursor or link it has seen
before (:class:`~coisync.http.errors.PaginationLoopError`) and stops at ``max_pages``
(:class:`~coisync.http.errors.PaginationLimitError`).

The built-in paginators and the name registry live in :mod:`coisync.http.paginators`.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from coisync.http.errors import InvalidResponseError, PaginationLimitError, PaginationLoopError

DEFAULT_MAX_PAGES = 10_000
Params = dict[str, Any]


@dataclass(frozen=True)
class PageRequest:
    """Where the next page is: query parameters for the same path, or a full URL.

    Attributes:
        params: Query parameters (used when ``url`` is ``None``).
        url: An absolute next link, already carrying its query; the host policy checks it.
    """

    params: Mapping[str, Any] = field(default_factory=dict)
    url: str | None = None


class Paginator(abc.ABC):
    """Base class of paginators.

    Args:
        max_pages: The most pages one listing may have.
    """

    name: ClassVar[str] = ""

    def __init__(self, *, max_pages: int = DEFAULT_MAX_PAGES) -> None:
        if max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        self.max_pages = max_pages
        self._seen: set[str] = set()
        self._pages = 0

    def first_request(self, params: Mapping[str, Any]) -> PageRequest:
        """Start a listing (resets the loop and page-count state)."""
        self._seen = set()
        self._pages = 1
        return PageRequest(params=self._first_params(dict(params)))

    @abc.abstractmethod
    def next_request(self, response: httpx.Response, body: Any) -> PageRequest | None:
        """The request for the page after ``response``, or ``None`` when it was the last."""

    def records(self, body: Any) -> list[Any]:
        """The records on a page; by default the body itself when it is a JSON array."""
        if isinstance(body, list):
            return body
        raise InvalidResponseError(f"expected a JSON array of records, got {type(body).__name__}")

    def _first_params(self, params: Params) -> Params:
        return params

    def _advance(self, token: str) -> None:
        """Register the cursor of the next page; refuse repeats and too many pages."""
        if token in self._seen:
            raise PaginationLoopError(
                f"{self.name} paging returned a next-page cursor it had already returned "
                f"(after {self._pages} pages); stopping instead of looping"
            )
        self._seen.add(token)
        self._pages += 1
        if self._pages > self.max_pages:
            raise PaginationLimitError(
                f"{self.name} paging passed {self.max_pages} pages; raise max_pages if "
                "the listing really is that long"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_pages={self.max_pages})"


@dataclass(frozen=True)
class Page:
    """One page of a listing.

    Attributes:
        number: 1 for the first page.
        records: The records on the page.
        body: The decoded JSON body.
        response: The loaded response.
        request: The request that fetched the page.
        next_request: The request for the following page, or ``None`` on the last page.
    """

    number: int
    records: list[Any]
    body: Any
    response: httpx.Response
    request: PageRequest
    next_request: PageRequest | None


def records_under(body: Any, key: str) -> list[Any]:
    """The list under ``key`` of a JSON object body.

    Raises:
        InvalidResponseError: The body is not an object with a list under ``key``.
    """
    records = body.get(key) if isinstance(body, dict) else None
    if not isinstance(records, list):
        raise InvalidResponseError(f"expected a JSON object with a {key!r} array of records")
    return records


def int_header(response: httpx.Response, name: str) -> int | None:
    """A non-negative integer header, or ``None`` when absent or malformed."""
    value = response.headers.get(name, "").strip()
    return int(value) if value.isdigit() else None
