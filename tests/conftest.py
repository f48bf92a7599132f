"""Fixtures shared by the whole suite: tasks run immediately, and a small two-council world."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from core.models import Department, Organisation, Site, Team, TeamKind, User
from core.roles import Role, assign_role_permissions

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True, scope="session")
def huey_runs_tasks_immediately():
    """Tasks run in the test's own thread, so their effects can be asserted."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True, scope="session")
def _close_the_consumers_connection(django_db_setup):
    """Close the database connection the WebSocket consumers' worker thread still holds when
    the session ends, before the test database is dropped.

    Channels' test communicator stops `database_sync_to_async` from closing connections
    while it drives a consumer (channels/testing/application.py), so socket tests leave
    connections open: the last one in asgiref's single worker thread, others in worker
    threads that have ended, closed only when the garbage collector frees them. On
    PostgreSQL one still open blocked the test database's teardown ("being accessed by other
    users"). Outside the communicator, as under daphne, the consumers close theirs after
    each call.
    """
    yield
    import gc

    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
    gc.collect()  # frees (and so closes) the connections of threads that have ended


def pytest_configure(config):
    """Passwords hash fast in tests (real hashing costs ~0.3 s per user).

    Set once for the session rather than per test, so live servers forked for browser
    tests (daphne) inherit it and can check the passwords the tests set.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_outbox(settings):
    """Mail goes to django.core.mail.outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def make_person(db):
    """Create a person with roles, organisation and teams (directly: this is test set-up)."""

    # A transactional test's flush empties the groups the data migration made.
    assign_role_permissions()

    def make(username, roles=(), organisation=None, teams=(), **extra) -> User:
        person = User.objects.create_user(
            username, f"{username}@example.gov.uk", PASSWORD, organisation=organisation, **extra
        )
        person.groups.set(Group.objects.filter(name__in=[str(role) for role in roles]))
        if Role.ADMINISTRATOR in roles:
            person.is_staff = True
            person.save(update_fields=["is_staff"])
        for team in teams:
            team.members.add(person)
        return person

    return make


@pytest.fixture
def world(db, make_person):
    """Two councils; a shared desk serving both; a team serving only the second council.

    north: requester_north, agent (shared desk), manager_north
    east:  requester_east, agent_east (east-only team)
    plus an administrator.
    """
    north = Organisation.objects.create(name="Northshire County Council", slug="north")
    east = Organisation.objects.create(name="Eastvale District Council", slug="east")
    Department.objects.create(organisation=north, name="Finance")
    Site.objects.create(organisation=north, name="County Hall")
    Site.objects.create(organisation=east, name="Civic Centre")
    desk = Team.objects.create(name="Service Desk", kind=TeamKind.SERVICE_DESK)
    desk.organisations.set([north, east])
    east_team = Team.objects.create(name="Eastvale Apps", kind=TeamKind.SECOND_LINE)
    east_team.organisations.set([east])

    class World:
        pass

    w = World()
    w.north, w.east, w.desk, w.east_team = north, east, desk, east_team
    w.admin = make_person("admin", [Role.ADMINISTRATOR], north)
    w.requester_north = make_person("req_north", [Role.REQUESTER], north)
    w.requester_east = make_person("req_east", [Role.REQUESTER], east)
    w.agent = make_person("agent", [Role.AGENT], north, teams=[desk])
    w.agent_east = make_person("agent_east", [Role.AGENT], east, teams=[east_team])
    w.manager_north = make_person("manager_north", [Role.MANAGER], north)
    w.team_lead = make_person("lead", [Role.TEAM_LEAD, Role.AGENT], north, teams=[desk])
    desk.lead = w.team_lead
    desk.save()
    return w
