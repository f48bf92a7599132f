"""The CAB: agenda building and editing, publishing, votes, decisions, quorum, minutes."""

import io
import threading

import pytest
from django.core import mail
from django.db import connection
from openpyxl import load_workbook

from changes import actions
from changes.choices import ChangeType
from changes.minutes import minutes_workbook
from changes.models import AgendaItem, CabDecision, CabMeeting, CabVote
from core.audit import history_of
from core.exceptions import ActionError, ActionForbidden, InvalidInput
from tests.changes.conftest import IN_WINDOW, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cab, make_change, advance):
    """A planned meeting whose agenda holds one change awaiting CAB."""
    cab.change = advance(make_change(), "awaiting_cab")
    return actions.do_plan_cab_meeting(cab.board, actor=cab.manager)


@pytest.fixture
def session(cab, meeting):
    """The meeting in session with its first item open for votes."""
    actions.do_publish_agenda(meeting, actor=cab.manager)
    actions.do_open_cab_session(meeting, actor=cab.manager)
    cab.item = meeting.agenda_items.get()
    actions.do_open_agenda_item(cab.item, actor=cab.manager)
    return CabMeeting.objects.get(pk=meeting.pk)


def test_should_plan_the_next_weekly_meeting_on_the_boards_day_and_time(cab, meeting):
    from django.utils import timezone

    local = timezone.localtime(meeting.starts_at)
    assert local.weekday() == cab.board.weekday and local.hour == 10
    assert meeting.starts_at > timezone.now()
    assert meeting.chair == cab.manager and meeting.quorum == 2
    assert set(meeting.members.all()) == {cab.manager, cab.member, cab.member2}
    with pytest.raises(ActionError, match="already planned"):
        actions.do_plan_cab_meeting(cab.board, actor=cab.manager, starts_at=meeting.starts_at)


def test_should_build_the_agenda_from_what_is_due(cab, make_change, advance):
    awaiting = advance(make_change(title="Awaiting"), "awaiting_cab")
    emergency = advance(
        make_change(title="Emergency", change_type=ChangeType.EMERGENCY), "submitted"
    )
    actions.do_record_ecab_approval(emergency, actor=cab.member)
    actions.do_record_ecab_approval(emergency, actor=cab.manager)
    done = advance(make_change(title="Done", planned_start=IN_WINDOW[0]), "implemented")
    advance(make_change(title="Draft only"), "submitted")
    meeting = actions.do_plan_cab_meeting(cab.board, actor=cab.manager)
    agenda = [(i.change.title, i.kind) for i in meeting.agenda_items.order_by("position")]
    assert agenda == [
        ("Awaiting", "decision"),
        ("Emergency", "emergency_review"),
        ("Done", "pir"),
    ]
    assert {awaiting.pk, emergency.pk, done.pk} == set(
        meeting.agenda_items.values_list("change_id", flat=True)
    )


def test_should_reorder_add_and_remove_items_only_before_publishing(
    cab, meeting, make_change, advance
):
    extra = advance(make_change(title="Extra"), "assessed")
    second = actions.do_add_agenda_item(meeting, actor=cab.manager, change=extra)
    with pytest.raises(ActionError, match="already on this agenda"):
        actions.do_add_agenda_item(meeting, actor=cab.manager, change=extra)
    actions.do_move_agenda_item(second, actor=cab.manager, offset=-1)
    order = list(meeting.agenda_items.order_by("position").values_list("change__title", flat=True))
    assert order == ["Extra", "Upgrade mail gateway"]
    with pytest.raises(ActionForbidden):
        actions.do_move_agenda_item(second, actor=cab.member, offset=1)
    actions.do_remove_agenda_item(second, actor=cab.manager)
    assert meeting.agenda_items.count() == 1
    assert history_of(meeting).filter(verb="cab_meeting.item_removed").exists()
    actions.do_publish_agenda(meeting, actor=cab.manager)
    with pytest.raises(ActionError, match="agenda is published"):
        actions.do_add_agenda_item(meeting, actor=cab.manager, change=extra)


def test_should_email_members_when_the_agenda_is_published(
    cab, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = actions.do_publish_agenda(meeting, actor=cab.manager)
    assert meeting.status == "agenda_published"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {cab.manager.email, cab.member.email, cab.member2.email}
    assert cab.change.reference in message.body


def test_should_refuse_to_publish_an_empty_agenda(cab):
    meeting = actions.do_plan_cab_meeting(cab.board, actor=cab.manager)
    with pytest.raises(ActionError, match="agenda is empty"):
        actions.do_publish_agenda(meeting, actor=cab.manager)


def test_should_let_only_change_managers_publish_the_agenda(cab, meeting):
    with pytest.raises(ActionForbidden):
        actions.do_publish_agenda(meeting, actor=cab.member)
    assert reload(meeting).status == "planned"


def test_should_walk_the_meeting_workflow_and_refuse_skipping_steps(cab, meeting):
    with pytest.raises(ActionError, match="Planned"):
        actions.do_open_cab_session(meeting, actor=cab.manager)
    actions.do_publish_agenda(meeting, actor=cab.manager)
    with pytest.raises(ActionError, match="Agenda published"):
        actions.do_publish_minutes(meeting, actor=cab.manager)
    meeting = actions.do_open_cab_session(meeting, actor=cab.manager)
    assert meeting.status == "in_session"
    assert set(meeting.attendees.all()) == {cab.manager, cab.member, cab.member2}


def test_should_record_votes_and_let_a_member_change_theirs(cab, session):
    actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="reject", comment="No backout")
    actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="approve", comment="Fine now")
    vote = CabVote.objects.get(item=cab.item, member=cab.member)
    assert (vote.choice, vote.comment) == ("approve", "Fine now")
    assert history_of(session).filter(verb="cab_meeting.vote_changed").exists()


def test_should_refuse_votes_from_non_members(cab, session, world):
    with pytest.raises(ActionForbidden, match="Only members"):
        actions.do_cast_cab_vote(cab.item, actor=cab.outsider, choice="approve")
    assert not CabVote.objects.exists()


def test_should_refuse_a_vote_that_is_not_a_choice(cab, session):
    with pytest.raises(InvalidInput):
        actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="maybe")


def test_should_refuse_a_decision_without_quorum(cab, session):
    actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="approve")
    with pytest.raises(ActionError, match="No quorum: 1 of the 2"):
        actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome="approve")
    assert reload(cab.change).status == "awaiting_cab"
    assert not CabDecision.objects.exists()


def test_should_move_the_change_when_the_chair_approves(
    cab, session, django_capture_on_commit_callbacks
):
    actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="approve")
    actions.do_cast_cab_vote(cab.item, actor=cab.member2, choice="abstain", comment="Not my area")
    with pytest.raises(ActionForbidden, match="Only the chair"):
        actions.do_record_cab_decision(cab.item, actor=cab.member, outcome="approve")
    decision = actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome="approve")
    assert decision.outcome == "approve"
    change = reload(cab.change)
    assert change.status == "approved"
    assert history_of(change).filter(verb="change.cab_approved").exists()
    assert AgendaItem.objects.get(pk=cab.item.pk).status == "closed"
    assert reload(session).current_item is None


def test_should_require_conditions_to_approve_with_conditions(cab, session):
    for member in (cab.member, cab.member2):
        actions.do_cast_cab_vote(cab.item, actor=member, choice="approve")
    with pytest.raises(InvalidInput, match="conditions"):
        actions.do_record_cab_decision(
            cab.item, actor=cab.manager, outcome="approve_with_conditions"
        )
    actions.do_record_cab_decision(
        cab.item,
        actor=cab.manager,
        outcome="approve_with_conditions",
        conditions="Only after payroll run",
    )
    change = reload(cab.change)
    assert change.status == "approved" and change.approval_conditions == "Only after payroll run"


@pytest.mark.parametrize("outcome,state", [("reject", "rejected"), ("defer", "deferred")])
def test_should_reject_or_defer_the_change(cab, session, outcome, state):
    for member in (cab.member, cab.member2):
        actions.do_cast_cab_vote(cab.item, actor=member, choice="reject")
    actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome=outcome)
    assert reload(cab.change).status == state


def test_should_refuse_a_vote_after_the_item_closed(cab, session):
    for member in (cab.member, cab.member2):
        actions.do_cast_cab_vote(cab.item, actor=member, choice="approve")
    actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome="approve")
    with pytest.raises(ActionError, match="Voting on .* has closed"):
        actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="reject")
    assert CabVote.objects.get(item=cab.item, member=cab.member).choice == "approve"


def test_should_refuse_a_second_decision_on_the_same_item(cab, session):
    for member in (cab.member, cab.member2):
        actions.do_cast_cab_vote(cab.item, actor=member, choice="approve")
    actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome="approve")
    with pytest.raises(ActionError, match="already decided by"):
        actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome="reject")
    assert CabDecision.objects.get().outcome == "approve"
    assert reload(cab.change).status == "approved"


def test_should_refuse_votes_before_an_item_is_opened(cab, meeting, make_change, advance):
    actions.do_publish_agenda(meeting, actor=cab.manager)
    actions.do_open_cab_session(meeting, actor=cab.manager)
    item = meeting.agenda_items.get()
    with pytest.raises(ActionError, match="not open for votes"):
        actions.do_cast_cab_vote(item, actor=cab.member, choice="approve")


def test_should_refuse_publishing_minutes_while_an_item_is_open(cab, session):
    with pytest.raises(ActionError, match="Close the item"):
        actions.do_publish_minutes(session, actor=cab.manager)


def test_should_publish_minutes_as_a_workbook_and_by_email(
    cab, session, django_capture_on_commit_callbacks
):
    actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="approve", comment="Tested well")
    actions.do_cast_cab_vote(cab.item, actor=cab.member2, choice="reject", comment="Too close")
    actions.do_record_cab_decision(
        cab.item, actor=cab.manager, outcome="approve", actions="Tell the service desk"
    )
    actions.do_record_attendance(
        session, actor=cab.manager, attendees=[cab.manager, cab.member], apologies=[cab.member2]
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = actions.do_publish_minutes(session, actor=cab.manager, notes="Short meeting")
    assert meeting.status == "minutes_published"
    body = mail.outbox[-1].body
    assert "Beth" in body and "Approve (Tested well)" in body and "Apologies: Dev" in body
    buffer = io.BytesIO()
    minutes_workbook(meeting).save(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    items = list(book["Items"].values)
    assert items[0][:2] == ("#", "Change")
    assert items[1][1] == cab.change.reference
    assert items[1][6] == "Approve" and items[1][8] == "Tell the service desk"
    votes = list(book["Votes"].values)[1:]
    assert {(v[1].split()[0], v[2], v[3]) for v in votes} == {
        ("Beth", "Approve", "Tested well"),
        ("Dev", "Reject", "Too close"),
    }
    attendance = list(book["Attendance"].values)
    assert ("Apologies", str(cab.member2)) in attendance


def test_should_note_reviews_without_moving_the_change(cab, make_change, advance):
    done = advance(make_change(title="Done"), "implemented")
    meeting = actions.do_plan_cab_meeting(cab.board, actor=cab.manager)
    item = meeting.agenda_items.get(change=done)
    actions.do_publish_agenda(meeting, actor=cab.manager)
    actions.do_open_cab_session(meeting, actor=cab.manager)
    actions.do_open_agenda_item(item, actor=cab.manager)
    for member in (cab.member, cab.member2):
        actions.do_cast_cab_vote(item, actor=member, choice="approve")
    with pytest.raises(InvalidInput, match="noted"):
        actions.do_record_cab_decision(item, actor=cab.manager, outcome="approve")
    actions.do_record_cab_decision(item, actor=cab.manager, outcome="noted")
    assert reload(done).status == "implemented"


@pytest.mark.django_db(transaction=True)
def test_should_let_only_one_of_two_simultaneous_decisions_win(cab, session):
    """Two deciders at once (two threads, two connections): one wins, one is refused."""
    for member in (cab.member, cab.member2):
        actions.do_cast_cab_vote(cab.item, actor=member, choice="approve")
    barrier = threading.Barrier(2)
    results = []

    def decide(outcome):
        try:
            barrier.wait()
            actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome=outcome)
            results.append(("ok", outcome))
        except ActionError as exc:
            results.append(("refused", exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(o,)) for o in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    winner = next(outcome for kind, outcome in results if kind == "ok")
    assert CabDecision.objects.get().outcome == winner
    assert reload(cab.change).status == {"approve": "approved", "reject": "rejected"}[winner]
    refusal = next(message for kind, message in results if kind == "refused")
    assert "already decided" in refusal


def test_should_plan_each_boards_next_meeting_once_from_the_daily_task(cab, make_change, advance):
    from changes.tasks import plan_upcoming_cab_meetings

    advance(make_change(), "awaiting_cab")
    planned = plan_upcoming_cab_meetings()
    assert len(planned) == 1 and planned[0].agenda_items.count() == 1
    assert plan_upcoming_cab_meetings() == []
    assert history_of(planned[0]).get(verb="cab_meeting.planned").actor == cab.manager


def test_should_email_the_minutes_as_html_with_the_workbook_attached(
    cab, session, django_capture_on_commit_callbacks
):
    from html.parser import HTMLParser

    from core.exports import XLSX_TYPE

    actions.do_cast_cab_vote(cab.item, actor=cab.member, choice="approve", comment="Tested well")
    actions.do_cast_cab_vote(cab.item, actor=cab.member2, choice="reject", comment="Too close")
    actions.do_record_cab_decision(
        cab.item,
        actor=cab.manager,
        outcome="approve_with_conditions",
        conditions="Only after the backup <verified>",
        actions="Tell the service desk",
    )
    actions.do_record_attendance(
        session, actor=cab.manager, attendees=[cab.manager, cab.member], apologies=[cab.member2]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_publish_minutes(session, actor=cab.manager, notes="Short meeting")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted(p.email for p in (cab.manager, cab.member, cab.member2))
    assert "Apologies: Dev" in message.body  # the plain-text part is still there

    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"

    class Text(HTMLParser):
        """The text of each element with an id, and all text, of the HTML part."""

        def __init__(self):
            super().__init__()
            self.stack, self.by_id, self.all = [], {}, []

        def handle_starttag(self, tag, attrs):
            if tag not in ("br",):
                self.stack.append(dict(attrs).get("id"))

        def handle_endtag(self, tag):
            if tag not in ("br",):
                self.stack.pop()

        def handle_data(self, data):
            self.all.append(data)
            for ident in filter(None, self.stack):
                self.by_id[ident] = self.by_id.get(ident, "") + data

    text = Text()
    text.feed(html)
    assert set(text.by_id["attendees"].split(", ")) == {str(cab.manager), str(cab.member)}
    assert text.by_id["apologies"] == str(cab.member2)
    items = " ".join(text.by_id["items"].split())
    assert cab.change.reference in items and cab.change.title in items
    assert f"{cab.member}: Approve — Tested well" in items
    assert f"{cab.member2}: Reject — Too close" in items
    assert "Approve with conditions" in items
    assert "Only after the backup <verified>" in items  # escaped in the HTML, not markup
    assert "<verified>" not in html
    assert "Tell the service desk" in items
    assert "Short meeting" in "".join(text.all)

    [(filename, content, attachment_type)] = message.attachments
    assert filename.endswith(".xlsx") and filename.startswith("Weekly-CAB-minutes-")
    assert attachment_type == XLSX_TYPE
    book = load_workbook(io.BytesIO(content))
    rows = list(book["Items"].values)
    assert rows[1][1] == cab.change.reference
    assert rows[1][6] == "Approve with conditions"
    assert rows[1][7] == "Only after the backup <verified>"
    assert rows[1][8] == "Tell the service desk"
    assert ("Apologies", str(cab.member2)) in list(book["Attendance"].values)


def test_should_send_no_minutes_when_publishing_is_rolled_back(
    cab, session, django_capture_on_commit_callbacks
):
    from django.db import transaction

    for member in (cab.member, cab.member2):
        actions.do_cast_cab_vote(cab.item, actor=member, choice="abstain")
    actions.do_record_cab_decision(cab.item, actor=cab.manager, outcome="defer")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            actions.do_publish_minutes(session, actor=cab.manager)
            raise RuntimeError("something after publishing failed")
    assert mail.outbox == []
    assert reload_meeting(session).status == "in_session"


def reload_meeting(meeting):
    return CabMeeting.objects.get(pk=meeting.pk)
