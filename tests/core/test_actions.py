"""The write path: permissions, stale pages, audit, and effects sent only after commit."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.db import transaction

from core import actions
from core.audit import history_of
from core.exceptions import ActionForbidden, InvalidInput, StaleRecord
from core.models import Notification, Organisation, Team, TeamKind, User
from core.realtime import user_group
from core.roles import Role


def listen(group: str):
    """Join `group` on the configured channel layer (in-memory or Redis); return a reader."""
    layer = get_channel_layer()

    async def join():
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        return channel

    channel = async_to_sync(join)()

    def received(timeout: float = 0.5) -> list[dict]:
        """Every message that reached the group, waiting `timeout` for each."""

        async def collect():
            messages = []
            while True:
                try:
                    messages.append(await asyncio.wait_for(layer.receive(channel), timeout))
                except TimeoutError:
                    return messages

        return async_to_sync(collect)()

    return received


# Effects are sent on commit, so these tests commit for real (transaction=True); inside
# the usual per-test transaction nothing would ever be sent and the rollback test could
# not fail.
on_commit_test = pytest.mark.django_db(transaction=True)


# --- organisations ---------------------------------------------------------------------


def test_should_create_an_organisation_with_an_audit_event(world):
    organisation = actions.do_create_organisation(
        actor=world.admin, name="Westmoor Borough Council", slug="westmoor", kind="council"
    )
    (event,) = history_of(organisation)
    assert event.verb == "organisation.created"
    assert event.after["slug"] == "westmoor"


def test_should_refuse_organisation_changes_by_non_administrators(world):
    with pytest.raises(ActionForbidden):
        actions.do_create_organisation(actor=world.agent, name="X", slug="x")
    with pytest.raises(ActionForbidden):
        actions.do_update_organisation(
            world.north, actor=world.manager_north, expected_version=1, name="Y"
        )
    assert Organisation.objects.get(pk=world.north.pk).name == "Northshire County Council"


def test_should_refuse_a_duplicate_name_with_a_clear_message(world):
    with pytest.raises(InvalidInput, match="already exists"):
        actions.do_create_organisation(
            actor=world.admin, name="Northshire County Council", slug="n2"
        )
    assert Organisation.objects.count() == 2


def test_should_let_the_first_of_two_editors_win_and_tell_the_second(world):
    loaded_version = world.north.version
    actions.do_update_organisation(
        world.north, actor=world.admin, expected_version=loaded_version, name="First edit"
    )
    with pytest.raises(StaleRecord, match="changed by someone else"):
        actions.do_update_organisation(
            world.north,
            actor=world.admin,
            expected_version=loaded_version,
            email_domain="second.gov.uk",
        )
    fresh = Organisation.objects.get(pk=world.north.pk)
    assert fresh.name == "First edit"
    assert fresh.email_domain == ""
    assert fresh.version == loaded_version + 1


# --- teams and their on-commit effects ---------------------------------------------------


@on_commit_test
def test_should_notify_a_new_member_by_email_and_socket_after_commit(world, make_person):
    newcomer = make_person("newcomer", [Role.AGENT], world.north)
    received = listen(user_group(newcomer.pk))
    actions.do_add_team_member(world.desk, actor=world.admin, person=newcomer)

    assert world.desk.members.filter(pk=newcomer.pk).exists()
    assert [m.to for m in mail.outbox] == [["newcomer@example.gov.uk"]]
    assert mail.outbox[0].subject == "[civicdesk] You were added to Service Desk"
    messages = received()
    assert [m["payload"]["title"] for m in messages] == ["You were added to Service Desk"]
    assert Notification.objects.filter(recipient=newcomer, title__contains="Service Desk").exists()


@on_commit_test
def test_should_send_nothing_when_the_transaction_rolls_back(world, make_person):
    newcomer = make_person("newcomer", [Role.AGENT], world.north)
    received = listen(user_group(newcomer.pk))

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        actions.do_add_team_member(world.desk, actor=world.admin, person=newcomer)
        raise Abort

    assert mail.outbox == []
    assert received() == []
    assert not world.desk.members.filter(pk=newcomer.pk).exists()
    assert not Notification.objects.filter(recipient=newcomer).exists()


@on_commit_test
def test_should_send_nothing_when_a_team_update_is_refused_midway(world, make_person):
    newcomer = make_person("newcomer", [Role.AGENT], world.north)
    stale = world.desk.version - 1
    with pytest.raises(StaleRecord):
        actions.do_update_team(
            world.desk, actor=world.admin, expected_version=stale, members=[newcomer]
        )
    assert mail.outbox == []
    assert not world.desk.members.filter(pk=newcomer.pk).exists()


def test_should_let_a_team_lead_manage_their_own_team_only(world, make_person):
    newcomer = make_person("newcomer", [Role.AGENT], world.north)
    actions.do_add_team_member(world.desk, actor=world.team_lead, person=newcomer)
    assert world.desk.members.filter(pk=newcomer.pk).exists()
    with pytest.raises(ActionForbidden):
        actions.do_add_team_member(world.east_team, actor=world.team_lead, person=newcomer)
    with pytest.raises(ActionForbidden):
        actions.do_add_team_member(world.desk, actor=world.agent, person=newcomer)


def test_should_refuse_to_remove_the_team_lead(world):
    with pytest.raises(ActionForbidden, match="team lead cannot be removed"):
        actions.do_remove_team_member(world.desk, actor=world.admin, person=world.team_lead)


@on_commit_test
def test_should_create_a_team_with_its_lead_among_the_members(world):
    team = actions.do_create_team(
        actor=world.admin,
        name="Networks",
        kind=TeamKind.THIRD_LINE,
        lead=world.agent,
        organisations=[world.north],
    )
    assert set(team.members.all()) == {world.agent}
    assert list(team.organisations.all()) == [world.north]
    assert len(mail.outbox) == 1


def test_should_bump_the_version_when_only_members_change(world, make_person):
    newcomer = make_person("newcomer", [Role.AGENT], world.north)
    version = world.desk.version
    actions.do_update_team(
        world.desk,
        actor=world.admin,
        expected_version=version,
        members=[world.agent, world.team_lead, newcomer],
    )
    assert Team.objects.get(pk=world.desk.pk).version == version + 1


# --- people ------------------------------------------------------------------------------


def test_should_register_a_person_with_roles_and_audit(world):
    person = actions.do_create_person(
        actor=world.admin,
        password="a-long-enough-passphrase",
        roles=[Role.AGENT],
        username="newagent",
        email="new@north.gov.uk",
        organisation=world.north,
    )
    assert person.check_password("a-long-enough-passphrase")
    assert set(person.groups.values_list("name", flat=True)) == {"Agent"}
    assert not person.is_staff


def test_should_refuse_a_weak_password_and_create_nobody(world):
    with pytest.raises(InvalidInput) as refused:
        actions.do_create_person(
            actor=world.admin, password="password", username="weak", organisation=world.north
        )
    assert refused.value.field == "password"
    assert not User.objects.filter(username="weak").exists()


def test_should_refuse_a_site_of_another_organisation(world):
    east_site = world.east.sites.get()
    with pytest.raises(InvalidInput, match="belongs to another organisation"):
        actions.do_update_person(
            world.requester_north, actor=world.admin, expected_version=None, site=east_site
        )


def test_should_refuse_to_let_administrators_lock_themselves_out(world):
    with pytest.raises(ActionForbidden):
        actions.do_update_person(
            world.admin, actor=world.admin, expected_version=None, is_active=False
        )
    with pytest.raises(ActionForbidden):
        actions.do_update_person(
            world.admin, actor=world.admin, expected_version=None, roles=[Role.AGENT]
        )


def test_should_grant_django_admin_access_with_the_administrator_role_only(world):
    person = actions.do_update_person(
        world.agent, actor=world.admin, expected_version=None, roles=[Role.ADMINISTRATOR]
    )
    assert person.is_staff
    person = actions.do_update_person(
        person, actor=world.admin, expected_version=None, roles=[Role.AGENT]
    )
    assert not person.is_staff


def test_should_refuse_an_unknown_role(world):
    with pytest.raises(InvalidInput, match="Unknown role"):
        actions.do_update_person(
            world.agent, actor=world.admin, expected_version=None, roles=["Overlord"]
        )
