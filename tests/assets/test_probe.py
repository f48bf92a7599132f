"""The pre-encoded v2c probe: same bytes as pysnmp would send, replies matched, odd ones counted."""

from __future__ import annotations

import asyncio
import socket
import threading

from pyasn1.codec.ber import decoder
from pysnmp.proto import api

from assets.discovery.probe import ProbeTemplate, probe_v2c
from assets.discovery.runner import SweepConfig, sweep
from assets.discovery.snmp import Credential

V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"


def test_should_patch_only_the_request_id_into_the_encoded_probe():
    template = ProbeTemplate("s3cret", SYS_OBJECT_ID)
    message, rest = decoder.decode(template.message(0x23456789), asn1Spec=V2C.Message())
    pdu = V2C.apiMessage.get_pdu(message)
    assert rest == b""
    assert bytes(V2C.apiMessage.get_community(message)) == b"s3cret"
    assert int(V2C.apiPDU.get_request_id(pdu)) == 0x23456789
    assert [str(name) for name, _ in V2C.apiPDU.get_varbinds(pdu)] == [SYS_OBJECT_ID]


class OddResponder:
    """A UDP 'agent' on loopback that answers every datagram with the bytes it is given."""

    def __init__(self, address: str, reply: bytes):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        self.received = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                _, peer = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            self.received += 1
            self.sock.sendto(self.reply, peer)

    def stop(self) -> None:
        """Stop answering and close the socket."""
        self.running = False
        self.thread.join(2)
        self.sock.close()


def test_should_count_a_garbled_reply_as_failed_not_silent_and_not_crash():
    responder = OddResponder("127.0.3.6", b"\x30\x03\x02\x01")  # truncated BER
    try:
        config = SweepConfig(
            cidr="127.0.3.4/30",
            credentials=[Credential()],
            port=responder.port,
            timeout=0.5,
            retries=0,
        )
        result = asyncio.run(sweep(config))
    finally:
        responder.stop()
    assert (result.probed, result.answered, result.failed) == (2, 0, 1)
    assert result.problems == ["127.0.3.6: unreadable reply"]


def test_should_resend_to_a_silent_address_as_many_times_as_the_retries_allow():
    responder = OddResponder("127.0.3.9", b"")  # an empty datagram: never a match
    decided: dict[str, str] = {}

    async def go() -> None:
        await probe_v2c(
            ["127.0.3.9"],
            community="public",
            oid=SYS_OBJECT_ID,
            port=responder.port,
            timeout=0.2,
            retries=2,
            window=8,
            answered=lambda address: decided.setdefault(address, "answered"),
            silent=lambda address: decided.setdefault(address, "silent"),
            garbled=lambda address: decided.setdefault(address, "garbled"),
        )

    try:
        asyncio.run(go())
    finally:
        responder.stop()
    # An empty datagram is garbled on the first try: one request, decided at once.
    assert decided == {"127.0.3.9": "garbled"} and responder.received == 1


def test_should_try_each_address_retries_plus_one_times_before_calling_it_silent():
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.3.10", 0))  # receives and never answers
    sink.settimeout(0.1)
    port = sink.getsockname()[1]
    decided: dict[str, str] = {}

    async def go() -> None:
        await probe_v2c(
            ["127.0.3.10"],
            community="public",
            oid=SYS_OBJECT_ID,
            port=port,
            timeout=0.2,
            retries=2,
            window=8,
            answered=lambda address: decided.setdefault(address, "answered"),
            silent=lambda address: decided.setdefault(address, "silent"),
            garbled=lambda address: decided.setdefault(address, "garbled"),
        )

    try:
        asyncio.run(go())
        ids = set()
        while True:
            try:
                data, _ = sink.recvfrom(65535)
            except TimeoutError:
                break
            message, _ = decoder.decode(data, asn1Spec=V2C.Message())
            ids.add(int(V2C.apiPDU.get_request_id(V2C.apiMessage.get_pdu(message))))
    finally:
        sink.close()
    assert decided == {"127.0.3.10": "silent"}
    assert len(ids) == 3  # a fresh request-id per try, so a late reply is never mistaken


def test_should_try_the_next_credential_on_addresses_the_first_left_silent(snmp_agents):
    config = SweepConfig(
        cidr="127.0.1.4/31",
        credentials=[Credential(community="wrong"), Credential(community="public")],
        port=snmp_agents.sim_port,
        timeout=1.0,
        retries=1,
        collect=False,
    )
    result = asyncio.run(sweep(config))
    assert (result.probed, result.answered) == (2, 2)
    assert sorted(device["address"] for device in result.devices) == ["127.0.1.4", "127.0.1.5"]
