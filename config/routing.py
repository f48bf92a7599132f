"""All WebSocket routes; each app adds its own list here."""

from core.routing import websocket_urlpatterns as core_websockets

websocket_urlpatterns = [*core_websockets]
