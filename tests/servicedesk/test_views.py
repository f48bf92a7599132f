"""Portal and desk pages: what each person sees, forms, refusals, exports, bulk actions."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicedesk import actions
from servicedesk.models import Attachment, Incident

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16  # the signature, then a header


def client_for(person) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_should_let_a_requester_log_a_call_with_an_attachment(desk):
    client = client_for(desk.requester_north)
    page = client.get("/portal/calls/new/")
    assert page.status_code == 200 and "Log a call" in page.content.decode()
    response = client.post(
        "/portal/calls/new/",
        {
            "service": desk.email.pk,
            "category": desk.outlook.pk,
            "short_description": "Outlook crashes",
            "description": "Since this morning",
            "impact": 3,
            "attachments": [SimpleUploadedFile("screen.png", PNG, "image/png")],
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_portal_url()
    assert incident.caller == desk.requester_north and incident.channel == "portal"
    attachment = incident.attachments.get()
    assert attachment.original_name == "screen.png"
    assert "screen" not in attachment.file.name  # stored under a random name
    page = client.get(incident.get_portal_url()).content.decode()
    assert incident.reference in page and "screen.png" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"), "cannot be attached"),
        (SimpleUploadedFile("big.pdf", b"x" * (10 * 1024 * 1024 + 1), "application/pdf"), "10 MB"),
    ],
)
def test_should_refuse_forbidden_or_oversize_attachments_with_no_partial_record(
    desk, upload, message
):
    client = client_for(desk.requester_north)
    response = client.post(
        "/portal/calls/new/",
        {"service": desk.email.pk, "short_description": "x", "impact": 3, "attachments": [upload]},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Incident.objects.exists() and not Attachment.objects.exists()


def test_should_refuse_an_unknown_category_clearly(desk):
    client = client_for(desk.requester_north)
    response = client.post(
        "/portal/calls/new/",
        {"service": desk.email.pk, "category": 99999, "short_description": "x", "impact": 3},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Incident.objects.exists()


def test_should_never_show_requesters_internal_notes_or_other_peoples_calls(desk, log_call):
    mine = log_call()
    theirs = log_call(caller=desk.requester_east)
    actions.do_add_comment(mine.pk, actor=desk.agent, body="Caller sounds cross", internal=True)
    actions.do_add_comment(mine.pk, actor=desk.agent, body="We are on it")
    note = SimpleUploadedFile("notes.txt", b"secret", "text/plain")
    actions.do_add_comment(
        mine.pk, actor=desk.agent, body="log attached", internal=True, attachments=[note]
    )
    client = client_for(desk.requester_north)
    page = client.get(mine.get_portal_url()).content.decode()
    assert "We are on it" in page
    assert "Caller sounds cross" not in page and "notes.txt" not in page
    internal_file = Attachment.objects.get(is_internal=True)
    assert client.get(internal_file.get_absolute_url()).status_code == 404
    assert client.get(theirs.get_portal_url()).status_code == 404
    assert client.get(theirs.get_absolute_url()).status_code == 403  # no desk right at all
    listing = client.get("/portal/calls/").content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    # The agent sees the note and may download the file.
    agent = client_for(desk.agent)
    assert "Caller sounds cross" in agent.get(mine.get_absolute_url()).content.decode()
    assert agent.get(internal_file.get_absolute_url()).status_code == 200


def test_should_serve_attachments_only_to_people_who_may_see_the_call(desk, log_call):
    upload = SimpleUploadedFile("error.txt", b"stack trace", "text/plain")
    incident = log_call(attachments=[upload])
    attachment = incident.attachments.get()
    response = client_for(desk.requester_north).get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"stack trace"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(desk.requester_east).get(attachment.get_absolute_url()).status_code == 404
    assert client_for(desk.agent_east).get(attachment.get_absolute_url()).status_code == 404


def test_should_show_the_agent_only_the_edges_available_now(desk, log_call):
    incident = log_call()
    page = client_for(desk.agent).get(incident.get_absolute_url()).content.decode()
    for label in ("Take", "Assign", "Resolve", "Cancel"):
        assert f">{label}</button>" in page
    assert ">Resume</button>" not in page and ">Reopen</button>" not in page
    assert "Response" in page and "History" in page and "incident.logged" in page


def test_should_take_and_resolve_from_the_call_page_and_refuse_a_stale_page(desk, log_call):
    incident = log_call()
    agent = client_for(desk.agent)
    url = f"/calls/{incident.pk}/do/take/"
    agent.post(url, {"version": incident.version})
    assert Incident.objects.get(pk=incident.pk).status == "in_progress"
    lead = client_for(desk.team_lead)
    response = lead.post(
        f"/calls/{incident.pk}/do/resolve/",
        {"version": incident.version, "resolve-code": "fixed", "resolve-notes": "x"},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == "in_progress"
    fresh = Incident.objects.get(pk=incident.pk)
    agent.post(
        f"/calls/{incident.pk}/do/resolve/",
        {"version": fresh.version, "resolve-code": "fixed", "resolve-notes": "Restarted"},
    )
    assert Incident.objects.get(pk=incident.pk).status == "resolved"


def test_should_refuse_a_requester_posting_an_agent_edge(desk, log_call):
    incident = log_call()
    response = client_for(desk.requester_north).post(
        f"/calls/{incident.pk}/do/take/", {"next": incident.get_portal_url()}, follow=True
    )
    assert "right to take" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == "new"


def test_should_let_the_caller_confirm_and_rate_from_the_portal(desk, log_call):
    incident = log_call()
    actions.do_resolve_incident(incident.pk, actor=desk.agent, code="fixed", notes="Reset")
    client = client_for(desk.requester_north)
    page = client.get(incident.get_portal_url()).content.decode()
    assert ">Confirm the fix</button>" in page and ">Reopen</button>" in page
    client.post(f"/calls/{incident.pk}/do/confirm/", {"next": incident.get_portal_url()})
    client.post(f"/calls/{incident.pk}/rate/", {"score": 5, "comment": "Quick!"})
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.status == "closed" and incident.survey.score == 5
    again = client.post(f"/calls/{incident.pk}/rate/", {"score": 1}, follow=True)
    assert "already rated" in again.content.decode()


def test_should_log_a_phone_call_resolved_on_first_contact(desk):
    client = client_for(desk.agent)
    assert client.get("/desk/calls/new/").status_code == 200
    response = client.post(
        "/desk/calls/new/",
        {
            "caller": desk.requester_east.email.upper(),
            "channel": "phone",
            "service": desk.email.pk,
            "short_description": "Forgot password",
            "impact": 3,
            "urgency": 2,
            "resolve_now": "on",
            "resolution_code": "advice",
            "resolution_notes": "Reset it with the caller",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.status == "resolved" and incident.resolved_first_contact
    assert incident.caller == desk.requester_east and incident.logged_by == desk.agent


def test_should_list_queues_with_filters_and_export_them(desk, log_call):
    first = log_call(impact=1, urgency=1)
    second = log_call(category=desk.outlook)
    log_call(caller=desk.requester_east)
    client = client_for(desk.agent)
    for name in ("mine", "teams", "unassigned", "breaching", "breached", "open"):
        assert client.get(f"/desk/queues/{name}/").status_code == 200
    page = client.get("/desk/queues/teams/?priority=1").content.decode()
    assert first.reference in page and second.reference not in page
    by_category = client.get(f"/desk/queues/open/?category={desk.outlook.pk}").content.decode()
    assert second.reference in by_category and first.reference not in by_category
    found = client.get(f"/desk/queues/open/?q={second.reference}").content.decode()
    assert second.reference in found and first.reference not in found
    export = client.get("/desk/queues/teams/?priority=1&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2 and rows[1][0] == first.reference
    # The east-only agent's queue never shows north's calls.
    east_page = client_for(desk.agent_east).get("/desk/queues/open/").content.decode()
    assert first.reference not in east_page


def test_should_bulk_assign_and_resolve_through_the_actions(desk, log_call):
    calls = [log_call(caller=desk.requester_east) for _ in range(3)]
    client = client_for(desk.agent)
    ids = [str(c.pk) for c in calls]
    client.post(
        "/desk/calls/bulk/",
        {"operation": "assign", "team": desk.east_team.pk, "pk": ids, "next": "/desk/"},
    )
    assert set(Incident.objects.values_list("team", flat=True)) == {desk.east_team.pk}
    assert all(c.reassignment_count == 1 for c in Incident.objects.all())
    actions.do_cancel_incident(calls[0].pk, actor=desk.agent)
    response = client.post(
        "/desk/calls/bulk/",
        {"operation": "resolve", "code": "fixed", "notes": "Mass fix", "pk": ids, "next": "/desk/"},
        follow=True,
    )
    page = response.content.decode()
    assert "2 calls updated" in page and f"{calls[0].reference}: This incident is Cancelled" in page
    assert Incident.objects.filter(status="resolved").count() == 2


def test_should_show_queue_links_and_counts_on_the_desk(desk, log_call):
    log_call()
    page = client_for(desk.agent).get("/desk/").content.decode()
    assert "My teams&#x27; calls" in page and "/desk/queues/breached/" in page


def test_should_refuse_a_phone_call_for_someone_the_agent_does_not_serve(desk):
    response = client_for(desk.agent_east).post(
        "/desk/calls/new/",
        {
            "caller": desk.requester_north.username,
            "channel": "phone",
            "service": desk.email.pk,
            "short_description": "x",
            "impact": 3,
            "urgency": 2,
        },
    )
    assert "Nobody you serve is known as" in response.content.decode()
    assert not Incident.objects.exists()
