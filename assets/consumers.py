"""WebSocket consumers of the asset register: live progress of a discovery run."""

from channels.db import database_sync_to_async

from assets.actions.discovery import run_group
from assets.models import DiscoveryRun, RunStatus
from core.consumers import CivicConsumer
from core.visibility import visible_to

# The counts of a finished run's summary, as do_finish_discovery_run broadcasts them.
FINISHED_COUNTS = (
    "probed",
    "answered",
    "new",
    "changed",
    "unchanged",
    "failed",
    "malformed",
    "mac_conflicts",
    "flagged_missing",
    "duration",
)


class DiscoveryRunConsumer(CivicConsumer):
    """Streams one run's progress to its page; only to people who may see the run."""

    async def groups_for(self, user):
        """The run's group, if the user may see that run."""
        run_id = int(self.scope["url_route"]["kwargs"]["run_id"])
        if not await self._may_see(user, run_id):
            return None
        return [run_group(run_id)]

    async def on_accepted(self, user):
        """Send the run's current counts so a late page starts right."""
        await self.send_json(await self._state(int(self.scope["url_route"]["kwargs"]["run_id"])))

    @database_sync_to_async
    def _may_see(self, user, run_id: int) -> bool:
        if not user.has_perm("assets.view_discoveryrun"):
            return False
        return visible_to(DiscoveryRun.objects.filter(pk=run_id), user).exists()

    @database_sync_to_async
    def _state(self, run_id: int) -> dict:
        run = DiscoveryRun.objects.get(pk=run_id)
        if run.status in (RunStatus.FINISHED, RunStatus.FAILED):
            # The run ended between the page's render and this socket joining: its
            # "finished" broadcast is gone, so send the summary the page would have had.
            return {
                "type": "finished",
                "status": run.status,
                **{field: getattr(run, field) for field in FINISHED_COUNTS},
            }
        return {
            "type": "state",
            "status": run.status,
            "probed": run.probed,
            "answered": run.answered,
        }
