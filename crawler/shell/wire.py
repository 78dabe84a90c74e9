"""Twisted-level byte tap: records the exact bytes an HTTP/1.1 client connection writes and reads.

No scrapy import here. ``WireTapMixin`` goes in front of an ``HTTP11ClientProtocol`` subclass;
it wraps the connection's transport in a tee (so every ``write``/``writeSequence`` is copied)
and copies every ``dataReceived`` chunk before the HTTP parser sees it. For HTTPS the
protocol's transport is the TLS layer, so the tap sees the plaintext HTTP messages.

Requests on one HTTP/1.1 connection are sequential in Twisted, so each ``request()`` starts a
new :class:`~crawler.archive.WireExchange`. The exchange reaches whoever asked for it through
a :class:`CaptureSlot` carried by the request's ``Headers`` object (see :class:`SlotAgent`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from twisted.web.http_headers import Headers
from zope.interface import directlyProvides, providedBy

from crawler.archive.exchange import WireExchange

if TYPE_CHECKING:
    # What the mixin goes in front of, for the type checker: super() and self.transport.
    from twisted.web._newclient import HTTP11ClientProtocol as _TapBase
else:
    _TapBase = object


class CaptureSlot:
    """Where the protocol hands over the exchange it started for one agent request."""

    def __init__(self) -> None:
        self.exchange: WireExchange | None = None


class SlotHeaders(Headers):
    """Twisted Headers that carry a CaptureSlot, also through ``copy()`` (Agent copies them)."""

    wire_slot: CaptureSlot | None = None

    def copy(self) -> SlotHeaders:
        """Copy the headers and keep the slot."""
        new = super().copy()
        if not isinstance(new, SlotHeaders):  # Twisted's copy() builds a self.__class__
            raise TypeError(f"Headers.copy() made a {type(new).__name__}, not SlotHeaders")
        new.wire_slot = self.wire_slot
        return new


def headers_with_slot(headers: Headers | None, slot: CaptureSlot) -> SlotHeaders:
    """Return ``headers`` (same names, values and order) as SlotHeaders pointing at ``slot``."""
    new = SlotHeaders()
    if headers is not None:
        for name, values in headers.getAllRawHeaders():
            new.setRawHeaders(name, list(values))
    new.wire_slot = slot
    return new


class SlotAgent:
    """A Twisted agent whose requests carry ``slot``, so the exchange each causes lands there."""

    def __init__(self, agent: Any, slot: CaptureSlot) -> None:
        self._agent = agent
        self._slot = slot

    def request(
        self, method: bytes, uri: bytes, headers: Headers | None = None,
        bodyProducer: Any = None,  # noqa: N803 - Twisted API
    ) -> Any:
        """Same as ``IAgent.request``, with headers that carry the slot."""
        return self._agent.request(method, uri, headers_with_slot(headers, self._slot),
                                   bodyProducer)


class TeeTransport:
    """Transport proxy that copies outgoing bytes to the protocol's current exchange."""

    def __init__(self, transport: Any, tap: WireTapMixin) -> None:
        self._transport = transport
        self._tap = tap
        # Keep interface checks (ITCPTransport for TCP_NODELAY, ITLSTransport...) working.
        directlyProvides(self, *list(providedBy(transport)))

    def write(self, data: bytes) -> None:
        """Copy then send."""
        self._tap.wire_sent(data)
        self._transport.write(data)

    def writeSequence(self, data: Iterable[bytes]) -> None:  # noqa: N802 - Twisted API
        """Copy then send a sequence of byte strings."""
        chunks = list(data)
        for chunk in chunks:
            self._tap.wire_sent(chunk)
        self._transport.writeSequence(chunks)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def peer_ip(transport: Any) -> str | None:
    """The peer's IP address of a transport, or None when it has none."""
    try:
        return str(transport.getPeer().host)
    except Exception:  # noqa: BLE001 - any transport without a peer address
        return None


def _note_tls(exchange: WireExchange, transport: Any) -> None:
    """Record the TLS version and cipher of an encrypted connection (after the handshake)."""
    try:
        handle = transport.getHandle()
        version = handle.get_protocol_version_name()
        cipher = handle.get_cipher_name()
    except Exception:  # noqa: BLE001 - plain TCP, or not an OpenSSL connection
        return
    if isinstance(version, str) and version.upper().startswith("TLS"):
        exchange.tls_version = version
        exchange.cipher_suite = cipher if isinstance(cipher, str) else None


class WireTapMixin(_TapBase):
    """Mixin for ``HTTP11ClientProtocol`` subclasses: capture each exchange's wire bytes."""

    _wire_exchange: WireExchange | None = None

    def makeConnection(self, transport: Any) -> None:  # noqa: N802 - Twisted API
        """Install the tee in front of the real transport."""
        # Twisted's Protocol.makeConnection has no annotations.
        super().makeConnection(TeeTransport(transport, self))  # type: ignore[no-untyped-call]

    def request(self, request: Any) -> Any:
        """Start a new exchange for this request, then send it."""
        parsed = getattr(request, "_parsedURI", None)
        exchange = WireExchange(
            url=parsed.toBytes().decode("ascii", "replace") if parsed is not None else "",
            method=request.method.decode("ascii", "replace"),
            started=datetime.now(UTC),
            peer_ip=peer_ip(self.transport),
            started_monotonic=time.monotonic(),
        )
        self._wire_exchange = exchange
        slot = getattr(request.headers, "wire_slot", None)
        if slot is not None:
            slot.exchange = exchange
        return super().request(request)

    def wire_sent(self, data: bytes) -> None:
        """Bytes written to the connection."""
        if self._wire_exchange is not None:
            self._wire_exchange.add_sent(data)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted API
        """Copy received bytes before the parser consumes them (it may finish the response)."""
        exchange = self._wire_exchange
        if exchange is not None:
            if not exchange.has_response:
                _note_tls(exchange, self.transport)
            exchange.add_received(data)
        # Twisted's HTTP11ClientProtocol.dataReceived has no annotations.
        super().dataReceived(data)  # type: ignore[no-untyped-call]

    def _finishResponse(self, rest: bytes) -> None:  # noqa: N802 - Twisted API
        # ``rest`` holds bytes after the end of the response: not part of this message.
        if self._wire_exchange is not None:
            self._wire_exchange.finish_response(len(rest))
        super()._finishResponse(rest)
