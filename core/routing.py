"""WebSocket URL patterns of core."""

from django.urls import path

from core.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
