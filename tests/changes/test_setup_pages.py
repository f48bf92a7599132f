"""Change managers' settings pages: maintenance windows, blackouts, templates and CABs."""

import datetime as dt

import pytest

from changes import actions
from changes.models import BlackoutPeriod, CabBoard, ChangeTemplate, MaintenanceWindow
from core.audit import history_of
from core.exceptions import ActionForbidden, InvalidInput, StaleRecord
from core.models import Site
from tests.changes.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, cab):
    client.force_login(cab.manager)
    return client


def window_data(world, **extra):
    data = {
        "organisation": world.north.pk,
        "name": "Saturday mornings",
        "weekday": 5,
        "starts": "07:00",
        "ends": "11:00",
        "is_active": "on",
    }
    data.update(extra)
    return data


# --- maintenance windows --------------------------------------------------------------


def test_should_publish_a_window_from_the_page_with_an_audit_event(manager, cab, world):
    assert manager.get("/changes/calendar/windows/new/").status_code == 200
    response = manager.post(
        "/changes/calendar/windows/new/", window_data(world, service=cab.payroll.pk)
    )
    window = MaintenanceWindow.objects.get(name="Saturday mornings")
    assert response.status_code == 302
    assert window.service == cab.payroll and window.starts == dt.time(7)
    assert history_of(window).filter(verb="maintenance_window.created").exists()
    listing = manager.get("/changes/calendar/windows/").content.decode()
    assert "Saturday mornings" in listing and "Payroll" in listing


def test_should_refuse_a_window_that_ends_before_it_starts_and_save_nothing(manager, world):
    response = manager.post(
        "/changes/calendar/windows/new/", window_data(world, starts="22:00", ends="18:00")
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert not MaintenanceWindow.objects.filter(name="Saturday mornings").exists()


def test_should_accept_a_window_that_ends_at_midnight(cab, world):
    window = actions.do_save_maintenance_window(
        None,
        actor=cab.manager,
        organisation=world.north,
        name="Late Fridays",
        weekday=4,
        starts=dt.time(20),
        ends=dt.time(0),
    )
    assert window.ends == dt.time(0)


def test_should_refuse_a_site_of_another_organisation(cab, world):
    civic_centre = Site.objects.get(name="Civic Centre")
    with pytest.raises(InvalidInput, match="Civic Centre is a site of Eastvale") as refused:
        actions.do_save_maintenance_window(
            None,
            actor=cab.manager,
            organisation=world.north,
            name="Wrong site",
            weekday=0,
            starts=dt.time(18),
            ends=dt.time(22),
            site=civic_centre,
        )
    assert refused.value.field == "site"


def test_should_edit_a_window_and_refuse_a_stale_page(manager, cab, world):
    window = MaintenanceWindow.objects.filter(name="Weekday evenings").first()
    page = manager.get(f"/changes/calendar/windows/{window.pk}/edit/")
    assert page.status_code == 200
    data = window_data(world, name="Weekday evenings", weekday=window.weekday)
    data.update(starts="19:00", ends="23:00", version=window.version)
    assert manager.post(f"/changes/calendar/windows/{window.pk}/edit/", data).status_code == 302
    window.refresh_from_db()
    assert window.starts == dt.time(19) and window.version == 2
    event = history_of(window).get(verb="maintenance_window.updated")
    assert event.before["starts"] == "18:00:00" and event.after["starts"] == "19:00:00"
    with pytest.raises(StaleRecord):
        actions.do_save_maintenance_window(
            window, actor=cab.manager, expected_version=1, name="Old page"
        )


def test_should_not_let_a_cab_member_publish_windows(client, cab, world):
    client.force_login(cab.member)
    assert client.get("/changes/calendar/windows/").status_code == 200
    assert client.get("/changes/calendar/windows/new/").status_code == 403
    with pytest.raises(ActionForbidden):
        actions.do_save_maintenance_window(
            None,
            actor=cab.member,
            organisation=world.north,
            name="Mine",
            weekday=0,
            starts=dt.time(18),
            ends=dt.time(22),
        )


# --- blackout periods -----------------------------------------------------------------


def test_should_declare_a_blackout_from_the_page(manager, world):
    response = manager.post(
        "/changes/calendar/blackouts/new/",
        {
            "organisation": world.north.pk,
            "name": "Election count",
            "starts_at": "2026-12-10T00:00",
            "ends_at": "2026-12-12T00:00",
            "reason": "Count systems",
        },
    )
    assert response.status_code == 302
    blackout = BlackoutPeriod.objects.get(name="Election count")
    assert history_of(blackout).filter(verb="blackout_period.created").exists()
    assert "Election count" in manager.get("/changes/calendar/blackouts/").content.decode()


def test_should_refuse_a_blackout_that_ends_before_it_starts(manager, cab, world):
    response = manager.post(
        "/changes/calendar/blackouts/new/",
        {
            "organisation": world.north.pk,
            "name": "Backwards",
            "starts_at": "2026-12-12T00:00",
            "ends_at": "2026-12-10T00:00",
        },
    )
    assert response.status_code == 200
    assert "The blackout must end after it starts." in response.content.decode()
    assert not BlackoutPeriod.objects.exists()
    blackout = actions.do_save_blackout_period(
        None,
        actor=cab.manager,
        organisation=world.north,
        name="Year end",
        starts_at=at(2027, 3, 30, 0),
        ends_at=at(2027, 4, 2, 0),
    )
    with pytest.raises(InvalidInput, match="end after it starts"):
        actions.do_save_blackout_period(blackout, actor=cab.manager, ends_at=at(2027, 3, 1, 0))
    blackout.refresh_from_db()
    assert blackout.ends_at == at(2027, 4, 2, 0)


# --- standard change templates ----------------------------------------------------------


def test_should_pre_approve_and_withdraw_a_template_from_the_page(manager, cab, make_change):
    response = manager.post(
        "/changes/templates/new/",
        {"name": "Add a print queue", "risk_level": "low", "is_active": "on"},
    )
    assert response.status_code == 302
    template = ChangeTemplate.objects.get(name="Add a print queue")
    assert "Add a print queue" in manager.get("/changes/templates/").content.decode()
    response = manager.post(
        f"/changes/templates/{template.pk}/edit/",
        {"name": "Add a print queue", "risk_level": "low", "version": template.version},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert not template.is_active
    assert history_of(template).filter(verb="change_template.updated").exists()
    with pytest.raises(InvalidInput, match="withdrawn"):
        make_change(template=template)


def test_should_refuse_a_second_template_of_the_same_name(cab):
    actions.do_save_change_template(None, actor=cab.manager, name="Reboot a server")
    with pytest.raises(InvalidInput, match="already exists"):
        actions.do_save_change_template(None, actor=cab.manager, name="Reboot a server")
    assert ChangeTemplate.objects.filter(name="Reboot a server").count() == 1


def test_should_keep_templates_to_change_managers(client, cab):
    client.force_login(cab.member)
    assert client.get("/changes/templates/").status_code == 200
    assert client.get("/changes/templates/new/").status_code == 403
    with pytest.raises(ActionForbidden):
        actions.do_save_change_template(None, actor=cab.member, name="Mine")


# --- CABs -----------------------------------------------------------------------------


def board_data(cab, world, **extra):
    data = {
        "name": "Eastvale CAB",
        "weekday": 3,
        "start_time": "14:00",
        "duration_minutes": 60,
        "chair": cab.manager.pk,
        "members": [cab.member.pk, cab.member2.pk],
        "quorum": 2,
        "ecab_members": [cab.manager.pk, cab.member.pk],
        "ecab_quorum": 2,
        "organisations": [world.east.pk],
        "is_active": "on",
    }
    data.update(extra)
    return data


@pytest.fixture
def north_only_board(cab, world):
    """The fixture board serves the north only, so the east is free for a second CAB."""
    return actions.do_update_cab_board(cab.board, actor=cab.manager, organisations=[world.north])


def test_should_set_up_a_cab_from_the_page(manager, cab, world, north_only_board):
    assert manager.get("/changes/cab/boards/new/").status_code == 200
    response = manager.post("/changes/cab/boards/new/", board_data(cab, world))
    assert response.status_code == 302, response.content.decode()
    board = CabBoard.objects.get(name="Eastvale CAB")
    assert board.weekday == 3 and board.start_time == dt.time(14)
    assert set(board.members.all()) == {cab.manager, cab.member, cab.member2}
    assert list(board.organisations.all()) == [world.east]
    assert history_of(board).filter(verb="cab_board.created").exists()
    listing = manager.get("/changes/cab/boards/").content.decode()
    assert "Eastvale CAB" in listing and "Weekly CAB" in listing


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"quorum": 4}, "The quorum (4) is larger than the board: it has 3 members"),
        ({"quorum": 0}, "The quorum must be at least 1."),
        ({"ecab_quorum": 3}, "The ECAB quorum (3) is larger than the 2 named ECAB members."),
        ({"organisations": []}, None),
    ],
)
def test_should_refuse_a_cab_that_could_not_decide(
    manager, cab, world, north_only_board, extra, message
):
    response = manager.post("/changes/cab/boards/new/", board_data(cab, world, **extra))
    if message is None:  # serving no organisation yet is allowed
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CabBoard.objects.filter(name="Eastvale CAB").exists()


def test_should_refuse_an_organisation_another_cab_serves(cab, world):
    with pytest.raises(InvalidInput, match="already served by Weekly CAB") as refused:
        actions.do_create_cab_board(
            actor=cab.manager,
            name="Second",
            chair=cab.manager,
            members=[cab.member],
            quorum=1,
            ecab_members=[cab.manager],
            ecab_quorum=1,
            organisations=[world.east],
        )
    assert refused.value.field == "organisations"
    inactive = actions.do_create_cab_board(
        actor=cab.manager,
        name="Dormant",
        chair=cab.manager,
        quorum=1,
        ecab_members=[cab.manager],
        ecab_quorum=1,
        organisations=[world.east],
        is_active=False,
    )
    assert not inactive.is_active


def test_should_refuse_seats_for_people_without_the_rights(cab, world):
    with pytest.raises(InvalidInput, match="cannot vote at a CAB"):
        actions.do_update_cab_board(cab.board, actor=cab.manager, members=[cab.implementer])
    with pytest.raises(InvalidInput, match="cannot approve emergency changes"):
        actions.do_update_cab_board(
            cab.board, actor=cab.manager, ecab_members=[cab.manager, cab.implementer]
        )
    with pytest.raises(InvalidInput, match="cannot chair"):
        actions.do_update_cab_board(cab.board, actor=cab.manager, chair=cab.member)
    assert set(cab.board.members.all()) == {cab.manager, cab.member, cab.member2}


def test_should_refuse_shrinking_the_board_below_its_quorum(manager, cab, world):
    board = cab.board
    data = board_data(
        cab,
        world,
        name=board.name,
        members=[],
        organisations=[world.north.pk, world.east.pk],
        version=board.version,
    )
    response = manager.post(f"/changes/cab/boards/{board.pk}/edit/", data)
    assert "The quorum (2) is larger than the board: it has 1 member," in (
        response.content.decode()
    )
    assert board.members.count() == 3


def test_should_edit_a_cab_from_the_page(manager, cab, world):
    board = cab.board
    data = board_data(
        cab,
        world,
        name=board.name,
        members=[cab.member.pk],
        organisations=[world.north.pk, world.east.pk],
        version=board.version,
    )
    assert manager.post(f"/changes/cab/boards/{board.pk}/edit/", data).status_code == 302
    board.refresh_from_db()
    assert set(board.members.all()) == {cab.manager, cab.member}
    assert board.weekday == 3
    assert history_of(board).filter(verb="cab_board.updated").exists()


def test_should_keep_cab_setup_to_change_managers(client, cab):
    client.force_login(cab.member)
    assert client.get("/changes/cab/boards/").status_code == 200
    assert client.get("/changes/cab/boards/new/").status_code == 403
    assert client.get(f"/changes/cab/boards/{cab.board.pk}/edit/").status_code == 403
    with pytest.raises(ActionForbidden):
        actions.do_update_cab_board(cab.board, actor=cab.member, quorum=1)
