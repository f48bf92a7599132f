"""The sweep: probe every address with one GET, walk only those that answer.

One engine per run (per credential), a bounded number of hosts in flight (a fixed pool of
workers pulling addresses from a generator, so a /16 never holds 65,536 tasks), a timeout
and retry count per request. A silent address costs one timeout per credential.
Returns plain data; reconciling it into the register is `assets.actions.discovery`'s job.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from assets.discovery.collectors import (
    COLLECTORS,
    PROBE_OIDS,
    SYSTEM,
    Problems,
    system_group,
)
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
    """Probe every address of the range concurrently and collect from those that answer."""
    result = SweepResult()
    started = time.monotonic()
    sessions = [SnmpSession(credential) for credential in config.credentials]
    queue = addresses(config.cidr, config.exclusions)
    total = count_addresses(config.cidr, config.exclusions)
    last_report = 0.0

    async def report(force: bool = False) -> None:
        nonlocal last_report
        now = time.monotonic()
        if progress is not None and (force or now - last_report > 0.5):
            last_report = now
            await progress({"probed": result.probed, "answered": result.answered, "total": total})

    async def one(address: str) -> None:
        for session in sessions:
            try:
                client = await session.client(address, config.port, config.timeout, config.retries)
                # One small GET decides whether the host is there: encoding a PDU is most of
                # the CPU a silent address costs, so the full system group waits for a reply.
                await client.get([SYS_OBJECT_ID])
            except SnmpTimeout:
                continue
            except SnmpError as exc:
                result.failed += 1
                result.problems.append(f"{address}: {exc}")
                return
            try:
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
            return

    async def worker() -> None:
        for address in queue:
            await one(address)
            result.probed += 1
            await report()

    try:
        workers = max(1, min(config.concurrency, total))
        await asyncio.gather(*(worker() for _ in range(workers)))
    finally:
        for session in sessions:
            session.close()
    result.duration = time.monotonic() - started
    await report(force=True)
    return result
