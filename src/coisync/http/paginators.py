"""The built-in paginators and the registry that picks one by name.

======================  ===================================================  ==========
name                    how the next page is found                           platform
======================  ===================================================  ==========
``none``                a single request                                     Yardi
``page_link``           ``page``/``per_page``, ``Link: rel="next"``, Total   Procore
``offset_total``        ``offset``/``limit`` against a total-count header    Buildium
``cursor``              JSON:API ``page[after]`` taken from ``links.next``   VTS
``odata``               ``$top``/``$skip``, then the body's ``nextLink``     MRI
======================  ===================================================  ==========

Register more with :func:`register_paginator`; build one with :func:`create_paginator`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from coisync.errors import ConfigError
from coisync.http.paging import (
    DEFAULT_MAX_PAGES,
    PageRequest,
    Paginator,
    Params,
    int_header,
    records_under,
)


class SinglePage(Paginator):
    """One request, no paging (Yardi). A JSON object body is one record."""

    name = "none"

    def next_request(self, response: httpx.Response, body: Any) -> PageRequest | None:
        """Always ``None``."""
        return None

    def records(self, body: Any) -> list[Any]:
        """A JSON array as it is, anything else as a single record."""
        if isinstance(body, list):
            return body
        return [] if body is None else [body]


class PageNumberLinkPaginator(Paginator):
    """``page``/``per_page`` parameters; next page from ``Link: rel="next"`` (Procore).

    Without a ``Link`` header, the ``Total`` and ``Per-Page`` headers decide whether
    another page exists; without those either, a short or empty page ends the listing.

    Args:
        page_size: Records per page.
        page_param: The page-number parameter (1-based).
        size_param: The page-size parameter.
        total_header: The header holding the total record count.
        max_pages: The most pages one listing may have.
    """

    name = "page_link"

    def __init__(
        self,
        *,
        page_size: int = 100,
        page_param: str = "page",
        size_param: str = "per_page",
        total_header: str = "Total",
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        super().__init__(max_pages=max_pages)
        self.page_size = page_size
        self.page_param = page_param
        self.size_param = size_param
        self.total_header = total_header
        self._page = 1
        self._params: Params = {}

    def _first_params(self, params: Params) -> Params:
        self._page = 1
        self._params = params | {self.page_param: 1, self.size_param: self.page_size}
        return self._params

    def next_request(self, response: httpx.Response, body: Any) -> PageRequest | None:
        """Follow ``Link: rel="next"``, else count pages against ``Total``."""
        link = response.links.get("next", {}).get("url")
        if link:
            self._advance(link)
            self._page += 1
            return PageRequest(url=str(response.url.join(link)))
        if response.headers.get("Link") is not None:
            return None  # a Link header without rel=next: this was the last page
        count = len(self.records(body))
        per_page = int_header(response, "Per-Page") or self.page_size
        total = int_header(response, self.total_header)
        more = self._page * per_page < total if total is not None else count >= per_page > 0
        if not more or count == 0:
            return None
        self._page += 1
        self._advance(f"page={self._page}")
        return PageRequest(params=self._params | {self.page_param: self._page})


class OffsetTotalPaginator(Paginator):
    """``offset``/``limit`` parameters; total count in a header (Buildium ``X-Total-Count``).

    Args:
        page_size: Records per page (``limit``).
        offset_param: The offset parameter (0-based).
        limit_param: The limit parameter.
        total_header: The header holding the total record count; without it, a short page
            ends the listing.
        records_key: When set, records are under this key of a JSON object body.
        max_pages: The most pages one listing may have.
    """

    name = "offset_total"

    def __init__(
        self,
        *,
        page_size: int = 100,
        offset_param: str = "offset",
        limit_param: str = "limit",
        total_header: str = "X-Total-Count",
        records_key: str | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        super().__init__(max_pages=max_pages)
        self.page_size = page_size
        self.offset_param = offset_param
        self.limit_param = limit_param
        self.total_header = total_header
        self.records_key = records_key
        self._offset = 0
        self._params: Params = {}

    def _first_params(self, params: Params) -> Params:
        self._offset = int(params.get(self.offset_param, 0))
        self._params = params | {self.offset_param: self._offset, self.limit_param: self.page_size}
        return self._params

    def records(self, body: Any) -> list[Any]:
        """The body array, or the array under ``records_key``."""
        return records_under(body, self.records_key) if self.records_key else super().records(body)

    def next_request(self, response: httpx.Response, body: Any) -> PageRequest | None:
        """Advance the offset by the records received, until the total is reached."""
        count = len(self.records(body))
        if count == 0:
            return None
        self._offset += count
        total = int_header(response, self.total_header)
        if (total is not None and self._offset >= total) or (total is None and count < self.page_size):
            return None
        self._advance(f"offset={self._offset}")
        return PageRequest(params=self._params | {self.offset_param: self._offset})


class JsonApiCursorPaginator(Paginator):
    """JSON:API cursor paging (VTS): ``page[after]`` taken from ``links.next``.

    Args:
        page_size: Records per page (``page[size]``).
        cursor_param: The cursor parameter read from the next link and sent back.
        size_param: The page-size parameter.
        max_pages: The most pages one listing may have.
    """

    name = "cursor"

    def __init__(
        self,
        *,
        page_size: int = 100,
        cursor_param: str = "page[after]",
        size_param: str = "page[size]",
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        super().__init__(max_pages=max_pages)
        self.page_size = page_size
        self.cursor_param = cursor_param
        self.size_param = size_param
        self._params: Params = {}

    def _first_params(self, params: Params) -> Params:
        self._params = params | {self.size_param: self.page_size}
        return self._params

    def records(self, body: Any) -> list[Any]:
        """The ``data`` array."""
        return records_under(body, "data")

    def next_request(self, response: httpx.Response, body: Any) -> PageRequest | None:
        """Read the cursor from ``links.next``; no link (or no cursor in it) ends paging."""
        links = body.get("links") if isinstance(body, dict) else None
        next_link = links.get("next") if isinstance(links, dict) else None
        if not next_link or not isinstance(next_link, str):
            return None
        cursor = httpx.URL(next_link).params.get(self.cursor_param)
        if not cursor:
            return None
        self._advance(cursor)
        return PageRequest(params=self._params | {self.cursor_param: cursor})


class ODataNextLinkPaginator(Paginator):
    """``$top``/``$skip`` first, then the body's ``nextLink`` (MRI, OData v3/v4 names).

    Args:
        page_size: Records per page (``$top``).
        max_pages: The most pages one listing may have.
    """

    name = "odata"
    next_link_keys: ClassVar[tuple[str, ...]] = ("nextLink", "odata.nextLink", "@odata.nextLink")

    def __init__(self, *, page_size: int = 300, max_pages: int = DEFAULT_MAX_PAGES) -> None:
        super().__init__(max_pages=max_pages)
        self.page_size = page_size

    def _first_params(self, params: Params) -> Params:
        return params | {"$top": self.page_size, "$skip": params.get("$skip", 0)}

    def records(self, body: Any) -> list[Any]:
        """The ``value`` array."""
        return records_under(body, "value")

    def next_request(self, response: httpx.Response, body: Any) -> PageRequest | None:
        """Follow the ``nextLink`` (absolute, or relative to the response URL)."""
        if not isinstance(body, dict):
            return None
        link = next((body[k] for k in self.next_link_keys if body.get(k)), None)
        if not isinstance(link, str):
            return None
        self._advance(link)
        return PageRequest(url=str(response.url.join(link)))


PAGINATORS: dict[str, type[Paginator]] = {}
"""Paginator classes by name."""


def register_paginator(name: str, cls: type[Paginator]) -> None:
    """Make ``cls`` available to :func:`create_paginator` as ``name``.

    Raises:
        TypeError: ``cls`` is not a :class:`Paginator` subclass.
        ValueError: Another class is already registered under ``name``.
    """
    if not (isinstance(cls, type) and issubclass(cls, Paginator)):
        raise TypeError(f"{cls!r} is not a Paginator subclass")
    existing = PAGINATORS.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(f"paginator {name!r} is already registered as {existing.__name__}")
    PAGINATORS[name] = cls


for _cls in (
    SinglePage,
    PageNumberLinkPaginator,
    OffsetTotalPaginator,
    JsonApiCursorPaginator,
    ODataNextLinkPaginator,
):
    register_paginator(_cls.name, _cls)


def create_paginator(spec: str | Mapping[str, Any] | Paginator) -> Paginator:
    """Build a paginator from a name, a ``{"type": name, **options}`` mapping, or an instance.

    Raises:
        ConfigError: The name is unknown (the message lists the valid ones) or an option
            is not accepted.
    """
    if isinstance(spec, Paginator):
        return spec
    options = dict(spec) if isinstance(spec, Mapping) else {"type": spec}
    name = options.pop("type", None)
    cls = PAGINATORS.get(name) if isinstance(name, str) else None
    if cls is None:
        valid = ", ".join(sorted(PAGINATORS))
        raise ConfigError("paginator", f"unknown paginator {name!r}", f"use one of: {valid}")
    try:
        return cls(**options)
    except TypeError as exc:
        raise ConfigError("paginator", f"bad options for {name!r}: {exc}") from None
