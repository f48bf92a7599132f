"""The live CAB board socket, end to end through config.asgi with real sessions."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from changes import actions
from config.asgi import application
from tests.sockets import SOCKET_TIMEOUT

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def cookie_for(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def board(meeting_id: int, user=None):
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        headers.append((b"cookie", await cookie_for(user)))
    communicator = WebsocketCommunicator(
        application, f"/ws/changes/cab/{meeting_id}/", headers=headers
    )
    connected, _ = await communicator.connect(timeout=SOCKET_TIMEOUT)
    return communicator, connected


@pytest.fixture
def in_session(cab, make_change, advance):
    cab.change = advance(make_change(), "awaiting_cab")
    meeting = actions.do_plan_cab_meeting(cab.board, actor=cab.manager)
    actions.do_publish_agenda(meeting, actor=cab.manager)
    actions.do_open_cab_session(meeting, actor=cab.manager)
    cab.item = meeting.agenda_items.get()
    actions.do_open_agenda_item(cab.item, actor=cab.manager)
    cab.meeting = meeting
    return cab


async def test_should_refuse_anonymous_people_and_non_members(in_session, world):
    cab = in_session
    _, connected = await board(cab.meeting.pk)
    assert not connected
    _, connected = await board(cab.meeting.pk, cab.outsider)
    assert not connected
    _, connected = await board(cab.meeting.pk, world.agent)
    assert not connected
    _, connected = await board(999999, cab.member)
    assert not connected


async def test_should_stream_votes_to_every_member_and_catch_up_on_reconnect(in_session):
    cab = in_session
    first, connected = await board(cab.meeting.pk, cab.member)
    assert connected
    state = await first.receive_json_from(timeout=SOCKET_TIMEOUT)
    assert state["type"] == "board.state" and state["current_item"] == cab.item.pk
    assert state["items"][0]["reference"] == cab.change.reference
    assert state["items"][0]["risk"] == "Low"
    second, connected = await board(cab.meeting.pk, cab.member2)
    assert connected
    await second.receive_json_from(timeout=SOCKET_TIMEOUT)

    await database_sync_to_async(actions.do_cast_cab_vote)(
        cab.item, actor=cab.member, choice="approve", comment="Looks safe"
    )
    for communicator in (first, second):
        update = await communicator.receive_json_from(timeout=SOCKET_TIMEOUT)
        vote = update["items"][0]["votes"][0]
        assert (vote["member"], vote["choice"], vote["comment"]) == (
            str(cab.member),
            "approve",
            "Looks safe",
        )
    await second.disconnect()

    # Dev's browser was away while Beth's vote changed and Carl decided: reconnecting shows it.
    await database_sync_to_async(actions.do_cast_cab_vote)(
        cab.item, actor=cab.member2, choice="abstain"
    )
    await database_sync_to_async(actions.do_record_cab_decision)(
        cab.item, actor=cab.manager, outcome="approve"
    )
    again, connected = await board(cab.meeting.pk, cab.member2)
    assert connected
    state = await again.receive_json_from(timeout=SOCKET_TIMEOUT)
    item = state["items"][0]
    assert len(item["votes"]) == 2
    assert item["decision"]["outcome"] == "approve"
    assert item["change_status"] == "Approved"
    await first.disconnect()
    await again.disconnect()


async def test_should_let_a_change_manager_who_is_not_a_member_watch(
    in_session, make_person, world
):
    from core.roles import Role

    other_manager = await database_sync_to_async(make_person)(
        "morgan", [Role.CHANGE_MANAGER], world.north
    )
    communicator, connected = await board(in_session.meeting.pk, other_manager)
    assert connected
    await communicator.disconnect()
