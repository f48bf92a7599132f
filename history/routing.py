"""WebSocket routes of history imports (collected by config.routing)."""

from django.urls import path

from history.consumers import HistoryRunConsumer

websocket_urlpatterns = [
    path("ws/history/runs/<int:run_id>/", HistoryRunConsumer.as_asgi()),
]
