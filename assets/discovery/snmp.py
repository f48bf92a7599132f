"""A thin SNMP client over pysnmp 7's asyncio API: one engine per run, numeric OIDs only.

v2c goes through `v1arch` (flat memory per address, the cheap path for sweeps); v3 needs
`v3arch`. Both are wrapped so collectors see the same two calls: `get` and `walk`.
Values come back as plain Python (str, int, bytes) or None for "no such object".
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

from pyasn1.type import univ
from pyasn1.type.univ import Null
from pysnmp.hlapi.v1arch import asyncio as v1
from pysnmp.hlapi.v3arch import asyncio as v3
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.proto.rfc1902 import ObjectName

RECEIVE_BUFFER = 4 * 1024 * 1024

_AUTH = {
    "SHA": v3.usmHMACSHAAuthProtocol,
    "SHA224": v3.usmHMAC128SHA224AuthProtocol,
    "SHA256": v3.usmHMAC192SHA256AuthProtocol,
    "SHA384": v3.usmHMAC256SHA384AuthProtocol,
    "SHA512": v3.usmHMAC384SHA512AuthProtocol,
}
_PRIV = {
    "AES": v3.usmAesCfb128Protocol,
    "AES192": v3.usmAesCfb192Protocol,
    "AES256": v3.usmAesCfb256Protocol,
}
_ABSENT = (rfc1905.NoSuchObject, rfc1905.NoSuchInstance, rfc1905.EndOfMibView)


async def _literal_or_resolved(target, address: tuple, resolve) -> tuple[str, int]:
    """Skip DNS for literal IPv4 addresses: pysnmp resolves every target through the
    loop's thread pool, a thread hop per address that dominates a /16 sweep."""
    try:
        ipaddress.IPv4Address(address[0])
    except ValueError:
        return await resolve(address)
    return (address[0], int(address[1]))


class _V1Target(v1.UdpTransportTarget):
    """v1arch UDP target that does not resolve literal addresses."""

    async def _resolve_address(self, transportAddr):
        return await _literal_or_resolved(self, transportAddr, super()._resolve_address)


class _V3Target(v3.UdpTransportTarget):
    """v3arch UDP target that does not resolve literal addresses."""

    async def _resolve_address(self, transportAddr):
        return await _literal_or_resolved(self, transportAddr, super()._resolve_address)


class SnmpError(Exception):
    """An agent answered with an error, or a reply could not be used."""


class SnmpTimeout(SnmpError):
    """No reply within timeout × (retries + 1)."""


@dataclass(frozen=True)
class Credential:
    """Plain SNMP parameters: a v2c community or a v3 user (never stored in this form)."""

    version: str = "v2c"
    community: str = "public"
    user: str = ""
    auth_protocol: str = "SHA256"
    auth_key: str = ""
    priv_protocol: str = "AES"
    priv_key: str = ""

    def label(self) -> str:
        """A name for reports that reveals no secret."""
        return f"v3 user {self.user}" if self.version == "v3" else "v2c community"


def to_plain(value):
    """A pysnmp value as str/int/bytes, or None for noSuchObject/noSuchInstance/endOfMibView."""
    if value is None or isinstance(value, _ABSENT):
        return None
    if isinstance(value, rfc1902.IpAddress):
        return ".".join(str(b) for b in value.asOctets())
    if isinstance(value, univ.ObjectIdentifier):
        return str(value)
    if isinstance(value, univ.OctetString):
        return bytes(value.asOctets())
    if isinstance(value, rfc1902.Integer32 | rfc1902.Unsigned32 | rfc1902.Counter64):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _tune_socket(dispatcher) -> bool:
    """Enlarge the receive buffer of the engine's socket: at high concurrency the default
    buffer drops replies, which would look like silent hosts."""
    transports = getattr(dispatcher, "_AbstractTransportDispatcher__transports", None) or {}
    for transport in transports.values():
        loop_transport = getattr(transport, "transport", None)
        sock = loop_transport.get_extra_info("socket") if loop_transport is not None else None
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            except OSError:
                pass
            return True
    return False


class SnmpSession:
    """One engine for a whole run; clients for individual hosts are made from it."""

    def __init__(self, credential: Credential):
        self.credential = credential
        if credential.version == "v3":
            self.engine = v3.SnmpEngine()
            self.auth = v3.UsmUserData(
                credential.user,
                authKey=credential.auth_key or None,
                privKey=credential.priv_key or None,
                authProtocol=_AUTH.get(credential.auth_protocol, v3.usmHMACSHAAuthProtocol)
                if credential.auth_key
                else v3.usmNoAuthProtocol,
                privProtocol=_PRIV.get(credential.priv_protocol, v3.usmAesCfb128Protocol)
                if credential.priv_key
                else v3.usmNoPrivProtocol,
            )
        else:
            self.engine = v1.SnmpDispatcher()
            self.auth = v1.CommunityData(credential.community, mpModel=1)
        self._tuned = False

    def close(self) -> None:
        """Release the engine's socket."""
        try:
            if self.credential.version == "v3":
                self.engine.close_dispatcher()
            else:
                self.engine.transport_dispatcher.close_dispatcher()
        except Exception:  # noqa: BLE001 - closing a half-open engine must not mask results
            pass

    async def client(self, host: str, port: int, timeout: float, retries: int) -> HostClient:
        """A client for one host, sharing this session's engine."""
        target_class = _V3Target if self.credential.version == "v3" else _V1Target
        target = await target_class.create((host, port), timeout=timeout, retries=retries)
        return HostClient(self, target, (timeout or 1) * (retries + 1))

    def _tune(self) -> None:
        if self._tuned:
            return
        # Both engines expose the dispatcher under the same name; its socket exists only
        # after the first request, hence tuning here rather than in __init__.
        self._tuned = _tune_socket(self.engine.transport_dispatcher)


class HostClient:
    """GET and walk against one host through the session's engine."""

    def __init__(self, session: SnmpSession, target, patience: float):
        self.session = session
        self.target = target
        # Our own ceiling on top of pysnmp's: some agents stop answering mid-walk.
        self.patience = patience + 0.5

    async def _request(self, kind: str, oids: list[str], repetitions: int = 0):
        session = self.session
        if not session._tuned:
            session._tune()
        if session.credential.version == "v3":
            binds = [v3.ObjectType(v3.ObjectIdentity(oid)) for oid in oids]
            if kind == "get":
                call = v3.get_cmd(
                    session.engine,
                    session.auth,
                    self.target,
                    v3.ContextData(),
                    *binds,
                    lookupMib=False,
                )
            else:
                call = v3.bulk_cmd(
                    session.engine,
                    session.auth,
                    self.target,
                    v3.ContextData(),
                    0,
                    repetitions,
                    *binds,
                    lookupMib=False,
                )
        else:
            binds = [(ObjectName(oid), Null("")) for oid in oids]
            if kind == "get":
                call = v1.get_cmd(session.engine, session.auth, self.target, *binds)
            else:
                call = v1.bulk_cmd(
                    session.engine, session.auth, self.target, 0, repetitions, *binds
                )
        try:
            # asyncio.timeout, not wait_for: no extra task per request.
            async with asyncio.timeout(self.patience):
                error, status, index, var_binds = await call
        except TimeoutError as exc:
            raise SnmpTimeout("no reply") from exc
        if error is not None:
            if "timeout" in str(error).lower():
                raise SnmpTimeout(str(error))
            raise SnmpError(str(error))
        if status and int(status) != 0:
            raise SnmpError(f"agent error {status.prettyPrint()} at {index}")
        return [(str(name), value) for name, value in var_binds]

    async def get(self, oids: list[str]) -> dict[str, object]:
        """GET several OIDs in one request; absent objects come back as None."""
        rows = await self._request("get", oids)
        return {oid: to_plain(value) for oid, value in rows}

    async def walk(self, base: str, max_rows: int = 5000, repetitions: int = 25):
        """All (oid suffix, value) rows under `base`, by GETBULK; stops at the subtree's end.

        Raises SnmpTimeout if the agent stops answering part-way; the rows read so far are
        on the exception as `.rows` so a collector can report a truncated table.
        """
        rows: list[tuple[str, object]] = []
        prefix = base + "."
        current = base
        while len(rows) < max_rows:
            try:
                batch = await self._request("bulk", [current], repetitions)
            except SnmpError as exc:
                exc.rows = rows
                raise
            if not batch:
                break
            advanced = False
            for oid, value in batch:
                if not oid.startswith(prefix) or isinstance(value, _ABSENT):
                    return rows
                if _oid_key(oid) <= _oid_key(current):
                    # A non-increasing OID would loop forever.
                    return rows
                rows.append((oid[len(prefix) :], to_plain(value)))
                current = oid
                advanced = True
            if not advanced:
                break
        return rows


def _oid_key(oid: str) -> tuple[int, ...]:
    """An OID as a tuple for lexicographic comparison."""
    return tuple(int(part) for part in oid.split(".") if part)
