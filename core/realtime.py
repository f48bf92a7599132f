"""Broadcasts to browsers over Channels, sent only after the change they announce commits."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    """The channel-layer group of one person's notification stream."""
    return f"user.{user_id}"


def broadcast(group: str, message: dict) -> None:
    """Send `message` to every socket in `group` now (use broadcast_on_commit from actions)."""
    layer = get_channel_layer()
    if layer is None:
        return
    # The consumer method is chosen by "type"; every civicdesk event goes through `event`.
    async_to_sync(layer.group_send)(group, {"type": "event", "payload": message})


def broadcast_on_commit(group: str, message: dict, using: str | None = None) -> None:
    """Send `message` to `group` once the current transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: broadcast(group, message), using=using)
