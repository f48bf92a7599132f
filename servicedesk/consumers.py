"""WebSocket consumers of the desk: a team's queue and one call, joined only if allowed."""

from __future__ import annotations

from channels.db import database_sync_to_async

from core.consumers import CivicConsumer
from core.visibility import can_see
from servicedesk.models import Incident
from servicedesk.realtime import incident_group, incident_internal_group, team_queue_group


class TeamQueueConsumer(CivicConsumer):
    """Announces changes to the calls of one team's queue to that team's members."""

    async def groups_for(self, user):
        """Members of the team (or administrators) who work calls; everyone else is refused."""
        return await self._groups(user, int(self.scope["url_route"]["kwargs"]["team_id"]))

    @database_sync_to_async
    def _groups(self, user, team_id: int) -> list[str] | None:
        if not user.has_perm("servicedesk.work_incident"):
            return None
        if user.is_superuser or user.teams.filter(pk=team_id, is_active=True).exists():
            return [team_queue_group(team_id)]
        from core.roles import Role, has_role

        return [team_queue_group(team_id)] if has_role(user, Role.ADMINISTRATOR) else None


class IncidentConsumer(CivicConsumer):
    """Announces changes to one call to the people who may see it."""

    async def groups_for(self, user):
        """Anyone who may see the call; work-note events only to those who may read them."""
        return await self._groups(user, int(self.scope["url_route"]["kwargs"]["pk"]))

    @database_sync_to_async
    def _groups(self, user, pk: int) -> list[str] | None:
        incident = Incident.objects.filter(pk=pk).first()
        if incident is None or not can_see(user, incident):
            return None
        groups = [incident_group(pk)]
        if user.has_perm("servicedesk.view_internal_comment"):
            groups.append(incident_internal_group(pk))
        return groups
