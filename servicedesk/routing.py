"""WebSocket URL patterns of the service desk (collected by config.routing)."""

from django.urls import path

from servicedesk.consumers import IncidentConsumer, TeamQueueConsumer

websocket_urlpatterns = [
    path("ws/servicedesk/teams/<int:team_id>/", TeamQueueConsumer.as_asgi()),
    path("ws/servicedesk/incidents/<int:pk>/", IncidentConsumer.as_asgi()),
]
