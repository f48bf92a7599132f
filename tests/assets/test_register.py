"""The register: life cycle, permissions, visibility, pages, exports, compliance and alerts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from assets.actions.discovery import do_create_snmp_credential
from assets.actions.register import (
    do_create_asset,
    do_create_contract,
    do_create_licence,
    do_move_asset,
    do_record_installation,
)
from assets.models import Asset, AssetStatus, NetworkInterface, SnmpCredential, SoftwareProduct
from assets.queries import alerts, licence_compliance
from assets.tasks import asset_alerts_task
from core.audit import history_of
from core.exceptions import ActionError, ActionForbidden
from tests.conftest import PASSWORD

TODAY = dt.date.today()


@pytest.fixture
def laptop(world, asset_manager):
    """A laptop in stock at Northshire."""
    return do_create_asset(
        actor=asset_manager,
        organisation=world.north,
        values={
            "asset_tag": "N-0001",
            "category": "laptop",
            "serial": "5CG123",
            "manufacturer": "HP",
            "warranty_end": TODAY + dt.timedelta(days=30),
        },
    )


def test_should_walk_the_life_cycle_edge_by_edge_with_audit(laptop, asset_manager):
    for name, target in [
        ("deploy", AssetStatus.DEPLOYED),
        ("send_for_repair", AssetStatus.IN_REPAIR),
        ("deploy", AssetStatus.DEPLOYED),
        ("return_to_stock", AssetStatus.IN_STOCK),
        ("retire", AssetStatus.RETIRED),
        ("dispose", AssetStatus.DISPOSED),
    ]:
        moved = do_move_asset(actor=asset_manager, asset_id=laptop.pk, transition=name)
        assert moved.status == target
    verbs = list(history_of(laptop).values_list("verb", flat=True))
    assert "asset.dispose" in verbs and "asset.created" in verbs


def test_should_refuse_a_forbidden_edge(laptop, asset_manager):
    with pytest.raises(ActionError, match="cannot be dispose"):
        do_move_asset(actor=asset_manager, asset_id=laptop.pk, transition="dispose")


def test_should_refuse_disposal_while_someone_still_holds_it(world, asset_manager):
    asset = do_create_asset(
        actor=asset_manager,
        organisation=world.north,
        status="retired",
        values={"asset_tag": "N-9", "owner": world.agent},
    )
    # core.workflow reports an unmet condition as a missing right (django-fsm's
    # has_transition_perm also checks conditions); either way the move is refused.
    with pytest.raises(ActionError):
        do_move_asset(actor=asset_manager, asset_id=asset.pk, transition="dispose")
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.RETIRED


def test_should_refuse_moves_by_agents_and_other_councils(world, laptop):
    with pytest.raises(ActionForbidden):
        do_move_asset(actor=world.agent, asset_id=laptop.pk, transition="deploy")
    with pytest.raises(ActionForbidden):
        do_move_asset(actor=world.agent_east, asset_id=laptop.pk, transition="deploy")


def test_should_refuse_a_stale_page(laptop, asset_manager):
    do_move_asset(actor=asset_manager, asset_id=laptop.pk, transition="deploy")
    with pytest.raises(ActionError, match="changed by someone else"):
        do_move_asset(
            actor=asset_manager,
            asset_id=laptop.pk,
            transition="retire",
            expected_version=laptop.version,
        )


def test_should_protect_identity_with_constraints(world, laptop):
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.create(organisation=world.east, serial="5CG123", manufacturer="HP")
    NetworkInterface.objects.create(asset=laptop, mac="00:11:22:33:44:55")
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkInterface.objects.create(asset=laptop, mac="00:11:22:33:44:55")
    # Without a serial there is no clash.
    Asset.objects.create(organisation=world.north, manufacturer="HP")
    Asset.objects.create(organisation=world.north, manufacturer="HP")


def test_should_store_snmp_secrets_encrypted_and_never_show_them(world, asset_manager, client):
    credential = do_create_snmp_credential(
        actor=asset_manager,
        organisation=world.north,
        name="core switches",
        version="v3",
        v3_user="discovery",
        auth_key="auth-secret-1",
        priv_key="priv-secret-2",
    )
    stored = SnmpCredential.objects.get(pk=credential.pk)
    assert "auth-secret-1" not in stored.auth_key_encrypted
    assert stored.as_plain()["auth_key"] == "auth-secret-1"
    assert stored.as_plain()["priv_key"] == "priv-secret-2"
    audit = history_of(stored).get()
    assert "secret" not in str(audit.after)
    client.login(username=asset_manager.username, password=PASSWORD)
    page = client.get(reverse("assets:credential_create")).content.decode()
    assert "auth-secret-1" not in page


def test_should_compute_licence_compliance_and_alert_on_over_deployment(world, asset_manager):
    office = SoftwareProduct.objects.create(vendor="Microsoft", name="Office 2019")
    for tag in ("N-1", "N-2", "N-3"):
        asset = do_create_asset(
            actor=asset_manager,
            organisation=world.north,
            status="deployed",
            values={"asset_tag": tag},
        )
        do_record_installation(
            actor=asset_manager, asset_id=asset.pk, vendor="Microsoft", name="Office 2019"
        )
    do_create_licence(
        actor=asset_manager,
        organisation=world.north,
        values={
            "product": office,
            "kind": "per_device",
            "entitlements": 2,
            "expires": TODAY + dt.timedelta(days=10),
        },
    )
    [row] = licence_compliance(asset_manager)
    assert (row.installed, row.entitled, row.shortfall) == (3, 2, 1)
    kinds = {alert.kind for alert in alerts(asset_manager)}
    assert {"Licence over-deployed", "Licence expiring"} <= kinds
    assert licence_compliance(world.agent_east) == []


def test_should_alert_on_warranties_contracts_and_end_of_support(world, asset_manager, laptop):
    old = do_create_asset(
        actor=asset_manager,
        organisation=world.north,
        status="deployed",
        values={"asset_tag": "XP-1", "os_name": "Windows XP"},
    )
    do_create_contract(
        actor=asset_manager,
        organisation=world.north,
        values={
            "reference": "C-1",
            "supplier": "Dell",
            "kind": "support",
            "start": TODAY - dt.timedelta(days=300),
            "end": TODAY + dt.timedelta(days=60),
        },
        assets=[laptop],
    )
    found = {(alert.kind, alert.subject) for alert in alerts(asset_manager)}
    assert ("Warranty ending", "N-0001") in found
    assert ("Past end of support", str(old)) in found
    assert ("Contract ending", "C-1 (Dell)") in found
    assert alerts(world.agent_east) == []
    assert asset_alerts_task.call_local() == 1
    assert "Warranty ending" in mail.outbox[0].body


def test_pages_answer_and_export_what_is_shown(world, asset_manager, laptop, client):
    do_create_asset(
        actor=asset_manager,
        organisation=world.north,
        values={"asset_tag": "N-0002", "category": "printer"},
    )
    client.login(username=asset_manager.username, password=PASSWORD)
    for name in [
        "home",
        "asset_list",
        "asset_create",
        "licence_list",
        "licence_create",
        "compliance",
        "contract_list",
        "contract_create",
        "alerts",
        "range_list",
        "range_create",
        "credential_create",
        "run_list",
        "staging_list",
        "import",
    ]:
        assert client.get(reverse(f"assets:{name}")).status_code == 200, name
    page = client.get(laptop.get_absolute_url())
    assert page.status_code == 200 and b"asset.created" in page.content
    response = client.get(reverse("assets:asset_list"), {"category": "printer", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    tags = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert tags == ["N-0002"]


def test_should_move_an_asset_from_its_page(world, asset_manager, laptop, client):
    client.login(username=asset_manager.username, password=PASSWORD)
    url = reverse("assets:asset_transition", args=[laptop.pk, "deploy"])
    client.post(url, {"version": laptop.version})
    assert Asset.objects.get(pk=laptop.pk).status == AssetStatus.DEPLOYED


def test_other_councils_never_see_the_asset(world, laptop, client):
    client.login(username=world.agent_east.username, password=PASSWORD)
    assert client.get(laptop.get_absolute_url()).status_code in (403, 404)
    client.login(username=world.requester_north.username, password=PASSWORD)
    assert client.get(reverse("assets:asset_list")).status_code == 403


def test_should_create_an_asset_through_the_form(world, asset_manager, client):
    client.login(username=asset_manager.username, password=PASSWORD)
    response = client.post(
        reverse("assets:asset_create"),
        {
            "organisation": world.north.pk,
            "asset_tag": "N-NEW",
            "category": "desktop",
        },
    )
    assert response.status_code == 302
    asset = Asset.objects.get(asset_tag="N-NEW")
    assert history_of(asset).filter(verb="asset.created").exists()


def test_should_flag_assets_a_range_stopped_seeing(world, asset_manager):
    from assets.actions.discovery import do_finish_discovery_run
    from assets.discovery.runner import SweepResult
    from assets.models import DiscoveryRange, DiscoveryRun, IPAddress

    asset = do_create_asset(
        actor=asset_manager,
        organisation=world.north,
        status="deployed",
        values={"asset_tag": "N-GONE"},
    )
    IPAddress.objects.create(asset=asset, organisation=world.north, address="10.9.0.5")
    scope = DiscoveryRange.objects.create(organisation=world.north, name="r", cidr="10.9.0.0/24")
    for _ in range(3):
        run = DiscoveryRun.objects.create(organisation=world.north, range=scope, cidr=scope.cidr)
        do_finish_discovery_run(run, sweep=SweepResult(), outcomes={}, seen_asset_ids=[])
    assert Asset.objects.get(pk=asset.pk).missed_runs == 3
    assert ("Not seen by discovery", "N-GONE") in {
        (a.kind, a.subject) for a in alerts(asset_manager)
    }
