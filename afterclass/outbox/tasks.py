"""Background work of the outbox: sending what is queued."""

from django.tasks import task

from afterclass.outbox.sending import send_queued


@task()
def send_queued_email() -> int:
    """Send the e-mails waiting in the outbox (also every minute, for retries)."""
    return send_queued()
