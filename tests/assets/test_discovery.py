"""Discovery against real agents: net-snmp snmpd (v2c, v3) and snmpsim recordings."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection

from assets.actions.discovery import (
    do_confirm_discovered_device,
    do_ignore_discovered_device,
    do_merge_discovered_device,
    do_queue_discovery_run,
)
from assets.discovery.execute import execute_run
from assets.discovery.runner import SweepConfig, sweep
from assets.discovery.snmp import Credential
from assets.models import (
    Asset,
    DiscoveredDevice,
    IPAddress,
    NetworkInterface,
    StagingStatus,
)
from core.audit import history_of
from core.models import AuditEvent
from tests.assets.agents import HERE, free_port, start_snmpsim

# Generous enough for a busy CI machine; a silent address still costs only 2 s, in parallel.
FAST = {"timeout": 1.0, "retries": 1}
SIM_RANGE = "127.0.1.0/28"


def run(organisation, cidr, port, credentials=None, register=False, **extra):
    """Queue and execute one run, as the Huey task would."""
    queued = do_queue_discovery_run(actor=None, organisation=organisation, cidr=cidr)
    return execute_run(
        queued,
        credentials or [Credential()],
        auto_register=register,
        port=port,
        **(FAST | extra),
    )


@pytest.mark.django_db
def test_should_register_snmpd_by_v2c_then_recognise_it_by_v3(world, snmp_agents, capsys):
    call_command(
        "discover",
        "127.0.0.1/32",
        "--port",
        str(snmp_agents.snmpd_port),
        "--register",
        "--timeout",
        "1",
        "--retries",
        "0",
        "--organisation",
        "north",
    )
    assert "answered 1, new 1" in capsys.readouterr().out
    asset = Asset.objects.get(hostname="civic-snmpd")
    assert asset.os_name == "Linux" and asset.manufacturer == "net-snmp"
    assert asset.memory_kb and asset.software.count() > 10
    assert asset.interfaces.exists()
    v3 = Credential(version="v3", auth_protocol="SHA", priv_protocol="AES", **snmp_agents.v3)
    # v3 needs an engine-ID discovery round trip first: allow for a busy machine.
    second = run(
        world.north,
        "127.0.0.1/32",
        snmp_agents.snmpd_port,
        [v3],
        register=True,
        timeout=2,
        retries=1,
    )
    assert (second.answered, second.new, second.changed, second.unchanged) == (1, 0, 0, 1)
    assert Asset.objects.count() == 1


@pytest.mark.django_db
def test_should_refuse_wrong_v3_key_without_crashing(world, snmp_agents):
    wrong = Credential(
        version="v3",
        user=snmp_agents.v3["user"],
        auth_protocol="SHA",
        auth_key="wrong-key-123",
        priv_protocol="AES",
        priv_key="wrong-key-456",
    )
    result = run(world.north, "127.0.0.1/32", snmp_agents.snmpd_port, [wrong])
    assert result.answered == 0 and result.new == 0
    assert result.status == "finished"


@pytest.mark.django_db
def test_should_stage_several_recorded_devices_and_rerun_changes_nothing(world, snmp_agents):
    first = run(world.north, SIM_RANGE, snmp_agents.sim_port)
    assert first.answered == 7
    assert first.new == 7
    staged = {d.address: d for d in DiscoveredDevice.objects.all()}
    assert staged["127.0.1.1"].vendor == "Microsoft"
    assert staged["127.0.1.6"].serial == "FOC1932X0AB"
    assert staged["127.0.1.6"].model_name == "WS-C2960X-24PS-L"
    assert staged["127.0.1.5"].data["printer_counters"]["pages"] == 184223
    assert staged["127.0.1.5"].data["printer_counters"]["supplies"]["Cyan Toner"] == 40
    assert staged["127.0.1.3"].vendor.startswith("MGE")  # a UPS answering almost nothing
    assert Asset.objects.count() == 0
    # Wrong types (an OID as text, 3-byte MACs, text memory) are counted, not fatal.
    assert first.malformed >= 1
    assert staged["127.0.1.9"].sys_name == "odd-agent" and staged["127.0.1.9"].macs == []

    events = AuditEvent.objects.count()
    second = run(world.north, SIM_RANGE, snmp_agents.sim_port)
    assert (second.new, second.changed, second.unchanged) == (0, 0, 7)
    assert AuditEvent.objects.count() == events + 1  # only the second run's own "queued"


@pytest.mark.django_db
def test_should_confirm_merge_and_ignore_staged_devices(world, snmp_agents, asset_manager):
    run(world.north, "127.0.1.0/29", snmp_agents.sim_port)
    by_address = {d.address: d for d in DiscoveredDevice.objects.all()}
    xp = do_confirm_discovered_device(actor=asset_manager, device_id=by_address["127.0.1.1"].pk)
    assert xp.os_name == "Windows XP" and xp.end_of_support.year == 2014
    assert xp.software.count() == 140
    assert xp.addresses.filter(address="127.0.1.1").exists()
    assert history_of(xp).filter(verb="asset.confirmed_from_discovery").exists()

    switch = Asset.objects.create(
        organisation=world.north, asset_tag="NORTH-SW-1", serial="", category="switch"
    )
    merged = do_merge_discovered_device(
        actor=asset_manager, device_id=by_address["127.0.1.6"].pk, asset_id=switch.pk
    )
    assert merged.serial == "FOC1932X0AB" and merged.asset_tag == "NORTH-SW-1"
    do_ignore_discovered_device(actor=asset_manager, device_id=by_address["127.0.1.4"].pk)

    again = run(world.north, "127.0.1.0/29", snmp_agents.sim_port)
    assert again.new == 0 and again.changed == 0
    assert Asset.objects.count() == 2
    assert DiscoveredDevice.objects.get(address="127.0.1.4").status == StagingStatus.IGNORED
    xp = Asset.objects.get(pk=xp.pk)
    assert xp.last_seen is not None


@pytest.mark.django_db
def test_should_update_asset_and_history_when_a_recorded_value_changes(
    world, snmp_agents, tmp_path
):
    port = free_port()
    original = HERE / "data" / "access-switch.snmprec"
    agents = start_snmpsim([(original, [("127.0.3.1", port)])])
    try:
        run(world.north, "127.0.3.1/32", port, register=True)
    finally:
        for agent in agents:
            agent.stop()
    asset = Asset.objects.get(serial="FOC1932X0AB")
    assert asset.os_version == "15.0(2)SE11"
    changed = tmp_path / "switch.snmprec"
    changed.write_text(
        original.read_text()
        .replace("Version 15.0(2)SE11", "Version 15.2(7)E8")
        .replace("1.3.6.1.2.1.4.20.1.2.10.20.30.40|2|1", "1.3.6.1.2.1.4.20.1.2.10.20.30.41|2|1")
    )
    agents = start_snmpsim([(changed, [("127.0.3.2", port)])])  # it also moved address
    try:
        second = run(world.north, "127.0.3.2/32", port, register=True)
    finally:
        for agent in agents:
            agent.stop()
    assert (second.new, second.changed) == (0, 1)
    asset = Asset.objects.get(pk=asset.pk)
    assert asset.os_version == "15.2(7)E8"
    assert set(asset.addresses.values_list("address", flat=True)) >= {"127.0.3.2", "10.20.30.41"}
    verbs = [event.after for event in history_of(asset).filter(verb="asset.discovered")]
    assert any(after.get("os_version") == "15.2(7)E8" for after in verbs)
    assert any("addresses" in after for after in verbs)
    assert Asset.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_should_never_duplicate_when_two_runs_reconcile_at_once(world, snmp_agents):
    errors = []

    def one_run():
        try:
            run(world.north, SIM_RANGE, snmp_agents.sim_port, register=True)
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
    assert Asset.objects.count() == 7
    assert Asset.objects.filter(serial="FOC1932X0AB").count() == 1
    assert (
        NetworkInterface.objects.values("mac").distinct().count()
        == NetworkInterface.objects.count()
    )
    assert IPAddress.objects.filter(address="127.0.1.4").count() == 1


@pytest.mark.django_db
def test_should_count_an_agent_that_stops_answering_mid_walk(world, snmp_agents):
    result = run(world.north, "127.0.1.20/32", snmp_agents.sim_port)
    assert result.answered == 1 and result.malformed == 1
    assert any("truncated" in problem for problem in result.problems)
    staged = DiscoveredDevice.objects.get(address="127.0.1.20")
    assert staged.sys_name == "late-agent"  # the system group it did send is kept


def test_should_cost_one_timeout_for_a_silent_range():
    config = SweepConfig(
        cidr="127.0.2.0/24",
        credentials=[Credential()],
        port=free_port(),
        timeout=0.5,
        retries=0,
        concurrency=256,
    )
    started = time.monotonic()
    result = asyncio.run(sweep(config))
    elapsed = time.monotonic() - started
    assert result.probed == 254 and result.answered == 0
    # Loose on purpose (timings belong to bench/): one at a time this would take 127 s.
    assert elapsed < 15


def test_should_skip_excluded_addresses():
    config = SweepConfig(
        cidr="127.0.2.0/29",
        exclusions=["127.0.2.4/30"],
        credentials=[Credential()],
        port=free_port(),
        timeout=0.2,
        retries=0,
    )
    result = asyncio.run(sweep(config))
    assert result.probed == 3


@pytest.mark.django_db
def test_should_run_a_range_from_its_page_and_decide_from_staging(
    world, snmp_agents, asset_manager, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from assets.actions.discovery import do_create_discovery_range, do_create_snmp_credential
    from tests.conftest import PASSWORD

    credential = do_create_snmp_credential(
        actor=asset_manager,
        organisation=world.north,
        name="public",
        version="v2c",
        community="public",
    )
    discovery_range = do_create_discovery_range(
        actor=asset_manager,
        organisation=world.north,
        credentials=[credential],
        values={
            "name": "sim",
            "cidr": "127.0.1.0/29",
            "port": snmp_agents.sim_port,
            "timeout": 1.0,
            "retries": 1,
        },
    )
    client.login(username=asset_manager.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assets:range_run", args=[discovery_range.pk]))
    run_page = client.get(response["Location"])
    assert run_page.status_code == 200
    run_obj = run_page.context["object"]
    assert (run_obj.status, run_obj.answered, run_obj.new) == ("finished", 6, 6)
    staged = DiscoveredDevice.objects.get(address="127.0.1.5")
    assert b"PRN-HALL-2F" in client.get(reverse("assets:staging_list")).content
    client.post(reverse("assets:staging_decide", args=[staged.pk]), {"decision": "confirm"})
    printer = Asset.objects.get(serial="E174M930112")
    assert printer.category == "printer" and printer.printer_counters["pages"] == 184223
    assert client.get(printer.get_absolute_url()).status_code == 200
