"""The cheap first contact of a v2c sweep: one pre-encoded GET per address, no engine.

Profiling a /16 sweep showed that pysnmp spends about 0.9 ms of CPU per silent address
building, encoding and timing one request, so 65,536 addresses were CPU-bound at over a
minute. A silent address needs none of that: the probe message differs between addresses
only in its request-id, so it is encoded once (with pysnmp's own protocol modules) and the
four request-id bytes are patched in per address. Timeouts are one deque ordered by
deadline (every probe has the same timeout) instead of one timer per request, and replies
are decoded only when they come, which is from the few hosts that answer. Hosts that answer
then get the full pysnmp client for everything else.

v3 has no such shortcut worth its complexity (engine discovery, USM), so v3 credentials
still probe through the engine in `runner`.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import socket
from collections import deque
from collections.abc import Callable, Iterable

from pyasn1.codec.ber import decoder, encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type.univ import Null
from pysnmp.proto import api
from pysnmp.proto.rfc1902 import ObjectName

_V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
# Request-ids in this range always encode as four content bytes, so patching one in never
# changes a length field of the template.
_FIRST_ID = 0x10000000
_LAST_ID = 0x7FFFFFFF
_SENTINEL = 0x7E5A5A5A
RECEIVE_BUFFER = 4 * 1024 * 1024


class ProbeTemplate:
    """A v2c GET of one OID, encoded once, with the request-id as a patchable slot."""

    def __init__(self, community: str, oid: str):
        pdu = _V2C.GetRequestPDU()
        _V2C.apiPDU.set_defaults(pdu)
        _V2C.apiPDU.set_request_id(pdu, _SENTINEL)
        _V2C.apiPDU.set_varbinds(pdu, [(ObjectName(oid), Null(""))])
        message = _V2C.Message()
        _V2C.apiMessage.set_defaults(message)
        _V2C.apiMessage.set_community(message, community)
        _V2C.apiMessage.set_pdu(message, pdu)
        encoded = bytes(encoder.encode(message))
        marker = b"\x02\x04" + _SENTINEL.to_bytes(4, "big")
        self.offset = encoded.index(marker) + 2
        self.head = encoded[: self.offset]
        self.tail = encoded[self.offset + 4 :]
        self.community = community.encode()

    def message(self, request_id: int) -> bytes:
        """The probe bytes carrying `request_id`."""
        return self.head + request_id.to_bytes(4, "big") + self.tail

    def reply_id(self, data: bytes) -> int | None:
        """The request-id of a well-formed v2c response for our community, else None."""
        try:
            message, _ = decoder.decode(data, asn1Spec=_V2C.Message())
            if bytes(_V2C.apiMessage.get_community(message)) != self.community:
                return None
            pdu = _V2C.apiMessage.get_pdu(message)
            if not pdu.isSameTypeWith(_V2C.ResponsePDU()):
                return None
            return int(_V2C.apiPDU.get_request_id(pdu))
        except (PyAsn1Error, TypeError, ValueError, KeyError, AttributeError):
            return None


class _ProbeProtocol(asyncio.DatagramProtocol):
    """Hands every datagram to the sweep; ICMP errors are left to the timeout to decide."""

    def __init__(self, received: Callable[[bytes, tuple], None]):
        self.received = received

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        self.received(data, addr)

    def error_received(self, exc: Exception) -> None:
        # An unreachable port is a silent host as far as discovery is concerned.
        pass


async def probe_v2c(
    addresses: Iterable[str],
    *,
    community: str,
    oid: str,
    port: int,
    timeout: float,
    retries: int,
    window: int,
    answered: Callable[[str], None],
    silent: Callable[[str], None],
    garbled: Callable[[str], None],
    family: int = socket.AF_INET,
) -> None:
    """Send one GET of `oid` to each address with at most `window` unanswered at a time.

    Calls `answered(address)` on a matching response, `garbled(address)` when the host sent
    something that is not a usable response, and `silent(address)` after `retries + 1`
    timeouts. Returns once every address has been decided.
    """
    loop = asyncio.get_running_loop()
    template = ProbeTemplate(community, oid)
    ids = itertools.count(random.randint(_FIRST_ID, _LAST_ID // 2))
    pending: dict[str, list[int]] = {}  # address -> [request id, tries so far]
    deadlines: deque[tuple[float, str, int]] = deque()
    wake = asyncio.Event()

    def received(data: bytes, addr: tuple) -> None:
        entry = pending.get(addr[0])
        if entry is None or addr[1] != port:
            return  # late, duplicate or stray datagram
        reply_id = template.reply_id(data)
        del pending[addr[0]]
        if reply_id == entry[0]:
            answered(addr[0])
        elif reply_id is None:
            garbled(addr[0])
        else:
            pending[addr[0]] = entry  # an answer to an earlier try: wait for ours
            return
        wake.set()

    transport, _ = await loop.create_datagram_endpoint(
        lambda: _ProbeProtocol(received), family=family
    )
    sock = transport.get_extra_info("socket")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
    except OSError:
        pass

    def send(address: str, tries: int) -> None:
        request_id = next(ids)
        if request_id > _LAST_ID:  # never in practice: 1.8 billion probes in one sweep
            request_id = _FIRST_ID
        pending[address] = [request_id, tries]
        deadlines.append((loop.time() + timeout, address, request_id))
        transport.sendto(template.message(request_id), (address, port))

    source = iter(addresses)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < window:
                address = next(source, None)
                if address is None:
                    exhausted = True
                else:
                    send(address, 0)
            now = loop.time()
            while deadlines and deadlines[0][0] <= now:
                _, address, request_id = deadlines.popleft()
                entry = pending.get(address)
                if entry is None or entry[0] != request_id:
                    continue  # answered, or already re-sent
                if entry[1] < retries:
                    send(address, entry[1] + 1)
                else:
                    del pending[address]
                    silent(address)
            if exhausted and not pending:
                return
            if len(pending) < window and not exhausted:
                continue  # timeouts freed slots: refill before sleeping
            wake.clear()
            delay = max(0.0, deadlines[0][0] - loop.time()) if deadlines else timeout
            try:
                async with asyncio.timeout(delay):
                    await wake.wait()
            except TimeoutError:
                pass
    finally:
        transport.close()
