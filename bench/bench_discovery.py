"""Benchmark of SNMP discovery on loopback (real snmpd and snmpsim agents).

    .venv/bin/python bench/bench_discovery.py            # all scenarios
    .venv/bin/python bench/bench_discovery.py --only sweep24 sweep16 gets reconcile200

Each scenario runs in a fresh child process so its wall time and peak memory (max RSS)
are its own. Scenarios:
- sweep24: a /24 of loopback addresses, 5 answering, 1 s timeout, no retries.
- sweep16: a /16 (65,534 addresses), 3 answering, 1 s timeout, no retries, 4,096 probes
  in flight (at 1,024 a silent /16 cannot finish under 64 s: 65,534 / 1,024 timeouts).
- gets: identification GETs per second against snmpd, discovery's client vs a bare
  pysnmp loop sharing one engine, same concurrency.
- reconcile200: discover and reconcile 200 snmpsim devices, then again (writes counted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sweep_scenario(cidr: str, answering: list[str], concurrency: int) -> dict:
    """Sweep `cidr` with snmpsim answering on `answering`; time one full sweep."""
    from assets.discovery.runner import SweepConfig, sweep
    from assets.discovery.snmp import Credential
    from tests.assets.agents import RECORDED, free_port, start_snmpsim

    port = free_port()
    agents = start_snmpsim(
        [(RECORDED / "linksys-system.snmprec", [(address, port) for address in answering])]
    )
    try:
        config = SweepConfig(
            cidr=cidr,
            credentials=[Credential()],
            port=port,
            timeout=1.0,
            retries=0,
            concurrency=concurrency,
        )
        started = time.monotonic()
        result = asyncio.run(sweep(config))
        wall = time.monotonic() - started
    finally:
        for agent in agents:
            agent.stop()
    return {
        "cidr": cidr,
        "probed": result.probed,
        "answered": result.answered,
        "wall_s": round(wall, 2),
        "concurrency": concurrency,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def gets_scenario(seconds: float = 4.0, concurrency: int = 50) -> dict:
    """GETs of the 6 system-group OIDs per second: discovery's client vs bare pysnmp."""
    from pyasn1.type.univ import Null
    from pysnmp.hlapi.v1arch import asyncio as v1
    from pysnmp.proto.rfc1902 import ObjectName

    from assets.discovery.collectors import PROBE_OIDS
    from assets.discovery.snmp import Credential, SnmpSession
    from tests.assets.agents import free_port, start_snmpd

    port = free_port()
    agent = start_snmpd(port)

    async def bare() -> int:
        dispatcher = v1.SnmpDispatcher()
        auth = v1.CommunityData("public", mpModel=1)
        binds = [(ObjectName(oid), Null("")) for oid in PROBE_OIDS]
        done = 0
        end = time.monotonic() + seconds

        async def worker():
            nonlocal done
            target = await v1.UdpTransportTarget.create(("127.0.0.1", port), timeout=1, retries=0)
            while time.monotonic() < end:
                error, *_ = await v1.get_cmd(dispatcher, auth, target, *binds)
                done += error is None

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        dispatcher.transport_dispatcher.close_dispatcher()
        return done

    async def ours() -> int:
        session = SnmpSession(Credential())
        done = 0
        end = time.monotonic() + seconds

        async def worker():
            nonlocal done
            client = await session.client("127.0.0.1", port, 1, 0)
            while time.monotonic() < end:
                values = await client.get(PROBE_OIDS)
                done += bool(values)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        session.close()
        return done

    try:
        bare_rate = asyncio.run(bare()) / seconds
        our_rate = asyncio.run(ours()) / seconds
    finally:
        agent.stop()
    return {
        "bare_gets_per_s": round(bare_rate),
        "discovery_gets_per_s": round(our_rate),
        "ratio": round(our_rate / bare_rate, 2),
        "concurrency": concurrency,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def reconcile_scenario(devices: int = 200) -> dict:
    """Discover and reconcile `devices` snmpsim devices twice on a scratch database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from assets.actions.discovery import do_queue_discovery_run
    from assets.discovery.execute import execute_run
    from assets.discovery.snmp import Credential
    from assets.models import Asset
    from core.models import AuditEvent, Organisation
    from tests.assets.agents import RECORDED, free_port, start_snmpsim

    setup_test_environment()
    if connection.vendor == "sqlite":
        # A scratch file of our own, never the suite's test database.
        connection.settings_dict["TEST"]["NAME"] = "/tmp/civicdesk-bench-discovery.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    port = free_port()
    addresses = [f"127.6.0.{1 + i}" for i in range(devices)]
    # 200 endpoints, one process: devices differ by address and are told apart by
    # name + address (the recording has no serial or MAC), the hardest identity path.
    recordings = [
        (RECORDED / "linux-full-walk.snmprec", [(addresses[0], port)]),
        (RECORDED / "linksys-system.snmprec", [(a, port) for a in addresses[1:]]),
    ]
    agents = start_snmpsim(recordings)
    try:
        organisation = Organisation.objects.create(name="Bench Council", slug="bench")
        cidr = "127.6.0.0/24"
        figures = {}
        for label in ("first", "second"):
            run = do_queue_discovery_run(actor=None, organisation=organisation, cidr=cidr)
            audit_before = AuditEvent.objects.count()
            started = time.monotonic()
            with CaptureQueriesContext(connection) as queries:
                run = execute_run(
                    run,
                    [Credential()],
                    auto_register=True,
                    port=port,
                    timeout=2.0,
                    retries=2,
                    concurrency=64,
                )
            wall = time.monotonic() - started
            writes = [
                q["sql"]
                for q in queries.captured_queries
                if q["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")
            ]
            register_writes = [
                sql for sql in writes if "assets_discoveryrun" not in sql and "last_seen" not in sql
            ]
            figures[label] = {
                "wall_s": round(wall, 2),
                "answered": run.answered,
                "new": run.new,
                "changed": run.changed,
                "unchanged": run.unchanged,
                "register_writes": len(register_writes),
                "audit_events": AuditEvent.objects.count() - audit_before,
            }
        figures["assets"] = Asset.objects.count()
        figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
        figures["database"] = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        return figures
    finally:
        for agent in agents:
            agent.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)


SCENARIOS = {
    "sweep24": lambda: sweep_scenario(
        "127.4.0.0/24", [f"127.4.0.{n}" for n in (10, 50, 100, 150, 200)], 256
    ),
    "sweep16": lambda: sweep_scenario(
        "127.5.0.0/16", ["127.5.0.10", "127.5.100.20", "127.5.200.30"], 4096
    ),
    "gets": gets_scenario,
    "reconcile200": reconcile_scenario,
}


def main() -> None:
    """Run each scenario in its own process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--child", choices=sorted(SCENARIOS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(SCENARIOS[args.child]()))
        return
    for name in args.only:
        started = time.monotonic()
        output = subprocess.run(
            [sys.executable, __file__, "--child", name],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        total = time.monotonic() - started
        line = output.stdout.strip().splitlines()[-1] if output.stdout.strip() else ""
        if output.returncode != 0 or not line:
            print(f"{name}: FAILED\n{output.stderr[-2000:]}")
            continue
        print(f"{name}: {line}  (scenario process {total:.1f} s incl. agent start-up)")


if __name__ == "__main__":
    main()
