"""ASGI entry point: HTTP through Django, WebSockets through Channels with session auth."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models (consumers, routing).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

if os.environ.get("CIVICDESK_IN_PROCESS_WORKER", "").lower() in {"1", "true", "yes", "on"}:
    # Embedded default: task workers share this process's in-memory channel layer
    # (see core/worker.py). scripts/run.sh sets this; the scaled mode runs run_huey.
    from core.worker import start_in_process_worker  # noqa: E402

    start_in_process_worker()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
