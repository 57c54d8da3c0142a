"""One choke point that removes secrets from anything logged, raised or shown.

A :class:`Redactor` belongs to one connection. It knows two kinds of things:

* the secret *values* of that connection (passwords, API keys, OAuth tokens as they are
  issued), which are replaced wherever they appear, also percent-encoded;
* sensitive *names* (headers, query parameters, JSON keys, XML elements such as
  ``Authorization``, ``client_secret``, ``<Password>``), whose values are replaced even
  when the value itself is not known, e.g. a token a server sent back.

Every error message, log line and ``repr`` in :mod:`coisync.http` goes through it;
:class:`RedactingFilter` applies it to log records of anything else a handler receives.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable
from urllib.parse import quote, quote_plus

import httpx
from pydantic import SecretStr

PLACEHOLDER = "***"

DEFAULT_SENSITIVE_NAMES: frozenset[str] = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api_key",
        "apikey",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "password",
        "interfacelicense",
    }
)
"""Names (compared case-insensitively) whose values are always hidden."""

DEFAULT_SENSITIVE_FRAGMENTS: tuple[str, ...] = ("secret", "password", "passwd")
"""A name containing one of these (case-insensitively) is sensitive too."""

MIN_SECRET_LENGTH = 4
"""Shorter secret values are not searched for in free text: they would match everywhere.
Their names are still redacted."""

_QUERY_PAIR = re.compile(r"(?P<key>[A-Za-z0-9_.\-\[\]%]+)=(?P<value>[^&#\s\"'<>]*)")
_JSON_PAIR = re.compile(r'"(?P<key>[^"\\]{1,100})"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')
_XML_ELEMENT = re.compile(
    r"<(?P<tag>(?:[A-Za-z_][\w.\-]*:)?(?P<local>[A-Za-z_][\w.\-]*))(?P<attrs>[^<>]*)>"
    r"(?P<value>[^<]*)</(?P=tag)\s*>"
)
_HEADER_LINE = re.compile(r"(?im)^(?P<key>[A-Za-z0-9\-_]+)[ \t]*:[ \t]*(?P<value>\S.*)$")
_AUTH_SCHEME = re.compile(r"(?i)\b(?P<scheme>bearer|basic|digest|token)\s+[A-Za-z0-9\-._~+/]+=*")


@runtime_checkable
class SecretSource(Protocol):
    """Something whose secret values can change over time, such as an OAuth token holder."""

    def secret_values(self) -> Iterable[str]:
        """Return the secret values to hide right now."""
        ...


def _reveal(value: str | SecretStr) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


@functools.lru_cache(maxsize=1024)
def _encoded_forms(secret: str) -> frozenset[str]:
    """``secret`` as it may appear in text.

    Raw, percent-encoded (two ways), and as httpx encodes it in a URL path and in a query
    value, each of which leaves a different set of characters unencoded.
    """
    forms = {secret, quote(secret, safe=""), quote_plus(secret, safe="")}
    try:
        forms.add(httpx.URL("https://h/").copy_with(path="/" + secret).raw_path.decode()[1:])
        forms.add(httpx.URL("https://h/", params={"q": secret}).query.decode()[2:])
    except (httpx.InvalidURL, UnicodeError):  # pragma: no cover - unusual characters
        pass
    return frozenset(form for form in forms if len(form) >= MIN_SECRET_LENGTH)


class Redactor:
    """Scrubs the secrets of one connection from strings, URLs, headers and bodies.

    Args:
        secrets: Known secret values (``SecretStr`` or plain strings).
        sources: Objects asked for their current secrets on every scrub (e.g. auth objects
            that hold tokens fetched at run time).
        sensitive_names: Header, parameter, JSON-key and XML-element names whose values are
            always hidden, compared case-insensitively.
        sensitive_fragments: Substrings that make any name sensitive.
    """

    def __init__(
        self,
        secrets: Iterable[str | SecretStr] = (),
        *,
        sources: Iterable[SecretSource] = (),
        sensitive_names: Iterable[str] = DEFAULT_SENSITIVE_NAMES,
        sensitive_fragments: Iterable[str] = DEFAULT_SENSITIVE_FRAGMENTS,
    ) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._sources: list[SecretSource] = list(sources)
        self._names = frozenset(name.lower() for name in sensitive_names)
        self._fragments = tuple(fragment.lower() for fragment in sensitive_fragments)
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, value: str | SecretStr) -> None:
        """Remember one more secret value (thread-safe)."""
        text = _reveal(value)
        if text:
            with self._lock:
                self._secrets.add(text)

    def add_source(self, source: SecretSource) -> None:
        """Ask ``source`` for its secrets on every future scrub."""
        with self._lock:
            self._sources.append(source)

    def is_sensitive_name(self, name: str) -> bool:
        """Whether values under ``name`` are always hidden."""
        lowered = name.lower().strip()
        local = lowered.rsplit(":", 1)[-1]
        return local in self._names or any(fragment in local for fragment in self._fragments)

    def scrub(self, text: str) -> str:
        """Hide every known secret value and every value under a sensitive name in ``text``."""
        if not text:
            return text
        for secret in self._search_terms():
            # Repeat: removing one occurrence can join its neighbours into another one.
            while secret in text:
                text = text.replace(secret, PLACEHOLDER)
        text = _AUTH_SCHEME.sub(lambda m: f"{m.group('scheme')} {PLACEHOLDER}", text)
        text = _HEADER_LINE.sub(self._hide_match, text)
        text = _JSON_PAIR.sub(self._hide_match, text)
        text = _XML_ELEMENT.sub(self._hide_xml, text)
        return _QUERY_PAIR.sub(self._hide_match, text)

    def url(self, url: httpx.URL | str) -> str:
        """Return ``url`` for display: no user info or fragment, secrets hidden.

        Path and query values are decoded before they are scrubbed, so a secret is found
        however it was percent-encoded; the result is for reading, not for sending.
        """
        parsed = httpx.URL(str(url)) if not isinstance(url, httpx.URL) else url
        port = f":{parsed.port}" if parsed.port else ""
        text = f"{parsed.scheme}://{parsed.host}{port}{self.scrub(parsed.path)}"
        if parsed.query:
            pairs = [
                f"{self.scrub(key)}={PLACEHOLDER if self.is_sensitive_name(key) else value}"
                for key, value in parsed.params.multi_items()
            ]
            text += "?" + "&".join(pairs)
        return self.scrub(text)

    def headers(self, headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
        """Return a copy of ``headers`` with sensitive header values hidden."""
        items = headers.multi_items() if isinstance(headers, httpx.Headers) else headers.items()
        return {
            key: PLACEHOLDER if self.is_sensitive_name(key) else self.scrub(value) for key, value in items
        }

    def body(self, content: bytes | str, *, limit: int = 300) -> str:
        """Return a scrubbed, single-line excerpt of a body of at most ``limit`` characters."""
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        # Scrub before truncating so a secret cut in half cannot survive.
        text = " ".join(self.scrub(text).split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _search_terms(self) -> list[str]:
        with self._lock:
            values = set(self._secrets)
            sources = list(self._sources)
        for source in sources:
            values.update(value for value in source.secret_values() if value)
        terms: set[str] = set()
        for value in values:
            if len(value) >= MIN_SECRET_LENGTH:
                terms.update(_encoded_forms(value))
        # Longest first, so a secret containing another is replaced whole.
        return sorted(terms, key=len, reverse=True)

    def _hide_match(self, match: re.Match[str]) -> str:
        if not self.is_sensitive_name(match.group("key")):
            return match.group(0)
        start, end = match.span("value")
        whole_start = match.start(0)
        text = match.group(0)
        return text[: start - whole_start] + PLACEHOLDER + text[end - whole_start :]

    def _hide_xml(self, match: re.Match[str]) -> str:
        if not self.is_sensitive_name(match.group("local")):
            return match.group(0)
        tag, attrs = match.group("tag"), match.group("attrs")
        return f"<{tag}{attrs}>{PLACEHOLDER}</{tag}>"

    def __repr__(self) -> str:
        with self._lock:
            count = len(self._secrets)
        return f"Redactor(secrets={count}, sources={len(self._sources)})"


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs the message and traceback of every record it sees.

    Attach it to a *handler* (filters on a logger do not see records from child loggers)::

        handler.addFilter(RedactingFilter(redactor))

    Args:
        redactor: The redactor to apply.
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        _scrub_record(record, [self.redactor])
        return True


def _scrub_record(record: logging.LogRecord, redactors: Iterable[Redactor]) -> None:
    message = record.getMessage()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    for redactor in redactors:
        message = redactor.scrub(message)
        if record.exc_text:
            record.exc_text = redactor.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = redactor.scrub(record.stack_info)
    record.msg = message
    record.args = None


LIBRARY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
"""Loggers of the HTTP libraries; httpx logs full URLs, httpcore logs response headers."""


class _LibraryLogRedaction(logging.Filter):
    """Scrubs the HTTP libraries' own log records with every live connection's redactor."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()
        self._default = Redactor()

    def add(self, redactor: Redactor) -> None:
        with self._lock:
            self._redactors.add(redactor)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            redactors = [self._default, *self._redactors]
        _scrub_record(record, redactors)
        return True


_LIBRARY_FILTER = _LibraryLogRedaction()


def redact_library_logs(redactor: Redactor) -> None:
    """Scrub the HTTP libraries' log records with ``redactor`` while it is alive.

    Attaches one shared filter to :data:`LIBRARY_LOGGERS` (idempotent) and registers the
    redactor weakly, so finished connections do not accumulate.
    """
    _LIBRARY_FILTER.add(redactor)
    for name in LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        if _LIBRARY_FILTER not in library_logger.filters:
            library_logger.addFilter(_LIBRARY_FILTER)
