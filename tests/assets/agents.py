"""Start and stop real SNMP agents on loopback for tests and benchmarks.

net-snmp's `snmpd` (v2c and v3) and `snmpsim` serving recorded walks. Only 127.0.0.0/8.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import snmpsim

SNMPSIM_DATA = Path(snmpsim.__file__).parent / "data"
RECORDED = SNMPSIM_DATA / "recorded"
HERE = Path(__file__).parent
PRINTER_RECORDING = HERE / "data" / "office-printer.snmprec"

V3_USER = "civicdesk"
V3_AUTH = "authpass-123"
V3_PRIV = "privpass-456"


def free_port() -> int:
    """An unused UDP port on loopback (racy by nature, good enough for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_snmp(address: str, port: int, community: str, deadline: float = 20.0) -> None:
    """Poll with snmpget-like raw packets until the agent answers."""
    import asyncio

    from pyasn1.type.univ import Null
    from pysnmp.hlapi.v1arch.asyncio import (
        CommunityData,
        SnmpDispatcher,
        UdpTransportTarget,
        get_cmd,
    )
    from pysnmp.proto.rfc1902 import ObjectName

    async def probe() -> bool:
        dispatcher = SnmpDispatcher()
        try:
            target = await UdpTransportTarget.create((address, port), timeout=0.5, retries=0)
            error, *_ = await get_cmd(
                dispatcher,
                CommunityData(community, mpModel=1),
                target,
                (ObjectName("1.3.6.1.2.1.1.1.0"), Null("")),
            )
            return error is None
        finally:
            dispatcher.transport_dispatcher.close_dispatcher()

    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if asyncio.run(probe()):
            return
        time.sleep(0.2)
    raise RuntimeError(f"SNMP agent on {address}:{port} did not answer")


class Agent:
    """A running agent process; `stop()` ends it (and only it)."""

    def __init__(self, process: subprocess.Popen, workdir: str):
        self.process = process
        self.workdir = workdir

    def stop(self) -> None:
        """Stop the agent and remove its files."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_snmpd(port: int, sys_name: str = "civic-snmpd", address: str = "127.0.0.1") -> Agent:
    """A private net-snmp snmpd with community `public` and a v3 SHA/AES user."""
    workdir = tempfile.mkdtemp(prefix="civic-snmpd-")
    conf = Path(workdir) / "snmpd.conf"
    conf.write_text(
        f"agentAddress udp:{address}:{port}\n"
        "rocommunity public 127.0.0.0/8\n"
        f'createUser {V3_USER} SHA "{V3_AUTH}" AES "{V3_PRIV}"\n'
        f"rouser {V3_USER} priv\n"
        f"sysName {sys_name}\n"
        "sysLocation Loopback rack\n"
        "sysContact ict@example.gov.uk\n"
        f"persistentDir {workdir}\n"
    )
    env = {**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": workdir}
    process = subprocess.Popen(
        [
            "/usr/sbin/snmpd",
            "-f",
            "-C",
            "-c",
            str(conf),
            "-p",
            str(Path(workdir) / "pid"),
            "-Lf",
            str(Path(workdir) / "log"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    agent = Agent(process, workdir)
    try:
        _wait_for_snmp(address, port, "public")
    except RuntimeError:
        agent.stop()
        raise
    return agent


def _launch_snmpsim(recording: str | Path, endpoints: list[tuple[str, int]], community: str):
    """Start (without waiting) one snmpsim serving `recording` as `community` on `endpoints`.

    snmpsim selects the data file by community only (its per-endpoint layout hashes the
    names in a way v2c requests never match), so each recording gets its own process.
    """
    workdir = tempfile.mkdtemp(prefix="civic-snmpsim-")
    data = Path(workdir) / "data"
    data.mkdir()
    source = Path(recording)
    suffix = ".snmprec.bz2" if source.name.endswith(".bz2") else ".snmprec"
    shutil.copyfile(source, data / f"{community}{suffix}")
    command = [
        str(Path(sys.executable).parent / "snmpsim-command-responder"),
        f"--data-dir={data}",
        f"--cache-dir={Path(workdir) / 'cache'}",
        "--log-level=error",
        *(f"--agent-udpv4-endpoint={address}:{port}" for address, port in endpoints),
    ]
    env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return Agent(process, workdir)


def start_snmpsim(
    devices: list[tuple[str | Path, list[tuple[str, int]]]], community: str = "public"
) -> list[Agent]:
    """Several snmpsim processes at once: one per (recording, endpoints); waits for all."""
    agents = [_launch_snmpsim(recording, endpoints, community) for recording, endpoints in devices]
    try:
        for (_, endpoints), _agent in zip(devices, agents, strict=True):
            for address, port in {endpoints[0], endpoints[-1]}:
                _wait_for_snmp(address, port, community, deadline=90)
    except Exception:
        for agent in agents:
            agent.stop()
        raise
    return agents
