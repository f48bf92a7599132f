"""Tenant and role boundaries: who sees which people, teams and organisations."""

import pytest

from core.models import AuditEvent, Notification, Organisation, Team, User
from core.visibility import can_see, scope_for, visible_to


def usernames(queryset):
    return set(queryset.values_list("username", flat=True))


def test_should_show_a_requester_only_themselves(world):
    assert usernames(User.objects.visible_to(world.requester_north)) == {"req_north"}


def test_should_show_a_requester_their_own_organisation_and_its_teams(world):
    assert list(Organisation.objects.visible_to(world.requester_east)) == [world.east]
    assert set(Team.objects.visible_to(world.requester_north)) == {world.desk}


def test_should_show_an_agent_the_people_of_every_organisation_their_teams_serve(world):
    visible = usernames(User.objects.visible_to(world.agent))
    assert {"req_north", "req_east", "agent_east"} <= visible


def test_should_hide_other_organisations_from_an_agent_whose_team_serves_one(world):
    visible = usernames(User.objects.visible_to(world.agent_east))
    assert "req_east" in visible
    assert "req_north" not in visible
    assert "manager_north" not in visible
    assert list(Organisation.objects.visible_to(world.agent_east)) == [world.east]


def test_should_show_a_manager_their_own_organisation_only(world):
    visible = usernames(User.objects.visible_to(world.manager_north))
    assert "req_north" in visible
    assert "req_east" not in visible


def test_should_show_an_administrator_everything(world):
    assert User.objects.visible_to(world.admin).count() == User.objects.count()
    assert Organisation.objects.visible_to(world.admin).count() == 2


def test_should_show_nothing_to_anonymous_or_deactivated_users(world):
    from django.contrib.auth.models import AnonymousUser

    assert not User.objects.visible_to(AnonymousUser()).exists()
    world.agent.is_active = False
    world.agent.save()
    fresh = User.objects.get(pk=world.agent.pk)
    assert not User.objects.visible_to(fresh).exists()


def test_should_list_teams_once_even_when_they_serve_several_visible_organisations(world):
    teams = list(Team.objects.visible_to(world.agent))
    assert len(teams) == len(set(teams))


def test_should_keep_notifications_private_even_from_administrators(world):
    Notification.objects.create(recipient=world.agent, title="For the agent")
    assert Notification.objects.visible_to(world.agent).count() == 1
    assert Notification.objects.visible_to(world.admin).count() == 1  # administrators see all
    assert Notification.objects.visible_to(world.team_lead).count() == 0


def test_should_scope_audit_events_by_organisation(world):
    from core.audit import record_audit

    record_audit(actor=world.admin, verb="x", obj=world.north)
    record_audit(actor=world.admin, verb="y", obj=world.east)
    assert set(AuditEvent.objects.visible_to(world.agent_east).values_list("verb", flat=True)) == {
        "y"
    }


def test_should_answer_can_see_for_single_records(world):
    assert can_see(world.agent, world.requester_east)
    assert not can_see(world.agent_east, world.requester_north)


def test_should_compute_scope_once_per_user_object(world, django_assert_max_num_queries):
    scope_for(world.agent)
    with django_assert_max_num_queries(0):
        scope_for(world.agent)


@pytest.mark.parametrize(
    "viewer,url_name,target,expected",
    [
        ("agent_east", "core:person_detail", "requester_north", 404),
        ("agent_east", "core:person_detail", "requester_east", 200),
        ("agent_east", "core:organisation_detail", "north", 404),
        ("agent", "core:organisation_detail", "east", 200),
        ("manager_north", "core:person_detail", "requester_east", 404),
    ],
)
def test_should_hold_tenant_boundaries_on_detail_pages(
    client, world, viewer, url_name, target, expected
):
    from django.urls import reverse

    client.force_login(getattr(world, viewer))
    response = client.get(reverse(url_name, args=[getattr(world, target).pk]))
    assert response.status_code == expected


def test_should_leave_other_tenants_out_of_lists_and_exports(client, world):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(world.agent_east)
    page = client.get("/settings/people/")
    assert b"req_east" in page.content and b"req_north" not in page.content
    export = client.get("/settings/people/?export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == set(usernames(visible_to(User.objects.all(), world.agent_east)))
    assert "req_north" not in names
