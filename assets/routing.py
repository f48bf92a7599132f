"""WebSocket routes of the asset register (collected by config.routing)."""

from django.urls import path

from assets.consumers import DiscoveryRunConsumer

websocket_urlpatterns = [
    path("ws/assets/runs/<int:run_id>/", DiscoveryRunConsumer.as_asgi()),
]
