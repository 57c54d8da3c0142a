"""Following redirects without leaving the origin (reliability.md §6, OWASP API10).

httpx's own redirect handling drops ``Authorization`` on a cross-origin hop but keeps
other credential headers (``x-api-key``, Buildium's client secret), so the seam sends with
``follow_redirects=False`` and follows here: only to the same scheme, host and port, at most
``max_redirects`` times. A redirect anywhere else raises before the next request is built.
"""

from __future__ import annotations

import httpx

from coisync.http.errors import HostNotAllowedError, HttpError
from coisync.http.policy import origin_of
from coisync.http.redaction import Redactor


def follow_same_origin_redirects(
    client: httpx.Client,
    original: httpx.Request,
    response: httpx.Response,
    *,
    max_redirects: int,
    redactor: Redactor,
) -> httpx.Response:
    """Follow ``response``'s redirects on ``original``'s origin; return the final response.

    The caller closes the response it passed in; every later hop is closed here on error.

    Raises:
        HostNotAllowedError: A redirect points to another origin; nothing is sent to it.
        HttpError: More than ``max_redirects`` redirects.
    """
    hops = 0
    first = response
    try:
        while response.is_redirect and response.next_request is not None:
            target = response.next_request
            if origin_of(target.url) != origin_of(original.url):
                raise HostNotAllowedError(
                    redactor.url(target.url),
                    f"redirect from {redactor.url(original.url)} to another host is not followed",
                )
            if hops >= max_redirects:
                raise HttpError(
                    f"more than {max_redirects} redirects",
                    method=original.method,
                    url=str(original.url),
                    status=response.status_code,
                    redactor=redactor,
                )
            if response is not first:
                response.close()
            hops += 1
            response = client.send(target, stream=True)
    except BaseException:
        if response is not first:
            response.close()
        raise
    return response
