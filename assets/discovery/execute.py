"""Running one discovery: sweep (async, no ORM), then reconcile each device (one action).

The management command and the Huey task both call `execute_run`.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from channels.layers import get_channel_layer

from assets.actions.discovery import (
    do_finish_discovery_run,
    do_mark_run_started,
    do_reconcile_discovered_device,
    run_group,
)
from assets.discovery.runner import SweepConfig, SweepResult, count_addresses, sweep
from assets.discovery.snmp import Credential
from assets.models import DiscoveryRun


def credentials_of_range(run: DiscoveryRun) -> list[Credential]:
    """The decrypted credentials of the run's range, in the order they were attached."""
    if run.range_id is None:
        return []
    return [
        Credential(**credential.as_plain()) for credential in run.range.credentials.order_by("pk")
    ]


def config_for(run: DiscoveryRun, credentials: list[Credential] | None = None, **overrides):
    """The sweep configuration of a run: its range's settings, then any overrides."""
    discovery_range = run.range
    settings = {
        "cidr": run.cidr,
        "credentials": credentials or credentials_of_range(run),
        "exclusions": discovery_range.exclusion_networks() if discovery_range else [],
        "port": discovery_range.port if discovery_range else 161,
        "timeout": discovery_range.timeout if discovery_range else 1.0,
        "retries": discovery_range.retries if discovery_range else 1,
        "concurrency": discovery_range.concurrency if discovery_range else 256,
    }
    settings.update({key: value for key, value in overrides.items() if value is not None})
    return SweepConfig(**settings)


def _progress_sender(run_id: int):
    """An async callback that streams progress to the run's page (not a DB change, so sent
    straight away rather than on commit)."""
    layer = get_channel_layer()

    async def send(progress: dict) -> None:
        if layer is not None:
            await layer.group_send(
                run_group(run_id), {"type": "event", "payload": {"type": "progress", **progress}}
            )

    return send


def execute_run(
    run: DiscoveryRun,
    credentials: list[Credential] | None = None,
    auto_register: bool | None = None,
    **overrides,
) -> DiscoveryRun:
    """Sweep the run's range and reconcile what answered; returns the finished run."""
    config = config_for(run, credentials, **overrides)
    if auto_register is None:
        auto_register = bool(run.range and run.range.auto_register)
    do_mark_run_started(run, count_addresses(config.cidr, config.exclusions))
    if not config.credentials:
        return do_finish_discovery_run(
            run,
            sweep=SweepResult(),
            outcomes={},
            seen_asset_ids=[],
            error="No SNMP credential to try.",
        )
    # A fresh event loop per run: the engine belongs to the loop that created it.
    result = asyncio.run(sweep(config, _progress_sender(run.pk)))
    outcomes: Counter = Counter()
    seen = []
    conflicts = []
    for device in result.devices:
        done = do_reconcile_discovered_device(run, device, auto_register=auto_register)
        outcomes[done.outcome] += 1
        if done.asset_id:
            seen.append(done.asset_id)
        conflicts.extend((device["address"], mac) for mac in done.mac_conflicts)
    return do_finish_discovery_run(
        run, sweep=result, outcomes=outcomes, seen_asset_ids=seen, mac_conflicts=conflicts
    )
