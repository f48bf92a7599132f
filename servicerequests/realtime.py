"""Channel-layer group names of the service-request pages, and the one broadcast helper."""

from __future__ import annotations

from core.realtime import broadcast_on_commit
from servicedesk.realtime import team_queue_group


def request_group(request_id: int) -> str:
    """Everyone watching one request's page (its requester included)."""
    return f"servicerequests.request.{request_id}"


def announce_request(service_request, event: str, team_ids=()) -> None:
    """Tell the request's page, the queues of the teams concerned and the organisation's
    wallboards that it changed (on commit)."""
    message = {
        "type": "service_request",
        "event": event,
        "id": service_request.pk,
        "reference": service_request.reference,
        "status": service_request.status,
        "version": service_request.version,
    }
    broadcast_on_commit(request_group(service_request.pk), message)
    for team_id in {service_request.team_id, *team_ids} - {None}:
        broadcast_on_commit(team_queue_group(team_id), message)
    # Requests are calls: the organisation's wallboards recompute their figures.
    from kpis.wallboard import wallboard_group

    broadcast_on_commit(
        wallboard_group(service_request.organisation_id), {"type": "wallboard.changed"}
    )
