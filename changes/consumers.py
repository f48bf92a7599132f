"""The live CAB board: every attendee's browser sees items, votes and decisions as they happen."""

from channels.db import database_sync_to_async

from changes.actions.cab import board_group
from core.consumers import CivicConsumer


class CabBoardConsumer(CivicConsumer):
    """Streams one meeting's board; only its members, its chair and change managers may join."""

    async def groups_for(self, user):
        """The meeting's group, if the person may attend it; otherwise the socket is refused."""
        meeting_id = self.scope["url_route"]["kwargs"]["meeting_id"]
        allowed = await self._may_attend(user, meeting_id)
        return [board_group(meeting_id)] if allowed else None

    async def on_accepted(self, user):
        """Send the board as it is now, so a reconnecting member catches up at once."""
        await self.send_json(await self._state(self.scope["url_route"]["kwargs"]["meeting_id"]))

    @database_sync_to_async
    def _may_attend(self, user, meeting_id: int) -> bool:
        from changes.models import CabMeeting
        from changes.queries import can_attend

        meeting = CabMeeting.objects.filter(pk=meeting_id).first()
        return meeting is not None and can_attend(user, meeting)

    @database_sync_to_async
    def _state(self, meeting_id: int) -> dict:
        from changes.models import CabMeeting
        from changes.queries import board_state

        return board_state(CabMeeting.objects.get(pk=meeting_id))
