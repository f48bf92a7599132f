"""The scheduled work of kpis, run as Huey's scheduler would: surveys, report emails, ticks.

Each periodic task is called directly (call_local runs its function without the queue) at
a moved clock; what people receive is read back from the mail outbox.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from io import BytesIO

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core import mail
from openpyxl import load_workbook

from kpis.actions import do_save_report_subscription
from kpis.models import SurveyInvitation, SurveyKind
from kpis.tasks import (
    monthly_pack_task,
    monthly_survey_task,
    sample_resolved_calls_task,
    wallboard_tick_task,
    weekly_report_task,
)
from kpis.wallboard import wallboard_group
from servicedesk import actions
from tests.conftest import PASSWORD
from tests.kpis.conftest import at

pytestmark = pytest.mark.django_db

SITE = "https://servicedesk.northshire.gov.uk"
LINK = re.compile(re.escape(SITE) + r"(/kpis/survey/[^/\s]+/)")


@pytest.fixture(autouse=True)
def site_url(settings):
    """Links in emails must use the configured address of the site."""
    settings.SITE_URL = SITE + "/"


def survey_mail():
    """{recipient: the answer path linked in their email} for every survey email sent."""
    found = {}
    for message in mail.outbox:
        match = LINK.search(message.body)
        assert match, message.body
        (recipient,) = message.to
        assert recipient not in found, f"{recipient} was emailed twice"
        found[recipient] = match.group(1)
    return found


def staff_of(organisation):
    """Everyone of an organisation who may be sampled (active people)."""
    from core.models import User

    people = User.objects.filter(organisation=organisation, is_active=True)
    return set(people.values_list("email", flat=True))


# ---------------------------------------------------------------- monthly staff survey


def test_should_invite_a_sample_of_each_councils_staff_with_a_login_link(
    catalogue, clock, settings, client, django_capture_on_commit_callbacks
):
    w = catalogue
    settings.KPIS_MONTHLY_SURVEY_SAMPLE = 2
    clock(at(1, 9, month=12))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_survey_task.call_local() == 4  # two per council

    links = survey_mail()
    assert len(links) == 4
    north_asked = set(links) & staff_of(w.north)
    east_asked = set(links) & staff_of(w.east)
    assert (len(north_asked), len(east_asked)) == (2, 2)
    invitations = SurveyInvitation.objects.filter(kind=SurveyKind.MONTHLY)
    assert {(i.person.email, i.month) for i in invitations} == {
        (email, dt.date(2026, 12, 1)) for email in links
    }
    assert all(
        message.subject == "[civicdesk] The ICT service survey for December 2026"
        for message in mail.outbox
    )

    # The link asks for a sign-in first, then opens the question for the invited person.
    email, path = next(iter(sorted(links.items())))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/") and "next=" in response["Location"]
    invited = invitations.get(person__email=email).person
    client.login(username=invited.username, password=PASSWORD)
    assert client.get(path).status_code == 200


def test_should_never_ask_the_same_person_twice_within_the_quiet_period(
    catalogue, clock, settings, django_capture_on_commit_callbacks
):
    w = catalogue
    settings.KPIS_MONTHLY_SURVEY_SAMPLE = 2
    settings.KPIS_SURVEY_QUIET_DAYS = 90
    clock(at(1, 9, month=12))
    monthly_survey_task.call_local()
    december = set(SurveyInvitation.objects.values_list("person", flat=True))

    # Run twice in the same month (a retried task): nobody new, nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_survey_task.call_local() == 0
    assert mail.outbox == []

    # January is inside the quiet period: east's two staff were both asked, so none there;
    # north has people never asked, and only they are drawn.
    clock(at(1, 9, month=1, year=2027))
    assert monthly_survey_task.call_local() == 2
    january = set(
        SurveyInvitation.objects.filter(month=dt.date(2027, 1, 1)).values_list("person", flat=True)
    )
    assert january.isdisjoint(december)
    assert {w.north.pk} == set(
        SurveyInvitation.objects.filter(month=dt.date(2027, 1, 1)).values_list(
            "organisation", flat=True
        )
    )

    # After the quiet period the December people may be asked again.
    clock(at(1, 9, month=4, year=2027))
    settings.KPIS_MONTHLY_SURVEY_SAMPLE = 100
    april = set(
        SurveyInvitation.objects.filter(month=dt.date(2027, 4, 1)).values_list("person", flat=True)
    )
    assert april == set()
    monthly_survey_task.call_local()
    april = set(
        SurveyInvitation.objects.filter(month=dt.date(2027, 4, 1)).values_list("person", flat=True)
    )
    assert december <= april
    assert january.isdisjoint(april)  # asked on 1 January: still inside 90 days on 1 April


# ---------------------------------------------------------------- after a resolution


def test_should_sample_calls_resolved_in_the_last_hour_once(
    catalogue, clock, settings, django_capture_on_commit_callbacks
):
    w = catalogue
    settings.KPIS_SURVEY_SHARE = 1.0

    def resolved_call(caller, logged, resolved):
        clock(logged)
        call = actions.do_log_incident(
            actor=caller, caller=caller, service=w.phones, short_description="Phone is dead"
        )
        clock(resolved)
        actions.do_take_incident(call.pk, actor=w.agent)
        actions.do_resolve_incident(call.pk, actor=w.agent, code="fixed", notes="New handset")
        return call

    early = resolved_call(w.requester_east, at(24, 8), at(24, 9, 50))
    recent = resolved_call(w.requester_north, at(24, 9), at(24, 10, 30))
    mail.outbox.clear()

    clock(at(24, 11, 15))
    with django_capture_on_commit_callbacks(execute=True):
        assert sample_resolved_calls_task.call_local() == 1
    invitation = SurveyInvitation.objects.get()
    assert (invitation.kind, invitation.incident, invitation.person) == (
        SurveyKind.POST_RESOLUTION,
        recent,
        w.requester_north,
    )
    assert survey_mail() == {w.requester_north.email: invitation.get_absolute_url()}
    assert mail.outbox[0].subject == f"[civicdesk] How did we do with {recent.reference}?"

    # The next hourly run does not draw the same call again, nor the one resolved earlier.
    clock(at(24, 11, 45))
    assert sample_resolved_calls_task.call_local() == 0
    clock(at(24, 12, 15))
    assert sample_resolved_calls_task.call_local() == 0
    assert not SurveyInvitation.objects.filter(incident=early).exists()


# ---------------------------------------------------------------- report emails


def workbook_of(message):
    """The attached workbook, read back as a spreadsheet program would."""
    ((name, content, mimetype),) = message.attachments
    assert name.endswith(".xlsx")
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(content))


def summary_values(workbook) -> dict:
    """{KPI title: value} from the Summary sheet."""
    sheet = workbook["Summary"]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]}


def test_should_email_last_weeks_report_to_weekly_subscribers_with_their_own_figures(
    week_of_calls, clock
):
    w = week_of_calls
    do_save_report_subscription(actor=w.manager_north, weekly=True, monthly=False)
    do_save_report_subscription(actor=w.admin, weekly=True, monthly=True)
    mail.outbox.clear()

    clock(at(30, 7))  # Monday 30 November 07:00: last week is 23-29 November
    assert weekly_report_task.call_local() == 2

    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {w.manager_north.email, w.admin.email}
    north = by_person[w.manager_north.email]
    assert north.subject == "[civicdesk] Weekly KPI report 2026-W48"
    assert f"Printable version: {SITE}/kpis/reports/weekly/?day=2026-11-23" in north.body

    north_book = workbook_of(north)
    assert north_book["Summary"]["A1"].value == "Weekly KPI report 2026-W48"
    assert north_book.sheetnames[0] == "Summary" and north_book.sheetnames[-1] == "Definitions"
    # Five calls logged by north's people that week; east's call H only on the admin's.
    assert summary_values(north_book)["Calls logged"] == 5
    assert summary_values(workbook_of(by_person[w.admin.email]))["Calls logged"] == 6
    assert "First-time fix: 60.0%" in north.body


def test_should_email_last_months_pack_to_monthly_subscribers_only(week_of_calls, clock):
    w = week_of_calls
    do_save_report_subscription(actor=w.manager_north, weekly=True, monthly=False)
    do_save_report_subscription(actor=w.admin, weekly=False, monthly=True)
    mail.outbox.clear()

    clock(at(1, 7, 30, month=12))
    assert monthly_pack_task.call_local() == 1
    (message,) = mail.outbox
    assert message.to == [w.admin.email]
    assert message.subject == "[civicdesk] Monthly KPI pack Nov 2026"
    assert f"{SITE}/kpis/reports/monthly/?day=2026-11-01" in message.body
    book = workbook_of(message)
    # November: A C D E F H logged (B on 20 Nov too); I was logged in October.
    assert summary_values(book)["Calls logged"] == 7


# ---------------------------------------------------------------- wallboard tick


def test_should_tick_the_wallboards_of_councils_whose_calls_just_changed(catalogue, clock):
    w = catalogue
    clock(at(24, 9))
    actions.do_log_incident(
        actor=w.requester_north,
        caller=w.requester_north,
        service=w.email,
        short_description="Cannot print",
    )
    # 30 s later: north's call changed within the last minute.
    clock(at(24, 9) + dt.timedelta(seconds=30))

    async def tick_and_listen():
        layer = get_channel_layer()
        north_channel, east_channel = await layer.new_channel(), await layer.new_channel()
        await layer.group_add(wallboard_group(w.north.pk), north_channel)
        await layer.group_add(wallboard_group(w.east.pk), east_channel)
        ticked = await sync_to_async(wallboard_tick_task.call_local)()
        message = await asyncio.wait_for(layer.receive(north_channel), timeout=5)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(layer.receive(east_channel), timeout=0.3)
        return ticked, message

    ticked, message = async_to_sync(tick_and_listen)()
    assert ticked == [w.north.pk]
    assert message == {"type": "event", "payload": {"type": "wallboard.changed"}}

    clock(at(24, 9, 5))  # five quiet minutes later nothing is ticked
    assert wallboard_tick_task.call_local() == []
