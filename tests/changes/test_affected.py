"""Affected services and assets: real links, scoped choices, windows and collisions on them."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from assets.models import Asset
from changes import actions, queries
from changes.forms import ChangeForm
from changes.models import MaintenanceWindow
from core.exceptions import InvalidInput
from servicedesk.models import Service
from tests.changes.conftest import IN_WINDOW, at, reload

pytestmark = pytest.mark.django_db


def schedule(change, actor, start=IN_WINDOW[0], end=IN_WINDOW[1], reason=""):
    return actions.do_schedule_change(
        change,
        actor=actor,
        expected_version=None,
        planned_start=start,
        planned_end=end,
        reason=reason,
    )


# --- collisions ----------------------------------------------------------------------


def test_should_flag_a_collision_on_the_same_asset_naming_the_asset(cab, make_change, advance):
    first = advance(make_change(title="Firmware", services=[], assets=[cab.switch]), "scheduled")
    second = advance(make_change(title="Cabling", services=[], assets=[cab.switch]), "approved")
    _, report = schedule(second, cab.manager)
    assert [c.reference for c in report.collisions] == [first.reference]
    assert "Asset: SW-CH-01" in report.warnings[-1]


def test_should_not_collide_on_two_assets_that_only_share_a_name(cab, make_change, advance, world):
    # Same tag in two councils: different switches, so no collision.
    east_switch = Asset.objects.create(organisation=world.east, asset_tag="SW-CH-01")
    advance(make_change(services=[], assets=[cab.switch]), "scheduled")
    east = advance(
        make_change(organisation=world.east, services=[], assets=[east_switch]), "approved"
    )
    _, report = schedule(east, cab.manager, reason="No Eastvale window")
    assert report.collisions == []


def test_should_collide_with_another_councils_change_on_a_shared_service(
    cab, make_change, advance, world
):
    north = advance(make_change(title="North mail"), "scheduled")
    east = advance(make_change(title="East mail", organisation=world.east), "approved")
    _, report = schedule(east, cab.manager, reason="No Eastvale window")
    assert [c.reference for c in report.collisions] == [north.reference]
    assert "Service: Email" in report.warnings[-1]


# --- maintenance windows per service or site ---------------------------------------------


def test_should_apply_a_service_window_only_to_changes_on_that_service(
    cab, make_change, advance, world
):
    saturday = (at(2026, 12, 5, 8), at(2026, 12, 5, 10))
    MaintenanceWindow.objects.create(
        organisation=world.north,
        name="Payroll Saturdays",
        weekday=5,
        starts=dt.time(7),
        ends=dt.time(11),
        service=cab.payroll,
    )
    payroll = advance(make_change(services=[cab.payroll]), "approved")
    _, report = schedule(payroll, cab.manager, *saturday)
    assert not report.outside_windows
    mail = advance(make_change(), "approved")
    with pytest.raises(InvalidInput, match="give a reason"):
        schedule(mail, cab.manager, *saturday)


def test_should_apply_a_site_window_to_changes_on_assets_at_that_site(
    cab, make_change, advance, world
):
    saturday = (at(2026, 12, 5, 8), at(2026, 12, 5, 10))
    MaintenanceWindow.objects.create(
        organisation=world.north,
        name="County Hall Saturdays",
        weekday=5,
        starts=dt.time(7),
        ends=dt.time(11),
        site=cab.county_hall,
    )
    at_hall = advance(make_change(services=[], assets=[cab.switch]), "approved")
    assert queries.applicable_windows(at_hall).filter(site=cab.county_hall).exists()
    _, report = schedule(at_hall, cab.manager, *saturday)
    assert not report.outside_windows
    elsewhere = Asset.objects.create(organisation=world.north, asset_tag="PRN-9")
    other = advance(make_change(services=[], assets=[elsewhere]), "approved")
    assert not queries.applicable_windows(other).filter(site=cab.county_hall).exists()


# --- the action refuses what the person may not name ------------------------------------


def test_should_refuse_an_asset_of_another_organisation(cab, make_change, world):
    east_pc = Asset.objects.create(organisation=world.east, asset_tag="EV-PC-1")
    with pytest.raises(InvalidInput, match="belongs to Eastvale") as refused:
        make_change(assets=[east_pc])
    assert refused.value.field == "affected_assets"


def test_should_refuse_an_asset_the_person_may_not_see(cab, make_change, world, make_person):
    from core.models import Team, TeamKind
    from core.roles import Role

    north_only = Team.objects.create(name="North CAB", kind=TeamKind.SECOND_LINE)
    north_only.organisations.set([world.north])
    raiser = make_person("nora", [Role.CAB_MEMBER], world.north, teams=[north_only])
    east_pc = Asset.objects.create(organisation=world.east, asset_tag="EV-PC-1")
    with pytest.raises(InvalidInput, match="not yours to see"):
        make_change(actor=raiser, assets=[east_pc])


def test_should_refuse_a_withdrawn_service_on_a_new_change(cab, make_change):
    retired = Service.objects.create(name="Fax", owner_team=cab.infra, is_active=False)
    with pytest.raises(InvalidInput, match="withdrawn"):
        make_change(services=[retired])


def test_should_keep_a_service_withdrawn_after_the_change_named_it(cab, make_change):
    change = make_change(services=[cab.payroll])
    Service.objects.filter(pk=cab.payroll.pk).update(is_active=False)
    change = actions.do_update_change(
        change, actor=cab.manager, expected_version=None, title="Payroll patch (renamed)"
    )
    assert list(reload(change).affected_services.all()) == [cab.payroll]


# --- forms and pages ------------------------------------------------------------------


def test_should_offer_only_visible_assets_and_active_services(cab, world, make_person):
    from core.models import Team, TeamKind
    from core.roles import Role

    Service.objects.create(name="Fax", owner_team=cab.infra, is_active=False)
    Asset.objects.create(organisation=world.east, asset_tag="EV-PC-1")
    north_only = Team.objects.create(name="North CAB", kind=TeamKind.SECOND_LINE)
    north_only.organisations.set([world.north])
    raiser = make_person("nora", [Role.CAB_MEMBER], world.north, teams=[north_only])
    form = ChangeForm(user=raiser)
    assert {s.name for s in form.fields["affected_services"].queryset} == {"Email", "Payroll"}
    assert [a.asset_tag for a in form.fields["affected_assets"].queryset] == ["SW-CH-01"]


def test_should_offer_only_the_changes_organisation_assets_when_editing(cab, make_change, world):
    Asset.objects.create(organisation=world.east, asset_tag="EV-PC-1")
    change = make_change()
    raising = ChangeForm(user=cab.manager)
    editing = ChangeForm(user=cab.manager, instance=change)
    assert {a.asset_tag for a in raising.fields["affected_assets"].queryset} == {
        "SW-CH-01",
        "EV-PC-1",
    }
    assert [a.asset_tag for a in editing.fields["affected_assets"].queryset] == ["SW-CH-01"]


def test_should_link_the_change_page_to_its_assets(client, cab, make_change):
    change = make_change(assets=[cab.switch])
    client.force_login(cab.manager)
    page = client.get(change.get_absolute_url()).content.decode()
    assert f'href="{cab.switch.get_absolute_url()}"' in page
    assert "Email" in page


def test_should_list_changes_for_an_asset_and_a_service_only_if_visible(
    cab, make_change, world, make_person
):
    from core.roles import Role

    on_switch = make_change(title="Switch firmware", assets=[cab.switch])
    payroll = make_change(title="Payroll only", services=[cab.payroll])
    assert list(queries.changes_for_asset(cab.switch, cab.manager)) == [on_switch]
    assert list(queries.changes_for_service(cab.payroll, cab.manager)) == [payroll]
    assert on_switch in queries.changes_for_service(cab.email, cab.manager)
    stranger = make_person("sam", [Role.CAB_MEMBER], world.east)
    assert list(queries.changes_for_asset(cab.switch, stranger)) == []


def test_should_render_related_changes_on_an_asset_page(cab, make_change, world):
    change = make_change(title="Switch firmware", assets=[cab.switch])
    request = RequestFactory().get("/")
    template = Template("{% load changes_tags %}{% related_changes asset %}")

    def render(user):
        from django.contrib.auth.context_processors import PermWrapper

        request.user = user
        return template.render(
            Context({"request": request, "asset": cab.switch, "perms": PermWrapper(user)})
        )

    page = render(cab.manager)
    assert change.reference in page and "Switch firmware" in page
    assert f"affected_assets={cab.switch.pk}" in page
    assert change.reference not in render(world.agent)  # no right to see changes


def test_should_filter_the_change_list_by_asset(client, cab, make_change):
    on_switch = make_change(title="Switch firmware", assets=[cab.switch])
    make_change(title="Mail only")
    client.force_login(cab.manager)
    page = client.get(f"/changes/requests/?affected_assets={cab.switch.pk}").content.decode()
    assert on_switch.reference in page and "Mail only" not in page
