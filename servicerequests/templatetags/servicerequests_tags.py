"""Template tags of service requests: panels the portal and desk landing pages include."""

from __future__ import annotations

from django import template

from servicerequests import queries

register = template.Library()

PANEL_TASKS = 10


@register.filter
def business_time(minutes) -> str:
    """A target in business minutes as people say it: "30 min", "4 h", "2 h 30 min"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.inclusion_tag("servicerequests/_portal_panel.html", takes_context=True)
def portal_requests_panel(context):
    """The portal's "Request something" button, my latest requests and approvals awaiting me."""
    user = context["request"].user
    panel = {"perms": context.get("perms"), "requests": [], "awaiting": 0}
    if user.has_perm("servicerequests.view_servicerequest"):
        panel["requests"] = list(queries.my_requests(user)[:5])
    if user.has_perm("servicerequests.view_approval"):
        panel["awaiting"] = queries.approvals_awaiting(user).count()
    return panel


@register.inclusion_tag("servicerequests/_desk_tasks_panel.html", takes_context=True)
def team_tasks_panel(context):
    """The open fulfilment tasks of each of my teams, beside the desk's call queues."""
    user = context["request"].user
    teams = []
    if user.has_perm("servicerequests.view_fulfilmenttask"):
        for team in user.teams.filter(is_active=True).order_by("name"):
            tasks = queries.team_open_tasks(team, user)
            teams.append({"team": team, "count": tasks.count(), "tasks": tasks[:PANEL_TASKS]})
    return {"teams": teams}
