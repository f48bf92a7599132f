"""WebSocket consumer of the wallboard: joins the groups of the organisations the manager may
see, and on each change sends figures recomputed for that manager (never another's data)."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from core.consumers import CivicConsumer
from core.models import Organisation
from kpis.wallboard import wallboard_figures, wallboard_group


class WallboardConsumer(CivicConsumer):
    """Live figures of the daily operational view for managers (core.use_kpis)."""

    async def groups_for(self, user):
        """One group per visible organisation (or the one chosen); refused without the right."""
        query = parse_qs(self.scope.get("query_string", b"").decode())
        wanted = query.get("organisation", [""])[0]
        return await self._groups(user, int(wanted) if wanted.isdigit() else None)

    @database_sync_to_async
    def _groups(self, user, organisation_id: int | None) -> list[str] | None:
        if not user.has_perm("core.use_kpis"):
            return None
        visible = Organisation.objects.visible_to(user)
        if organisation_id is not None:
            visible = visible.filter(pk=organisation_id)
            if not visible.exists():
                return None
        self.organisation_id = organisation_id
        self.user = user
        return [wallboard_group(pk) for pk in visible.values_list("pk", flat=True)]

    async def on_accepted(self, user) -> None:
        """Send the figures as they stand."""
        await self.send_json({"type": "wallboard", "figures": await self._figures()})

    async def event(self, message):
        """A change in one of the organisations: send fresh figures, computed for this user."""
        await self.send_json({"type": "wallboard", "figures": await self._figures()})

    @database_sync_to_async
    def _figures(self) -> dict:
        return wallboard_figures(self.user, self.organisation_id)
