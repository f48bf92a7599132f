"""Background tasks of core, run by Huey (immediately in tests)."""

from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import task


@task(retries=3, retry_delay=60)
def send_email_task(recipients: list[str], subject: str, body: str) -> int:
    """Send one plain-text email; retried because mail servers fail transiently."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
