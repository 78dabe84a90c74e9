"""The crawl's scope for pages and redirects: hosts, ports and address classes (pure).

A redirect or a meta refresh must not take the crawl where its seeds did not: to another
host (unless a seed redirects there, as ``http://a.example`` to ``https://www.a.example``),
to another port (an internal service on the same machine), or to a loopback, private or
link-local address, unless a seed is on such an address itself (a crawl of an intranet or of
a local test site). Host names are classified as written (``localhost`` and ``*.localhost``
are loopback); they are not resolved here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, replace

from crawler.discovery.urls import split_http_url

#: Address classes (:func:`address_class`).
LOOPBACK, PRIVATE, LINK_LOCAL, PUBLIC = "loopback", "private", "link-local", "public"
#: Why a URL is out of scope (:meth:`Scope.refusal`), as counted in the crawl's stats.
OTHER_HOST, OTHER_PORT, INTERNAL = "other-host", "other-port", "internal-address"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def address_class(host: str) -> str:
    """``loopback``, ``private``, ``link-local`` or ``public`` for a host as written in a URL."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return LOOPBACK
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return PUBLIC  # a name: not resolved here
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_unspecified:
        return LOOPBACK
    if address.is_link_local:
        return LINK_LOCAL
    if not address.is_global or address.is_multicast:  # private, reserved, shared (CGNAT)...
        return PRIVATE
    return PUBLIC


def is_internal(host: str) -> bool:
    """True for loopback, private and link-local hosts."""
    return address_class(host) != PUBLIC


def host_port(url: str) -> tuple[str, int] | None:
    """The lower-case host and the port (the scheme's default if none is written) of ``url``."""
    split = split_http_url(url)
    if split is None:
        return None
    scheme, _, parts = split
    assert parts.hostname is not None  # split_http_url refuses a URL without one
    return parts.hostname.lower(), parts.port or _DEFAULT_PORTS[scheme]


def _within(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass(frozen=True)
class Scope:
    """Hosts (subdomains included), ports, and whether internal addresses are allowed."""

    domains: frozenset[str]
    ports: frozenset[int]
    internal_ok: bool = False

    @classmethod
    def for_seeds(cls, seeds: Iterable[str], domains: Iterable[str] = ()) -> Scope:
        """The scope of a crawl of ``seeds`` (``domains``: the allowed hosts; default theirs).

        A seed on a default port allows both (``http`` to ``https`` is the commonest redirect);
        a seed on another port allows that port.
        """
        places = [hp for hp in map(host_port, seeds) if hp is not None]
        ports = {port for _, port in places}
        if ports & set(_DEFAULT_PORTS.values()):
            ports |= set(_DEFAULT_PORTS.values())
        hosts = frozenset(d.lower().strip(".") for d in domains if d) or frozenset(
            host for host, _ in places)
        internal = any(is_internal(h) for h, _ in places) or any(is_internal(h) for h in hosts)
        return cls(hosts, frozenset(ports), internal)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` is out of scope (``other-host``, ``other-port``, ``internal-address``)."""
        place = host_port(url)
        if place is None:
            return OTHER_HOST
        host, port = place
        if not self.internal_ok and is_internal(host):
            return INTERNAL
        if self.ports and port not in self.ports:
            return OTHER_PORT
        if self.domains and not _within(host, self.domains):
            return OTHER_HOST
        return None

    def widened(self, url: str) -> Scope:
        """This scope with ``url``'s host added (a seed that redirected there)."""
        place = host_port(url)
        if place is None:
            return self
        return replace(self, domains=self.domains | {place[0]})
