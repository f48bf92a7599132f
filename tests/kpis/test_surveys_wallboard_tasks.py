"""Satisfaction sampling and answers, the wallboard figures, and the emailed reports."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core import mail
from django.urls import reverse

from core.exceptions import ActionForbidden
from kpis.actions import do_answer_survey, do_invite_post_resolution, do_save_report_subscription
from kpis.models import SurveyInvitation
from kpis.tasks import email_reports
from kpis.wallboard import wallboard_figures
from servicedesk.models import SurveyResponse
from tests.conftest import PASSWORD
from tests.kpis.conftest import at

pytestmark = pytest.mark.django_db


def test_should_sample_callers_never_twice_within_the_quiet_period(week_of_calls, settings):
    settings.KPIS_SURVEY_SHARE = 1.0
    invited = do_invite_post_resolution(
        resolved_since=at(20, 0), now=at(27, 12), rng=random.Random(1)
    )
    # Every resolved call is drawn, but each caller is asked once: north's and east's.
    assert sorted(i.person.username for i in invited) == ["req_east", "req_north"]
    again = do_invite_post_resolution(
        resolved_since=at(20, 0), now=at(27, 12), rng=random.Random(1)
    )
    assert again == []  # still inside the quiet period
    settings.KPIS_SURVEY_SHARE = 0.0
    assert SurveyInvitation.objects.count() == 2


def test_should_record_an_answer_only_from_the_invited_person_once(week_of_calls, client, settings):
    settings.KPIS_SURVEY_SHARE = 1.0
    w = week_of_calls
    (invitation,) = [
        i
        for i in do_invite_post_resolution(resolved_since=at(20, 0), now=at(27, 12))
        if i.person == w.requester_north
    ]
    with pytest.raises(ActionForbidden):
        do_answer_survey(invitation.token, actor=w.requester_east, score=5)
    client.login(username="req_north", password=PASSWORD)
    url = reverse("kpis:survey_answer", args=[invitation.token])
    assert client.post(url, {"score": "4"}).status_code == 302
    assert SurveyResponse.objects.get(incident=invitation.incident).score == 4
    assert b"your answer was recorded" in client.get(url).content
    client.login(username="req_east", password=PASSWORD)
    assert client.get(url).status_code == 404


def test_should_show_todays_figures_to_the_manager_only_for_their_organisations(week_of_calls):
    w = week_of_calls
    figures = wallboard_figures(w.manager_north, now=at(24, 12))
    assert figures["logged_today"] == 1  # F
    assert figures["open"] == 2  # F and I
    assert figures["breached"] == 1  # I, long past its deadline
    everyone = wallboard_figures(w.admin, now=at(23, 12))
    assert everyone["resolved_today"] == 5  # A B D H and E's second resolution


def test_should_email_the_weekly_report_with_the_workbook_to_subscribers(week_of_calls):
    w = week_of_calls
    do_save_report_subscription(actor=w.manager_north, weekly=True, monthly=False)
    mail.outbox.clear()
    assert email_reports("weekly", today=dt.date(2026, 12, 1)) == 1
    (message,) = mail.outbox
    assert message.to == [w.manager_north.email] and "2026-W48" in message.subject
    assert "First-time fix: 60.0%" in message.body
    assert message.attachments[0][0].endswith(".xlsx")
    assert email_reports("monthly", today=dt.date(2026, 12, 1)) == 0
