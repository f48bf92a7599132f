"""WebSocket routes of change management."""

from django.urls import path

from changes.consumers import CabBoardConsumer

websocket_urlpatterns = [
    path("ws/changes/cab/<int:meeting_id>/", CabBoardConsumer.as_asgi()),
]
