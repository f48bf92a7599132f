"""Pages of change management: list, export, detail, forms, calendar, feed, CAB pages."""

import io

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from changes import actions
from changes.models import CalendarFeedToken, Change
from tests.changes.conftest import ANSWERS_LOW, IN_WINDOW, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, cab):
    client.force_login(cab.manager)
    return client


def test_should_list_filter_and_export_changes(signed_in, cab, make_change, advance):
    mail = make_change(title="Mail patch")
    advance(make_change(title="Firewall"), "submitted")
    page = signed_in.get("/changes/requests/")
    assert page.status_code == 200
    assert "Mail patch" in page.content.decode() and "Firewall" in page.content.decode()
    page = signed_in.get("/changes/requests/?status=submitted")
    assert "Mail patch" not in page.content.decode()
    export = signed_in.get("/changes/requests/?status=draft&export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert rows[0][0] == "Reference" and rows[1][0] == mail.reference and len(rows) == 2


def test_should_hide_changes_from_people_who_may_not_see_them(client, cab, make_change, world):
    change = make_change()
    client.force_login(world.agent)  # an agent: no change management at all
    assert client.get("/changes/requests/").status_code == 403
    assert client.get(change.get_absolute_url()).status_code == 403


def test_should_raise_a_change_from_the_form(signed_in, cab, world):
    page = signed_in.get("/changes/requests/new/")
    assert page.status_code == 200
    response = signed_in.post(
        "/changes/requests/new/",
        {
            "organisation": world.north.pk,
            "title": "Replace core switch",
            "description": "Swap SW01",
            "reason": "End of support",
            "change_type": "normal",
            "implementer_team": cab.infra.pk,
            "affected_services": [cab.email.pk],
            "affected_assets": [cab.switch.pk],
            "planned_start": "2026-12-07T19:00",
            "planned_end": "2026-12-07T21:00",
        },
    )
    change = Change.objects.get(title="Replace core switch")
    assert response.status_code == 302 and response["Location"] == change.get_absolute_url()
    assert change.requester == cab.manager
    assert list(change.affected_services.all()) == [cab.email]
    assert list(change.affected_assets.all()) == [cab.switch]


def test_should_show_a_backwards_window_on_the_form_and_save_nothing(signed_in, cab, world):
    response = signed_in.post(
        "/changes/requests/new/",
        {
            "organisation": world.north.pk,
            "title": "Backwards",
            "description": "x",
            "reason": "y",
            "change_type": "normal",
            "planned_start": "2026-12-07T21:00",
            "planned_end": "2026-12-07T19:00",
        },
    )
    assert response.status_code == 200
    assert "end must be after" in response.content.decode()
    assert not Change.objects.exists()


def test_should_show_the_steps_the_viewer_may_take_and_take_them(signed_in, cab, make_change):
    change = make_change()
    page = signed_in.get(change.get_absolute_url()).content.decode()
    assert "Submit" in page and "Cancel" in page
    response = signed_in.post(
        f"/changes/requests/{change.pk}/do/submit/", {"version": change.version}
    )
    assert response.status_code == 302
    assert reload(change).status == "submitted"
    page = signed_in.get(change.get_absolute_url()).content.decode()
    assert "Assess risk" in page and "change.submitted" in page


def test_should_refuse_a_step_from_a_stale_page_with_a_message(signed_in, cab, make_change):
    change = make_change()
    stale = change.version
    actions.do_update_change(change, actor=cab.manager, expected_version=stale, title="Newer")
    response = signed_in.post(
        f"/changes/requests/{change.pk}/do/submit/", {"version": stale}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    assert reload(change).status == "draft"


def test_should_assess_through_the_questionnaire_page(signed_in, cab, make_change, advance):
    change = advance(make_change(), "submitted")
    assert signed_in.get(f"/changes/requests/{change.pk}/assess/").status_code == 200
    response = signed_in.post(
        f"/changes/requests/{change.pk}/assess/", {**ANSWERS_LOW, "version": reload(change).version}
    )
    assert response.status_code == 302
    assert reload(change).status == "assessed" and reload(change).risk_level == "low"


def test_should_ask_for_a_reason_outside_the_window_on_the_schedule_page(
    signed_in, cab, make_change, advance
):
    change = advance(make_change(), "approved")
    url = f"/changes/requests/{change.pk}/schedule/"
    data = {"planned_start": "2026-12-08T10:00", "planned_end": "2026-12-08T11:00"}
    response = signed_in.post(url, data)
    assert response.status_code == 200 and "give a reason" in response.content.decode()
    assert reload(change).status == "approved"
    response = signed_in.post(url, {**data, "reason": "Vendor visit"}, follow=True)
    assert reload(change).status == "scheduled"
    assert "outside every published maintenance window" in response.content.decode()


def test_should_record_the_review_on_its_page(signed_in, cab, make_change, advance):
    change = advance(make_change(), "implemented")
    response = signed_in.post(
        f"/changes/requests/{change.pk}/review/", {"outcome": "successful", "lessons": "Good"}
    )
    assert response.status_code == 302 and reload(change).status == "reviewed"


def test_should_show_scheduled_changes_on_the_month_and_week_calendar(
    signed_in, cab, make_change, advance
):
    change = advance(make_change(title="Mail patch"), "scheduled")
    month = signed_in.get("/changes/calendar/?date=2026-12-01").content.decode()
    assert change.reference in month and "December 2026" in month
    week = signed_in.get("/changes/calendar/?view=week&date=2026-12-09").content.decode()
    assert change.reference in week and "Week of 07 December 2026" in week
    other_week = signed_in.get("/changes/calendar/?view=week&date=2026-12-20").content.decode()
    assert change.reference not in other_week
    assert signed_in.get("/changes/calendar/?date=nonsense").status_code == 200


def test_should_serve_a_personal_feed_of_only_what_the_person_may_see(
    client, cab, make_change, advance, world, make_person
):
    from core.models import Team, TeamKind
    from core.roles import Role

    north_change = advance(make_change(title="North mail"), "scheduled")
    council_tax = cab.email.__class__.objects.create(name="Council tax", owner_team=cab.infra)
    east_change = advance(
        make_change(title="East tax", organisation=world.east, services=[council_tax]),
        "approved",
    )
    east_change, _ = actions.do_schedule_change(
        east_change,
        actor=cab.manager,
        expected_version=None,
        planned_start=IN_WINDOW[0],
        planned_end=IN_WINDOW[1],
        reason="No window in Eastvale",
    )
    east_team = Team.objects.create(name="East CAB", kind=TeamKind.SECOND_LINE)
    east_team.organisations.set([world.east])
    east_member = make_person("erin", [Role.CAB_MEMBER], world.east, teams=[east_team])

    client.force_login(east_member)
    assert client.post("/changes/calendar/feed/", {"op": "renew"}).status_code == 302
    token = CalendarFeedToken.objects.get(user=east_member).token
    assert token in client.get("/changes/calendar/feed/").content.decode()
    client.logout()

    response = client.get(f"/changes/calendar/feed/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [f"{east_change.reference} East tax"]
    event = events[0]
    assert event.decoded("dtstart") == IN_WINDOW[0]
    assert event.decoded("dtend") == IN_WINDOW[1]
    assert str(event["uid"]) == f"{east_change.reference}@civicdesk"
    assert north_change.reference not in response.content.decode()

    # Renewing revokes the old address; switching off revokes all.
    client.force_login(east_member)
    client.post("/changes/calendar/feed/", {"op": "renew"})
    client.logout()
    assert client.get(f"/changes/calendar/feed/{token}.ics").status_code == 404
    new_token = CalendarFeedToken.objects.get(user=east_member).token
    assert client.get(f"/changes/calendar/feed/{new_token}.ics").status_code == 200
    client.force_login(east_member)
    client.post("/changes/calendar/feed/", {"op": "revoke"})
    client.logout()
    assert client.get(f"/changes/calendar/feed/{new_token}.ics").status_code == 404


def test_should_show_the_feed_of_a_change_manager_with_every_council(
    client, cab, make_change, advance
):
    change = advance(make_change(), "scheduled")
    feed = actions.do_renew_calendar_feed(actor=cab.manager)
    calendar = Calendar.from_ical(client.get(f"/changes/calendar/feed/{feed.token}.ics").content)
    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == [f"{change.reference}@civicdesk"]


def test_should_run_the_cab_from_its_pages(signed_in, client, cab, make_change, advance):
    change = advance(make_change(), "awaiting_cab")
    assert signed_in.get("/changes/cab/").status_code == 200
    response = signed_in.post("/changes/cab/plan/", {"board": cab.board.pk})
    meeting = cab.board.meetings.get()
    assert response["Location"] == meeting.get_absolute_url()
    page = signed_in.get(meeting.get_absolute_url()).content.decode()
    assert change.reference in page and "Publish agenda" in page
    signed_in.post(f"/changes/cab/{meeting.pk}/do/publish_agenda/")
    response = signed_in.post(f"/changes/cab/{meeting.pk}/do/open_session/")
    assert response["Location"] == f"/changes/cab/{meeting.pk}/board/"
    assert signed_in.get(response["Location"]).status_code == 200
    item = meeting.agenda_items.get()
    json = {"HTTP_ACCEPT": "application/json"}
    assert signed_in.post(f"/changes/cab/items/{item.pk}/open/", **json).json() == {"ok": True}
    refused = signed_in.post(
        f"/changes/cab/items/{item.pk}/decide/", {"outcome": "approve"}, **json
    )
    assert refused.status_code == 400 and "No quorum" in refused.json()["error"]
    for member in (cab.member, cab.member2):
        client.force_login(member)
        voted = client.post(f"/changes/cab/items/{item.pk}/vote/", {"choice": "approve"}, **json)
        assert voted.json() == {"ok": True}
    client.force_login(cab.manager)
    assert client.post(
        f"/changes/cab/items/{item.pk}/decide/", {"outcome": "approve"}, **json
    ).json() == {"ok": True}
    assert reload(change).status == "approved"
    client.post(f"/changes/cab/{meeting.pk}/do/publish_minutes/")
    minutes = client.get(f"/changes/cab/{meeting.pk}/minutes/").content.decode()
    assert "Beth" in minutes and "Approve" in minutes
    export = client.get(f"/changes/cab/{meeting.pk}/minutes/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content))["Items"].values)
    assert rows[1][1] == change.reference


def test_should_keep_meetings_from_people_who_do_not_sit_on_them(client, cab, make_change, advance):
    advance(make_change(), "awaiting_cab")
    meeting = actions.do_plan_cab_meeting(cab.board, actor=cab.manager)
    client.force_login(cab.outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(f"/changes/cab/{meeting.pk}/board/").status_code == 404
    client.force_login(cab.member)
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_should_keep_the_landing_page_showing_who_i_am(signed_in, cab, world):
    page = signed_in.get("/changes/").content.decode()
    assert "Carl" in page and str(world.north) in page and "Infrastructure" in page


def test_should_refuse_a_start_date_that_is_not_a_date(signed_in):
    assert signed_in.get("/changes/calendar/?view=week&date=2026-13-45").status_code == 200


def test_should_record_attendance_and_apologies_from_the_meeting_page(
    signed_in, cab, make_change, advance
):
    advance(make_change(), "awaiting_cab")
    meeting = actions.do_plan_cab_meeting(cab.board, actor=cab.manager)
    actions.do_publish_agenda(meeting, actor=cab.manager)
    actions.do_open_cab_session(meeting, actor=cab.manager)
    page = signed_in.get(meeting.get_absolute_url()).content.decode()
    assert 'id="attendance"' in page
    signed_in.post(
        f"/changes/cab/{meeting.pk}/attendance/", {"attended": [cab.manager.pk, cab.member.pk]}
    )
    assert set(meeting.attendees.all()) == {cab.manager, cab.member}
    assert list(meeting.apologies.all()) == [cab.member2]
    minutes = signed_in.get(f"/changes/cab/{meeting.pk}/minutes/").content.decode()
    assert "Apologies:</strong> Dev" in minutes
