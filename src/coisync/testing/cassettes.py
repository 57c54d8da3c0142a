"""Cassettes every connector records the same way: secrets scrubbed, writes matched on their body.

:func:`cassette_vcr` builds a ``vcr.VCR`` that

* scrubs requests **and** responses with a :class:`CassetteScrubber`: secret headers
  (``Authorization``, cookies, API keys) and secret-named query, form and JSON keys
  (``client_secret``, ``access_token``, ...) become placeholders (``<CLIENT_SECRET>``), never
  dropped; the origin of the served emulator becomes a stable one; literal secrets (the canary
  credentials) are replaced wherever they appear;
* saves through a persister that scrubs every interaction again right before writing, so a
  vcrpy path that skips ``before_record_*`` (vcrpy #961/#983) cannot leak;
* matches method, URL and query, and for writes the body after :func:`normalised_body`
  (secrets, timestamps and UUIDs replaced, JSON keys sorted), so a changed payload fails replay;
* replays with ``record_mode="none"``: an unrecorded request raises instead of reaching a network.

Recordings use :data:`CANARY_CLIENT_ID` and :data:`CANARY_SECRET`, so a scan of every cassette
for them proves the scrubbing works.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import vcr
from vcr.persisters.filesystem import FilesystemPersister
from vcr.request import Request

from coisync.testing.secret_names import PUBLIC_KEYS, SECRET_HEADERS, SECRET_KEY, is_secret_key

CANARY_CLIENT_ID = "coisync-canary-client-3b9f7e"
CANARY_SECRET = "coisync-canary-secret-Zq81vX4t"  # noqa: S105 - a canary, never valid anywhere
"""Credentials recordings are made with; they must never appear in a cassette."""

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def placeholder(name: str) -> str:
    """The stand-in for the value of ``name``: ``client_secret`` -> ``<CLIENT_SECRET>``."""
    return f"<{re.sub(r'[^A-Za-z0-9]+', '_', name).upper()}>"


def scrub_data(value: Any) -> Any:
    """A copy of JSON-like data with the value of every secret-named key replaced by its placeholder."""
    if isinstance(value, dict):
        return {k: placeholder(k) if is_secret_key(str(k)) else scrub_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_data(item) for item in value]
    return value


class CassetteScrubber:
    """Removes secrets from recorded requests and responses.

    Args:
        secrets: Literal values replaced wherever they appear (e.g. the canary credentials).
        origins: Origins to rewrite, e.g. ``{"http://127.0.0.1:53122": "http://procore.emulator.test"}``.
    """

    def __init__(self, secrets: Iterable[str] = (), origins: Mapping[str, str] | None = None) -> None:
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.origins = dict(origins or {})
        for old, new in list(self.origins.items()):  # the Host header names the origin without a scheme
            self.origins.setdefault(urlsplit(old).netloc, urlsplit(new).netloc)

    def text(self, text: str) -> str:
        """Origins rewritten and literal secrets replaced in ``text``."""
        for old, new in self.origins.items():
            text = text.replace(old, new)
        for secret in self.secrets:
            text = text.replace(secret, "<SECRET>")
        return text

    def body(self, body: bytes | str | None, content_type: str = "") -> bytes | str | None:
        """A request or response body with secret-named keys and literal secrets replaced."""
        if not body:
            return body
        raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            scrubbed = json.dumps(scrub_data(json.loads(raw)), separators=(",", ":"))
        except ValueError:
            if "=" in raw and ("form" in content_type or not content_type):
                pairs = parse_qsl(raw, keep_blank_values=True)
                raw = urlencode([(k, placeholder(k) if is_secret_key(k) else v) for k, v in pairs])
            scrubbed = raw
        text = self.text(scrubbed)
        return text.encode("utf-8") if isinstance(body, bytes) else text

    def url(self, url: str) -> str:
        """Secret query parameters replaced, origin rewritten."""
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, placeholder(k) if is_secret_key(k) else v) for k, v in pairs])
        return self.text(urlunsplit(parts._replace(query=query)))

    def request(self, request: Request) -> Request:
        """A scrubbed copy of a vcrpy request (``before_record_request``)."""
        scrubbed = copy.deepcopy(request)
        scrubbed.uri = self.url(request.uri)
        for name in list(scrubbed.headers):
            if name.lower() in SECRET_HEADERS:
                scrubbed.headers[name] = placeholder(name)
            else:
                scrubbed.headers[name] = self.text(str(scrubbed.headers[name]))
        scrubbed.body = self.body(request.body, str(request.headers.get("Content-Type", "")))
        return scrubbed

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """A scrubbed copy of a vcrpy response dict (``before_record_response``)."""
        scrubbed = copy.deepcopy(response)
        headers: dict[str, list[str]] = scrubbed.get("headers", {})
        for name, values in headers.items():
            secret = name.lower() in SECRET_HEADERS
            headers[name] = [placeholder(name) if secret else self.text(str(v)) for v in values]
        content_type = " ".join(v for k, vs in headers.items() if k.lower() == "content-type" for v in vs)
        body = scrubbed.get("body", {})
        if "string" in body:
            body["string"] = self.body(body["string"], content_type)
        return scrubbed


def normalised_body(body: bytes | str | None) -> str:
    """A body as compared on replay: secrets, timestamps and UUIDs replaced, JSON keys sorted."""
    if not body:
        return ""
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        text = json.dumps(scrub_data(json.loads(raw)), sort_keys=True, separators=(",", ":"))
    except ValueError:
        pairs = parse_qsl(raw, keep_blank_values=True)
        text = urlencode(sorted((k, placeholder(k) if is_secret_key(k) else v) for k, v in pairs)) or raw
    return _UUID.sub("<uuid>", _TIMESTAMP.sub("<timestamp>", text))


def write_body_matcher(r1: Request, r2: Request) -> None:
    """vcrpy matcher: writes must carry the same normalised body (reads match on the URL alone).

    Raises:
        AssertionError: The write bodies differ (vcrpy's way of saying "no match").
    """
    if r1.method.upper() in WRITE_METHODS:
        assert normalised_body(r1.body) == normalised_body(r2.body), "write bodies differ"


def scrubbing_persister(scrubber: CassetteScrubber) -> type[FilesystemPersister]:
    """A persister that scrubs every interaction again right before the cassette is written."""

    class ScrubbingPersister(FilesystemPersister):  # type: ignore[misc]  # vcrpy ships no types
        @staticmethod
        def save_cassette(cassette_path: Any, cassette_dict: dict[str, Any], serializer: Any) -> None:
            cleaned = {
                "requests": [scrubber.request(r) for r in cassette_dict["requests"]],
                "responses": [scrubber.response(r) for r in cassette_dict["responses"]],
            }
            FilesystemPersister.save_cassette(cassette_path, cleaned, serializer)

    return ScrubbingPersister


def cassette_vcr(directory: Path, scrubber: CassetteScrubber, *, record: bool = False) -> vcr.VCR:
    """A ``vcr.VCR`` for ``directory``: replay only (``record_mode="none"``) unless ``record``."""
    recorder = vcr.VCR(
        cassette_library_dir=str(directory),
        record_mode="all" if record else "none",
        match_on=("method", "scheme", "host", "port", "path", "query", "write_body"),
        before_record_request=scrubber.request,
        before_record_response=scrubber.response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("write_body", write_body_matcher)
    recorder.register_persister(scrubbing_persister(scrubber))
    return recorder


def cassette_files(root: Path) -> list[Path]:
    """Every cassette under ``root``: YAML and JSON files below any ``cassettes`` directory.

    Hidden directories (``.git``, ``.venv``), ``node_modules`` and ``__pycache__`` are skipped.
    """
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [
            d for d in subdirs if not d.startswith(".") and d not in ("node_modules", "__pycache__")
        ]
        here = Path(directory)
        if "cassettes" in here.relative_to(root).parts:
            found.extend(here / f for f in files if Path(f).suffix in (".yaml", ".yml", ".json"))
    return sorted(found)


__all__ = [
    "CANARY_CLIENT_ID",
    "CANARY_SECRET",
    "PUBLIC_KEYS",
    "SECRET_HEADERS",
    "SECRET_KEY",
    "CassetteScrubber",
    "cassette_files",
    "cassette_vcr",
    "is_secret_key",
    "normalised_body",
    "placeholder",
    "scrub_data",
    "scrubbing_persister",
    "write_body_matcher",
]
