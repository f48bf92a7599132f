"""The per-person notification stream, end to end through config.asgi with a real session."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from config.asgi import application
from core import actions
from core.consumers import CLOSE_UNAUTHENTICATED
from core.roles import Role
from tests.sockets import SOCKET_TIMEOUT

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@database_sync_to_async
def session_cookie_for(user) -> bytes:
    """A real signed-in session, as the browser would carry it after logging in."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


def socket(cookie: bytes | None = None, origin: bytes = b"http://testserver"):
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def test_should_refuse_an_anonymous_socket():
    communicator = socket()
    connected, code = await communicator.connect(timeout=SOCKET_TIMEOUT)
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_should_refuse_a_socket_from_a_foreign_origin(world):
    communicator = socket(await session_cookie_for(world.agent), origin=b"http://evil.example")
    connected, _code = await communicator.connect(timeout=SOCKET_TIMEOUT)
    assert not connected


async def test_should_refuse_a_deactivated_user(world):
    cookie = await session_cookie_for(world.agent)
    world.agent.is_active = False
    await database_sync_to_async(world.agent.save)()
    connected, _code = await socket(cookie).connect(timeout=SOCKET_TIMEOUT)
    assert not connected


async def test_should_send_the_unread_count_then_each_new_notification(world, make_person):
    newcomer = await database_sync_to_async(make_person)("newcomer", [Role.AGENT], world.north)
    communicator = socket(await session_cookie_for(newcomer))
    connected, _ = await communicator.connect(timeout=SOCKET_TIMEOUT)
    assert connected
    assert await communicator.receive_json_from(timeout=SOCKET_TIMEOUT) == {
        "type": "unread",
        "count": 0,
    }

    await database_sync_to_async(actions.do_add_team_member)(
        world.desk, actor=world.admin, person=newcomer
    )
    message = await communicator.receive_json_from(timeout=SOCKET_TIMEOUT)
    assert message["type"] == "notification"
    assert message["title"] == "You were added to Service Desk"
    assert message["url"] == world.desk.get_absolute_url()
    await communicator.disconnect()


async def test_should_not_leak_one_persons_notifications_to_another(world, make_person):
    newcomer = await database_sync_to_async(make_person)("newcomer", [Role.AGENT], world.north)
    bystander = socket(await session_cookie_for(world.agent))
    connected, _ = await bystander.connect(timeout=SOCKET_TIMEOUT)
    assert connected
    await bystander.receive_json_from(timeout=SOCKET_TIMEOUT)  # its own unread count

    await database_sync_to_async(actions.do_add_team_member)(
        world.desk, actor=world.admin, person=newcomer
    )
    assert await bystander.receive_nothing(timeout=0.5)
    await bystander.disconnect()
