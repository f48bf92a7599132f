"""WebSocket consumers of core: the per-person notification stream."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.realtime import user_group

# Close codes in the 4000 range are the application's own (RFC 6455 section 7.4.2).
CLOSE_UNAUTHENTICATED = 4401


class CivicConsumer(AsyncJsonWebsocketConsumer):
    """Base consumer: refuses anonymous sockets and forwards `event` messages to the browser.

    Subclasses name the groups a connected user joins in `groups_for`, after checking the
    user may see the topic; the base joins and leaves them.
    """

    async def connect(self):
        """Accept authenticated, active users only, then join the topic's groups."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.joined = await self.groups_for(user)
        if self.joined is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.on_accepted(user)

    async def disconnect(self, code):
        """Leave every group joined at connect."""
        for group in getattr(self, "joined", None) or []:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def groups_for(self, user) -> list[str] | None:
        """The groups this user may join for this topic, or None to refuse the socket."""
        raise NotImplementedError

    async def on_accepted(self, user) -> None:
        """Hook to send an initial state once the socket is open."""

    async def event(self, message):
        """Forward a broadcast (see core.realtime.broadcast) to the browser as JSON."""
        await self.send_json(message["payload"])


class NotificationConsumer(CivicConsumer):
    """Streams a person's own notifications to their open pages, starting with the unread count."""

    async def groups_for(self, user):
        """A person joins only their own stream."""
        return [user_group(user.pk)]

    async def on_accepted(self, user):
        """Send the unread count so the badge is right from the start."""
        await self.send_json({"type": "unread", "count": await self._unread(user)})

    @database_sync_to_async
    def _unread(self, user) -> int:
        return user.notifications.filter(read_at__isnull=True).count()
