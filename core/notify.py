"""Email and in-browser notifications, scheduled to go out only after a commit."""

from __future__ import annotations

from django.db import transaction

from core.models import Notification
from core.realtime import broadcast_on_commit, user_group


def send_email_on_commit(recipients: list[str], subject: str, body: str) -> None:
    """Queue an email once the current transaction commits; never if it rolls back."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    from core.tasks import send_email_task

    transaction.on_commit(lambda: send_email_task(recipients, subject, body))


def notify_user(
    user, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Tell one person something: stored, pushed to their browser and emailed after commit."""
    notification = Notification.objects.create(recipient=user, title=title, body=body, url=url)
    broadcast_on_commit(user_group(user.pk), notification.as_message())
    if email and user.email:
        send_email_on_commit([user.email], f"[civicdesk] {title}", body or title)
    return notification
