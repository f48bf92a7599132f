"""Discovery of real switches and firewalls recorded in the `snmpsim-data` package.

Several recordings are served at once on loopback; two runs reconcile them at the same
time, and each device must end up as exactly one asset with its ENTITY-MIB serial and model.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import snmpsim_data
from django.db import connection

from assets.actions.discovery import do_queue_discovery_run
from assets.discovery.execute import execute_run
from assets.discovery.snmp import Credential
from assets.models import Asset, DiscoveryRun, NetworkInterface
from tests.assets.agents import free_port, start_snmpsim

RECORDINGS = Path(snmpsim_data.__file__).parent / "data"

# address: (recording, serial, model, vendor) as read from each recording's chassis row.
DEVICES = {
    "127.0.4.1": ("network/switch/cisco-c3560", "FOC1408Z61U", "WS-C3560G-48TS-E", "Cisco"),
    "127.0.4.2": ("network/switch/cisco-c3750", "FDO1622Y10H", "WS-C3750G-12S-S", "Cisco"),
    "127.0.4.3": ("network/switch/hpe-procurve-516733-b21", "3C421900TX", "516733-B21", "H"),
    "127.0.4.4": ("network/firewall/paloalto-pa-5000", "0009C100761", "PA-5050", "Palo Alto"),
}


@pytest.fixture(scope="module")
def recorded_switches():
    """snmpsim serving the recordings, one process each, on their loopback addresses."""
    port = free_port()
    agents = start_snmpsim(
        [
            (RECORDINGS / f"{recording}.snmprec.bz2", [(address, port)])
            for address, (recording, *_rest) in DEVICES.items()
        ]
    )
    yield port
    for agent in agents:
        agent.stop()


@pytest.mark.django_db(transaction=True)
def test_should_register_each_recorded_switch_once_by_serial_even_with_two_runs_at_once(
    world, recorded_switches
):
    errors = []

    def one_run():
        try:
            queued = do_queue_discovery_run(
                actor=None, organisation=world.north, cidr="127.0.4.0/29"
            )
            execute_run(
                queued,
                [Credential()],
                auto_register=True,
                port=recorded_switches,
                timeout=5.0,
                retries=2,
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    runs = list(DiscoveryRun.objects.all())
    # Recorded walks are served by Python on a shared machine: generous timeouts, and any
    # problem is printed rather than guessed at.
    assert all(run.answered == len(DEVICES) and not run.problems for run in runs), [
        run.problems for run in runs
    ]
    assert Asset.objects.count() == len(DEVICES)
    for address, (_recording, serial, model, vendor) in DEVICES.items():
        asset = Asset.objects.get(addresses__address=address)
        assert (asset.serial, asset.model_name) == (serial, model)
        assert asset.manufacturer.startswith(vendor)
        assert asset.interfaces.exists()
    assert NetworkInterface.objects.values("mac").distinct().count() == (
        NetworkInterface.objects.count()
    )

    # A third run, alone, finds every device already registered and changes nothing.
    queued = do_queue_discovery_run(actor=None, organisation=world.north, cidr="127.0.4.0/29")
    third = execute_run(
        queued, [Credential()], auto_register=True, port=recorded_switches, timeout=5.0, retries=2
    )
    assert (third.answered, third.new, third.changed) == (len(DEVICES), 0, 0)
    assert Asset.objects.count() == len(DEVICES)
