"""WebSocket consumer of history imports: a run's live progress, for administrators only."""

from channels.db import database_sync_to_async

from core.consumers import CivicConsumer
from core.visibility import visible_to
from history.actions import PERMISSION, run_group
from history.models import HistoryImportRun


class HistoryRunConsumer(CivicConsumer):
    """Streams one import run's progress to its page; refuses anyone who may not run imports."""

    async def groups_for(self, user):
        """The run's group, if the user may run imports and see that run."""
        run_id = int(self.scope["url_route"]["kwargs"]["run_id"])
        if not await self._may_see(user, run_id):
            return None
        return [run_group(run_id)]

    async def on_accepted(self, user):
        """Send the run's current state so a page opened late starts right."""
        await self.send_json(await self._state(int(self.scope["url_route"]["kwargs"]["run_id"])))

    @database_sync_to_async
    def _may_see(self, user, run_id: int) -> bool:
        if not user.has_perm(PERMISSION):
            return False
        return visible_to(HistoryImportRun.objects.filter(pk=run_id), user).exists()

    @database_sync_to_async
    def _state(self, run_id: int) -> dict:
        run = HistoryImportRun.objects.get(pk=run_id)
        return {"type": "state", "state": run.state, "percent": run.progress}
