"""All WebSocket routes: each app that has consumers lists them in its own routing.py."""

from importlib import import_module

from django.apps import apps


def _collect() -> list:
    """Every installed civicdesk app's `websocket_urlpatterns`, core first."""
    patterns = []
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.routing")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.routing":
                raise
            continue
        patterns.extend(getattr(module, "websocket_urlpatterns", []))
    return patterns


websocket_urlpatterns = _collect()
