"""WebSocket consumer of the wallboard: joins the groups of the organisations the manager may
see, and on each change sends figures recomputed for that manager (never another's data)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from core.consumers import CivicConsumer
from core.models import Organisation
from kpis.wallboard import wallboard_figures, wallboard_group


class WallboardConsumer(CivicConsumer):
    """Live figures of the daily operational view for managers (core.use_kpis)."""

    # The shortest gap, in seconds, between two recomputations for one socket.
    refresh_every = 2.0

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
        await self._send_figures()

    async def event(self, message):
        """A change in one of the organisations: send fresh figures, computed for this user.

        Changes are coalesced: a busy desk changes calls many times a second, and each
        refresh is a set of aggregate queries, so a socket recomputes at most once every
        `refresh_every` seconds. A change arriving while figures are being computed marks
        them stale, so the last change is never left out.
        """
        self._stale = True
        if getattr(self, "_refresher", None) is None or self._refresher.done():
            self._refresher = asyncio.create_task(self._refresh())

    async def _refresh(self) -> None:
        loop = asyncio.get_running_loop()
        while self._stale:
            wait = getattr(self, "_sent_at", float("-inf")) + self.refresh_every - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._stale = False
            await self._send_figures()

    async def _send_figures(self) -> None:
        figures = await self._figures()
        self._sent_at = asyncio.get_running_loop().time()
        await self.send_json({"type": "wallboard", "figures": figures})

    async def disconnect(self, code):
        """Stop any pending refresh, then leave the groups."""
        refresher = getattr(self, "_refresher", None)
        if refresher is not None:
            refresher.cancel()
        await super().disconnect(code)

    @database_sync_to_async
    def _figures(self) -> dict:
        return wallboard_figures(self.user, self.organisation_id)
