"""Channel-layer group names of the service desk's live pages."""


def team_queue_group(team_id: int) -> str:
    """Everyone watching a team's queue."""
    return f"servicedesk.team.{team_id}"


def incident_group(incident_id: int) -> str:
    """Everyone watching one call's page (callers included)."""
    return f"servicedesk.incident.{incident_id}"


def incident_internal_group(incident_id: int) -> str:
    """Those watching one call who may also read its internal work notes."""
    return f"servicedesk.incident.{incident_id}.internal"
