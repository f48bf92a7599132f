"""Rules around reconcile: software matched to licences by name, MAC conflicts counted,
assets flagged after each range's own number of missed runs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assets.actions.discovery import do_finish_discovery_run, do_queue_discovery_run
from assets.actions.register import do_create_asset, do_create_licence
from assets.discovery.execute import execute_run
from assets.discovery.runner import SweepResult
from assets.discovery.snmp import Credential
from assets.models import (
    Asset,
    DiscoveryRange,
    DiscoveryRun,
    IPAddress,
    NetworkInterface,
    SoftwareProduct,
)
from assets.queries import alerts, licence_compliance
from assets.software_match import normalise_name
from core.audit import history_of
from tests.conftest import PASSWORD


def discover(organisation, cidr, port):
    """One run that registers what it finds, as a range with auto-register would."""
    queued = do_queue_discovery_run(actor=None, organisation=organisation, cidr=cidr)
    return execute_run(
        queued, [Credential()], auto_register=True, port=port, timeout=1.0, retries=1
    )


@pytest.mark.parametrize(
    ("found", "normalised"),
    [
        ("Mozilla Firefox 115.0.2 (x64 en-GB)", "mozilla firefox"),
        ("Mozilla Firefox 19.0.2 (x86 ru)", "mozilla firefox"),
        (
            "Microsoft® Office Professional Plus 2016 - en-us",
            "microsoft office professional plus 2016",
        ),
        ("Microsoft Office Professional Plus 2016", "microsoft office professional plus 2016"),
        ("PuTTY version 0.60", "putty"),
        ("Adobe Reader 9", "adobe reader 9"),  # a bare number is part of the name
        ("OpenSSL 1.0.1e (32-bit)", "openssl"),
    ],
)
def test_should_normalise_names_to_what_licences_are_bought_for(found, normalised):
    assert normalise_name(found) == normalised


@pytest.mark.django_db
def test_should_count_discovered_windows_software_against_licensed_products(
    world, snmp_agents, asset_manager, client
):
    discover(world.north, "127.0.1.1/32", snmp_agents.sim_port)
    xp = Asset.objects.get(addresses__address="127.0.1.1")
    assert xp.software.count() == 140
    firefox = SoftwareProduct.objects.create(vendor="Mozilla", name="Firefox")
    python = SoftwareProduct.objects.create(name="Python")
    office_2003 = SoftwareProduct.objects.create(
        vendor="Microsoft",
        name="Office Professional 2003",
        match_patterns="microsoft office - *2003",
    )
    office_any = SoftwareProduct.objects.create(
        vendor="Microsoft", name="Office (other)", match_patterns="Microsoft Office*"
    )
    for product, entitled in ((firefox, 1), (python, 0), (office_2003, 1), (office_any, 0)):
        do_create_licence(
            actor=asset_manager,
            organisation=world.north,
            values={"product": product, "kind": "per_device", "entitlements": entitled},
        )
    rows = {row.product.pk: row for row in licence_compliance(asset_manager)}
    # "Mozilla Firefox 19.0.2 (x86 ru)" is the vendor plus the licensed name once normalised.
    assert rows[firefox.pk].installed == 1 and rows[firefox.pk].compliant
    # Three Pythons on one machine (2.4, 2.6.1, 2.7.3) are one installation to license.
    assert rows[python.pk].installed == 1 and rows[python.pk].shortfall == 1
    # The localised Office 2003 takes the more specific rule, not the catch-all.
    assert rows[office_2003.pk].installed == 1 and rows[office_2003.pk].compliant
    # The catch-all still picks up "Microsoft Office Access database engine 2007".
    assert rows[office_any.pk].installed == 1
    over = {
        alert.subject for alert in alerts(asset_manager) if alert.kind == "Licence over-deployed"
    }
    assert over == {f"{product} ({world.north.name})" for product in (python, office_any)}

    # The asset manager adds a pattern on the product page; compliance follows.
    client.login(username=asset_manager.username, password=PASSWORD)
    url = reverse("assets:product_edit", args=[python.pk])
    assert url in client.get(reverse("assets:compliance")).content.decode()
    response = client.post(
        url, {"vendor": "", "name": "Python", "match_patterns": "  \nnot python*\n"}
    )
    assert response.status_code == 302
    assert SoftwareProduct.objects.get(pk=python.pk).match_patterns == "not python*"
    event = history_of(python).get(verb="software_product.updated")
    assert event.after == {"match_patterns": "not python*"}


@pytest.mark.django_db
def test_should_keep_match_rules_to_people_who_may_change_products(world, client):
    product = SoftwareProduct.objects.create(name="Visio")
    client.login(username=world.agent.username, password=PASSWORD)
    response = client.post(
        reverse("assets:product_edit", args=[product.pk]), {"name": "Visio", "match_patterns": "*"}
    )
    assert response.status_code == 403
    assert SoftwareProduct.objects.get(pk=product.pk).match_patterns == ""


@pytest.mark.django_db
def test_should_count_and_show_mac_conflicts_instead_of_skipping_them(
    world, snmp_agents, asset_manager, client
):
    discover(world.north, "127.0.1.6/32", snmp_agents.sim_port)
    switch = Asset.objects.get(serial="FOC1932X0AB")
    other = do_create_asset(
        actor=asset_manager, organisation=world.north, values={"asset_tag": "X"}
    )
    # Someone recorded one of the switch's MACs on another asset by hand.
    NetworkInterface.objects.filter(mac="00:23:ab:5c:6d:01").update(asset=other)

    again = discover(world.north, "127.0.1.6/32", snmp_agents.sim_port)
    assert again.mac_conflicts == 1
    assert any("00:23:ab:5c:6d:01" in problem for problem in again.problems)
    # Left where a person put it, not moved by discovery.
    assert NetworkInterface.objects.get(mac="00:23:ab:5c:6d:01").asset == other
    assert switch.interfaces.count() == 2
    client.login(username=asset_manager.username, password=PASSWORD)
    page = client.get(again.get_absolute_url()).content.decode()
    assert 'id="run-mac-conflicts">1' in page and "00:23:ab:5c:6d:01" in page


@pytest.mark.django_db
def test_should_flag_missing_assets_after_each_ranges_own_threshold(world, asset_manager):
    def deployed_at(tag, address):
        asset = do_create_asset(
            actor=asset_manager,
            organisation=world.north,
            status="deployed",
            values={"asset_tag": tag},
        )
        IPAddress.objects.create(asset=asset, organisation=world.north, address=address)
        return asset

    laptop = deployed_at("LAPTOP", "10.7.0.5")
    switch = deployed_at("SWITCH", "10.8.0.5")
    laptops = DiscoveryRange.objects.create(
        organisation=world.north, name="laptops", cidr="10.7.0.0/24", missed_runs_threshold=5
    )
    switches = DiscoveryRange.objects.create(
        organisation=world.north, name="switches", cidr="10.8.0.0/24", missed_runs_threshold=1
    )

    def finish(discovery_range, seen=()):
        run = DiscoveryRun.objects.create(
            organisation=world.north, range=discovery_range, cidr=discovery_range.cidr
        )
        return do_finish_discovery_run(
            run, sweep=SweepResult(), outcomes={}, seen_asset_ids=list(seen)
        )

    assert finish(switches).flagged_missing == 1
    for _ in range(4):
        assert finish(laptops).flagged_missing == 0
    flagged = {a.subject for a in alerts(asset_manager) if a.kind == "Not seen by discovery"}
    assert flagged == {str(switch)}
    assert finish(laptops).flagged_missing == 1
    assert finish(laptops).flagged_missing == 0  # already flagged: counted once
    assert Asset.objects.get(pk=laptop.pk).flagged_missing
    finish(laptops, seen=[laptop.pk])
    laptop = Asset.objects.get(pk=laptop.pk)
    assert (laptop.missed_runs, laptop.flagged_missing) == (0, False)
