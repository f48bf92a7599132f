"""The sweep: probe every address with one GET, walk only those that answer.

One engine per run (per credential), a bounded number of hosts in flight (addresses are
pulled from a generator, so a /16 never holds 65,536 tasks), a timeout and retry count per
request. A silent address costs one timeout per credential, and for v2c almost no CPU
(see `probe`).
Returns plain data; reconciling it into the register is `assets.actions.discovery`'s job.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field

from assets.discovery.collectors import (
    COLLECTORS,
    PROBE_OIDS,
    SYSTEM,
    Problems,
    system_group,
)
from assets.discovery.probe import probe_v2c
from assets.discovery.snmp import Credential, SnmpError, SnmpSession, SnmpTimeout


@dataclass
class SweepConfig:
    """What to sweep and how hard to try."""

    cidr: str
    credentials: list[Credential]
    exclusions: list[str] = field(default_factory=list)
    port: int = 161
    timeout: float = 1.0
    retries: int = 1
    concurrency: int = 256
    collect: bool = True


@dataclass
class SweepResult:
    """What a sweep found: one dict per answering device, and the counts."""

    devices: list[dict] = field(default_factory=list)
    probed: int = 0
    answered: int = 0
    failed: int = 0
    malformed: int = 0
    problems: list[str] = field(default_factory=list)
    duration: float = 0.0


SYS_OBJECT_ID = SYSTEM["sys_object_id"]
ProgressCallback = Callable[[dict], Awaitable[None]]


def addresses(cidr: str, exclusions: list[str] = ()) -> Iterator[str]:
    """Host addresses of `cidr` (network and broadcast left out above /31), minus exclusions."""
    network = ipaddress.ip_network(cidr, strict=False)
    excluded = [ipaddress.ip_network(item, strict=False) for item in exclusions]
    hosts = network.hosts() if network.num_addresses > 2 else iter(network)
    for host in hosts:
        if not any(host in net for net in excluded):
            yield str(host)


def count_addresses(cidr: str, exclusions: list[str] = ()) -> int:
    """How many addresses `addresses` will yield (cheap when there are no exclusions)."""
    network = ipaddress.ip_network(cidr, strict=False)
    if not exclusions:
        return network.num_addresses - 2 if network.num_addresses > 2 else network.num_addresses
    return sum(1 for _ in addresses(cidr, exclusions))


async def collect_device(client, probe: dict, address: str, credential: Credential) -> dict:
    """Every collector against one answering host; odd replies end up in `problems`."""
    device = system_group(probe)
    device["address"] = address
    device["credential"] = credential.label()
    problems = Problems()
    for name, collector in COLLECTORS:
        try:
            found = await collector(client, device, problems)
        except SnmpTimeout:
            problems.add(f"{name}: agent stopped answering")
            break
        except (SnmpError, ValueError, TypeError, UnicodeError) as exc:
            problems.add(f"{name}: malformed reply ({exc.__class__.__name__})")
            continue
        for key, value in found.items():
            # Later collectors refine earlier ones, but an empty answer never erases.
            if value not in (None, "", [], {}) or key not in device:
                device[key] = value
        if any("stopped answering" in item for item in problems.items):
            break  # the host went quiet: don't spend one timeout per remaining table
    device["problems"] = problems.items
    return device


async def sweep(config: SweepConfig, progress: ProgressCallback | None = None) -> SweepResult:
    """Probe every address of the range concurrently and collect from those that answer.

    Credentials are tried in order: each probes the addresses the ones before it left
    silent. v2c probes go through `probe.probe_v2c` (a pre-encoded GET, no engine work per
    silent address); v3 probes need the engine. Collection from answering hosts starts as
    soon as they answer, under the same concurrency bound, so a /24 still takes one timeout.
    """
    result = SweepResult()
    started = time.monotonic()
    sessions = [SnmpSession(credential) for credential in config.credentials]
    total = count_addresses(config.cidr, config.exclusions)
    family = (
        socket.AF_INET6
        if ipaddress.ip_network(config.cidr, strict=False).version == 6
        else socket.AF_INET
    )
    collecting = asyncio.Semaphore(max(1, config.concurrency))
    collections: set[asyncio.Task] = set()

    async def report_every(seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            await report()

    async def report() -> None:
        if progress is not None:
            await progress({"probed": result.probed, "answered": result.answered, "total": total})

    def done_with(address: str) -> None:
        result.probed += 1

    def failed(address: str, problem: str) -> None:
        result.failed += 1
        result.problems.append(f"{address}: {problem}")
        done_with(address)

    def answered(session: SnmpSession, address: str, client=None) -> None:
        task = asyncio.create_task(collect(session, address, client))
        collections.add(task)
        task.add_done_callback(collections.discard)

    async def collect(session: SnmpSession, address: str, client) -> None:
        async with collecting:
            try:
                await collect_one(session, address, client)
            finally:
                done_with(address)

    async def collect_one(session: SnmpSession, address: str, client) -> None:
        try:
            if client is None:
                client = await session.client(address, config.port, config.timeout, config.retries)
            probe = await client.get(PROBE_OIDS)
        except SnmpTimeout:
            result.failed += 1
            result.problems.append(f"{address}: answered once, then went quiet")
            return
        except SnmpError as exc:
            result.failed += 1
            result.problems.append(f"{address}: {exc}")
            return
        if not any(value is not None for value in probe.values()):
            result.malformed += 1
            result.problems.append(f"{address}: answered with no system group")
            return
        result.answered += 1
        if config.collect:
            try:
                device = await collect_device(client, probe, address, session.credential)
            except Exception as exc:  # noqa: BLE001 - one odd agent must not end the run
                result.malformed += 1
                result.problems.append(f"{address}: {exc.__class__.__name__}: {exc}")
                return
            if device["problems"]:
                result.malformed += 1
                result.problems.extend(f"{address}: {item}" for item in device["problems"])
        else:
            device = system_group(probe) | {"address": address}
        result.devices.append(device)

    async def probe_with_engine(session: SnmpSession, remaining: Iterable[str], silent) -> None:
        """The v3 probe: one GET through the engine per address, a pool of workers."""
        source = iter(remaining)

        async def worker() -> None:
            for address in source:
                try:
                    client = await session.client(
                        address, config.port, config.timeout, config.retries
                    )
                    # One small GET decides whether the host is there; the full system
                    # group waits for a reply.
                    await client.get([SYS_OBJECT_ID])
                except SnmpTimeout:
                    silent(address)
                    continue
                except SnmpError as exc:
                    failed(address, str(exc))
                    continue
                answered(session, address, client)

        await asyncio.gather(*(worker() for _ in range(max(1, min(config.concurrency, total)))))

    reporter = asyncio.create_task(report_every(0.5))
    try:
        remaining: Iterable[str] = addresses(config.cidr, config.exclusions)
        for index, session in enumerate(sessions):
            last = index == len(sessions) - 1
            # Addresses silent to this credential are tried with the next one; only a
            # multi-credential range pays for holding them.
            carried: list[str] = []
            silent = done_with if last else carried.append
            if session.credential.version == "v3":
                await probe_with_engine(session, remaining, silent)
            else:
                await probe_v2c(
                    remaining,
                    community=session.credential.community,
                    oid=SYS_OBJECT_ID,
                    port=config.port,
                    timeout=config.timeout,
                    retries=config.retries,
                    window=max(1, config.concurrency),
                    answered=lambda address, session=session: answered(session, address),
                    silent=silent,
                    garbled=lambda address: failed(address, "unreadable reply"),
                    family=family,
                )
            remaining = carried
        while collections:
            await asyncio.gather(*list(collections))
    finally:
        reporter.cancel()
        for task in list(collections):
            task.cancel()
        for session in sessions:
            session.close()
    result.duration = time.monotonic() - started
    await report()
    return result
