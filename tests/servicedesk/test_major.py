"""Major incidents: declaring, the outage window, the comms log, the portal banner."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from core.audit import history_of
from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.models import Notification, Organisation
from servicedesk import actions
from servicedesk.models import Incident, MajorIncidentUpdate

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def client_for(person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


@pytest.fixture
def major(desk, log_call):
    """An email outage logged by a north caller and declared major by the team lead."""
    incident = log_call(short_description="Nobody can send email", impact=1, urgency=1)
    return actions.do_declare_major_incident(
        incident.pk,
        actor=desk.team_lead,
        affected_services=[desk.phones],
        outage_start=timezone.now() - dt.timedelta(hours=1),
    )


def test_should_declare_a_major_incident_with_its_services_and_audit(desk, major):
    assert major.is_major and major.outage_is_open
    assert set(major.all_affected_services()) == {desk.email, desk.phones}
    assert major.affected_organisation_ids() == {desk.north.pk}
    assert set(desk.phones.major_incidents.all()) == {major}
    event = history_of(major).first()
    assert event.verb == "incident.major_declared" and event.actor == desk.team_lead
    assert event.after["is_major"] is True
    with pytest.raises(ActionError, match="already a major incident"):
        actions.do_declare_major_incident(major.pk, actor=desk.team_lead)


@pytest.mark.parametrize("who", ["agent", "requester_north", "manager_north"])
def test_should_refuse_major_incident_actions_without_the_right(desk, log_call, major, who):
    person = getattr(desk, who)
    other = log_call()
    before = history_of(major).count()
    with pytest.raises(ActionForbidden):
        actions.do_declare_major_incident(other.pk, actor=person)
    with pytest.raises(ActionForbidden):
        actions.do_stand_down_major_incident(major.pk, actor=person)
    with pytest.raises(ActionForbidden):
        actions.do_set_outage_window(major.pk, actor=person, start=None, end=None)
    with pytest.raises(ActionForbidden):
        actions.do_post_major_incident_update(major.pk, actor=person, message="x", public=True)
    assert not Incident.objects.get(pk=other.pk).is_major
    assert Incident.objects.get(pk=major.pk).is_major
    assert not MajorIncidentUpdate.objects.exists()
    assert history_of(major).count() == before


def test_should_refuse_an_outage_ending_before_it_started_and_change_nothing(desk, major):
    start = major.outage_start
    version = Incident.objects.get(pk=major.pk).version
    with pytest.raises(InvalidInput, match="cannot end before it started"):
        actions.do_set_outage_window(
            major.pk, actor=desk.team_lead, start=start, end=start - dt.timedelta(minutes=1)
        )
    with pytest.raises(InvalidInput, match="before the time it ended"):
        actions.do_set_outage_window(major.pk, actor=desk.team_lead, start=None, end=start)
    fresh = Incident.objects.get(pk=major.pk)
    assert fresh.outage_start == start and fresh.outage_end is None
    assert fresh.version == version
    assert not history_of(major).filter(verb="incident.outage_recorded").exists()


def test_should_refuse_an_end_before_start_from_the_call_page_with_a_clear_message(desk, major):
    lead = client_for(desk.team_lead)
    response = lead.post(
        f"/calls/{major.pk}/major/outage/",
        {
            "version": Incident.objects.get(pk=major.pk).version,
            "outage_start": "2026-01-10T10:00",
            "outage_end": "2026-01-10T09:30",
        },
        follow=True,
    )
    assert "The outage cannot end before it started." in response.content.decode()
    fresh = Incident.objects.get(pk=major.pk)
    assert fresh.outage_start == major.outage_start and fresh.outage_end is None


def test_should_never_store_an_outage_ending_before_it_started(desk, major):
    """The database refuses it too, whatever path a write takes."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=major.pk).update(
            outage_end=major.outage_start - dt.timedelta(seconds=1)
        )


def test_should_close_the_outage_then_stand_down_but_not_while_it_is_open(desk, major):
    with pytest.raises(ActionError, match="still open"):
        actions.do_stand_down_major_incident(major.pk, actor=desk.team_lead)
    end = timezone.now()
    actions.do_set_outage_window(major.pk, actor=desk.team_lead, start=major.outage_start, end=end)
    incident = actions.do_stand_down_major_incident(major.pk, actor=desk.team_lead)
    assert not incident.is_major and incident.outage_end == end
    verbs = list(history_of(incident).values_list("verb", flat=True)[:2])
    assert verbs == ["incident.major_stood_down", "incident.outage_recorded"]


def test_should_email_public_updates_to_the_caller_and_team_but_desk_notes_to_the_team_only(
    desk, major, django_capture_on_commit_callbacks
):
    desk.desk.email = "desk@example.gov.uk"
    desk.desk.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_post_major_incident_update(
            major.pk, actor=desk.team_lead, message="Supplier engaged", public=False
        )
    assert [m.to for m in mail.outbox] == [["desk@example.gov.uk"]]
    assert not Notification.objects.filter(recipient=desk.requester_north).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_post_major_incident_update(
            major.pk, actor=desk.team_lead, message="Email is back for most", public=True
        )
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["desk@example.gov.uk", desk.requester_north.email]
    assert Notification.objects.get(recipient=desk.requester_north).body == (
        "Email is back for most"
    )
    assert history_of(major).first().verb == "incident.major_update_posted"


def test_should_show_the_comms_log_and_outage_on_the_desk_call_page(desk, major):
    actions.do_post_major_incident_update(
        major.pk, actor=desk.team_lead, message="Investigating the mail relay", public=False
    )
    page = client_for(desk.agent).get(major.get_absolute_url()).content.decode()
    assert "Major incident communications" in page and "Investigating the mail relay" in page
    assert "ongoing" in page and "Telephony" in page
    assert 'id="outage-form"' not in page  # agents read the log; they do not run it
    lead_page = client_for(desk.team_lead).get(major.get_absolute_url()).content.decode()
    assert 'id="outage-form"' in lead_page and 'id="major-update-form"' in lead_page


def test_should_declare_and_post_from_the_call_page(desk, log_call):
    incident = log_call()
    lead = client_for(desk.team_lead)
    page = lead.get(incident.get_absolute_url()).content.decode()
    assert 'id="declare-major-form"' in page
    lead.post(
        f"/calls/{incident.pk}/major/declare/",
        {
            "version": incident.version,
            "affected_services": [desk.phones.pk],
            "affected_organisations": [desk.east.pk],
            "outage_start": "",
        },
    )
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.is_major and incident.outage_start is None
    assert incident.affected_organisation_ids() == {desk.north.pk, desk.east.pk}
    lead.post(f"/calls/{incident.pk}/major/updates/", {"message": "On it", "public": "on"})
    assert incident.major_updates.get().is_public


def test_should_show_the_banner_only_to_staff_of_the_affected_organisations(desk, major):
    requester_north, requester_east = (
        client_for(desk.requester_north),
        client_for(desk.requester_east),
    )
    actions.do_post_major_incident_update(
        major.pk, actor=desk.team_lead, message="Desk-only detail", public=False
    )
    # Not public yet: nothing to show anyone.
    assert "major-banner" not in requester_north.get("/portal/").content.decode()
    actions.do_post_major_incident_update(
        major.pk, actor=desk.team_lead, message="Email is down; we are on it", public=True
    )
    for url in ("/portal/", "/portal/calls/new/"):
        north = requester_north.get(url).content.decode()
        assert "major-banner" in north and "Email is down; we are on it" in north
        assert "Desk-only detail" not in north
        assert "major-banner" not in requester_east.get(url).content.decode()
    # Once the east council is affected too, its staff see it.
    actions.do_update_major_incident_scope(
        major.pk,
        actor=desk.team_lead,
        affected_services=[desk.phones],
        affected_organisations=[desk.east],
    )
    assert "Email is down" in requester_east.get("/portal/").content.decode()
    # A resolved major incident is no longer current.
    actions.do_resolve_incident(major.pk, actor=desk.team_lead, code="fixed", notes="Relay")
    assert "major-banner" not in requester_north.get("/portal/").content.decode()


def test_should_refuse_affecting_an_organisation_the_actor_does_not_serve(desk, log_call):
    west = Organisation.objects.create(name="Westmoor", slug="west")
    incident = log_call()
    with pytest.raises(InvalidInput, match="You do not serve Westmoor"):
        actions.do_declare_major_incident(
            incident.pk, actor=desk.team_lead, affected_organisations=[west]
        )
    assert not Incident.objects.get(pk=incident.pk).is_major


def test_should_tell_callers_of_linked_calls_about_public_updates(
    desk, log_call, major, django_capture_on_commit_callbacks
):
    desk.desk.email = "desk@example.gov.uk"
    desk.desk.save()
    report = log_call(caller=desk.requester_east, short_description="No email here either")
    with pytest.raises(InvalidInput, match="not a current major incident you may see"):
        actions.do_link_to_major_incident(report.pk, actor=desk.agent_east, major=major)
    actions.do_link_to_major_incident(report.pk, actor=desk.agent, major=major)
    assert Incident.objects.get(pk=report.pk).major_incident == major
    assert history_of(report).first().verb == "incident.linked_to_major"
    with pytest.raises(InvalidInput, match="cannot be linked to a major incident"):
        actions.do_link_to_major_incident(major.pk, actor=desk.agent, major=major)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_post_major_incident_update(
            major.pk, actor=desk.team_lead, message="Mail relay restarted", public=True
        )
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted(
        ["desk@example.gov.uk", desk.requester_north.email, desk.requester_east.email]
    )
    # The east caller was told; they still cannot open the north caller's call.
    notice = Notification.objects.get(recipient=desk.requester_east)
    assert notice.url == "/portal/"
    page = client_for(desk.team_lead).get(major.get_absolute_url()).content.decode()
    assert report.reference in page


def test_should_offer_current_major_incidents_on_another_call_page(desk, log_call, major):
    other = log_call()
    agent = client_for(desk.agent)
    page = agent.get(other.get_absolute_url()).content.decode()
    assert 'id="link-major-form"' in page and major.reference in page
    agent.post(
        f"/calls/{other.pk}/major/link/", {"version": other.version, "major_incident": major.pk}
    )
    assert Incident.objects.get(pk=other.pk).major_incident == major
