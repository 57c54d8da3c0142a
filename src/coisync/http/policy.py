"""Host policy: which URLs a connection may reach (the SSRF guard, OWASP API7).

Rules, checked before any byte or credential leaves the process:

* The scheme is ``https``; ``http`` only with ``allow_insecure_http``.
* The URL carries no user info (credentials belong in the connection's secret settings).
* Every address the host resolves to (all of ``socket.getaddrinfo``; IP literals directly)
  is a public unicast address. Loopback, private, link-local, shared, reserved, multicast
  and unspecified addresses are refused unless ``allow_private_network`` is set.
* Cloud metadata endpoints (``169.254.169.254``, ``fd00:ec2::254``) are refused always.
* Only the origins configured for the connection (its ``base_url`` and, e.g., an OAuth
  token endpoint) are allowed; a redirect elsewhere is refused, not followed.

TLS certificates are always verified: :class:`~coisync.http.config.HttpConfig` has no
switch to turn verification off (only a custom CA bundle), and tests reach emulators
through an in-process transport instead.

Known limit: the addresses are checked when a host is first used by a session; a DNS
answer that changes afterwards (DNS rebinding) is not re-checked at connect time.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable, Iterable, Sequence

import httpx

from coisync.http.errors import HostNotAllowedError

logger = logging.getLogger(__name__)

Resolver = Callable[[str, int], Sequence[str]]
"""``resolver(host, port)`` returns the IP addresses ``host`` resolves to."""

METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
"""Cloud instance-metadata endpoints: never reachable, whatever the opt-ins."""

_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with :func:`socket.getaddrinfo` and return every address.

    Raises:
        httpx.ConnectError: The name does not resolve (a temporary failure, retried).
    """
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpx.ConnectError(f"could not resolve host {host!r}: {exc}") from exc
    return [str(info[4][0]) for info in infos]


def origin_of(url: httpx.URL) -> tuple[str, str, int]:
    """Return ``(scheme, host, port)`` with the scheme's default port filled in."""
    port = url.port or (443 if url.scheme == "https" else 80)
    return (url.scheme, url.host.lower(), port)


def _parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


class HostPolicy:
    """Decides which URLs a connection may send requests to.

    Args:
        allowed_urls: The URLs whose origins (scheme, host, port) are allowed, base URL first.
        allow_private_network: Allow loopback and private addresses (emulators, on-prem).
        allow_insecure_http: Allow plain ``http``.
        resolver: Turns a host name into addresses; defaults to :func:`system_resolver`.

    Raises:
        HostNotAllowedError: A configured URL breaks a rule that needs no DNS lookup.
    """

    def __init__(
        self,
        allowed_urls: Iterable[str],
        *,
        allow_private_network: bool = False,
        allow_insecure_http: bool = False,
        resolver: Resolver | None = None,
    ) -> None:
        self.allow_private_network = allow_private_network
        self.allow_insecure_http = allow_insecure_http
        self._resolver = resolver or system_resolver
        self._lock = threading.Lock()
        self._checked_hosts: set[tuple[str, int]] = set()
        self._origins: list[tuple[str, str, int]] = []
        for raw in allowed_urls:
            url = httpx.URL(raw)
            self._check_static(url)
            self._origins.append(origin_of(url))

    @property
    def origins(self) -> tuple[tuple[str, str, int], ...]:
        """The allowed ``(scheme, host, port)`` origins."""
        return tuple(self._origins)

    def check(self, url: httpx.URL) -> None:
        """Refuse ``url`` unless it is on an allowed origin whose addresses are allowed.

        The DNS check runs once per host and session; its result is cached.

        Raises:
            HostNotAllowedError: The URL is refused.
            httpx.ConnectError: The host name does not resolve.
        """
        if origin_of(url) not in self._origins:
            raise HostNotAllowedError(_display(url), "not one of the connection's allowed hosts (base_url)")
        self._check_static(url)
        host, port = url.host.lower(), origin_of(url)[2]
        with self._lock:
            if (host, port) in self._checked_hosts:
                return
        if _parse_ip(host) is None:
            addresses = self._resolver(host, port)
            if not addresses:
                raise httpx.ConnectError(f"host {host!r} resolved to no address")
            for address in addresses:
                ip = _parse_ip(address)
                if ip is None:
                    raise HostNotAllowedError(_display(url), f"unparsable address {address!r}")
                self._check_address(url, ip, resolved=True)
        with self._lock:
            self._checked_hosts.add((host, port))

    def _check_static(self, url: httpx.URL) -> None:
        if url.scheme == "http" and not self.allow_insecure_http:
            raise HostNotAllowedError(
                _display(url),
                "plain http is refused; use https (or set allow_insecure_http for a test server)",
            )
        if url.scheme not in ("https", "http"):
            raise HostNotAllowedError(_display(url), f"scheme {url.scheme!r} is not allowed")
        if url.userinfo:
            raise HostNotAllowedError(
                _display(url), "credentials in the URL are refused; use the connection's secrets"
            )
        host = url.host.lower().rstrip(".")
        if not host:
            raise HostNotAllowedError(_display(url), "the URL has no host")
        if (host in _LOCAL_NAMES or host.endswith(".localhost")) and not self.allow_private_network:
            raise HostNotAllowedError(
                _display(url),
                "localhost is refused (set allow_private_network for a local emulator)",
            )
        ip = _parse_ip(host)
        if ip is not None:
            self._check_address(url, ip, resolved=False)

    def _check_address(self, url: httpx.URL, ip: IPAddress, *, resolved: bool) -> None:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        via = f" (resolves to {ip})" if resolved else ""
        if ip in METADATA_ADDRESSES:
            raise HostNotAllowedError(_display(url), f"cloud metadata address{via} is never allowed")
        if ip.is_unspecified or ip.is_multicast:
            raise HostNotAllowedError(_display(url), f"address {ip} is not a unicast host{via}")
        if not ip.is_global and not self.allow_private_network:
            raise HostNotAllowedError(
                _display(url),
                f"non-public address{via}: loopback, private, link-local and reserved networks "
                "are refused (set allow_private_network for an on-premises or local server)",
            )

    def warn_about_opt_ins(self, connection: str) -> None:
        """Log one warning naming the opt-ins in use, if any."""
        used = [
            name
            for name, on in (
                ("allow_private_network", self.allow_private_network),
                ("allow_insecure_http", self.allow_insecure_http),
            )
            if on
        ]
        if used:
            logger.warning(
                "connection %s: %s enabled; the SSRF and transport protections they relax "
                "are off for this connection",
                connection,
                " and ".join(used),
            )

    def __repr__(self) -> str:
        origins = ", ".join(f"{s}://{h}:{p}" for s, h, p in self._origins)
        return (
            f"HostPolicy(origins=[{origins}], allow_private_network={self.allow_private_network}, "
            f"allow_insecure_http={self.allow_insecure_http})"
        )


def _display(url: httpx.URL) -> str:
    """The URL's origin and path only: never its query or user info."""
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}{url.path}"
