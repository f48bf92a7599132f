"""WebSocket URL patterns of kpis (collected by config.routing)."""

from django.urls import path

from kpis.consumers import WallboardConsumer

websocket_urlpatterns = [path("ws/kpis/wallboard/", WallboardConsumer.as_asgi())]
