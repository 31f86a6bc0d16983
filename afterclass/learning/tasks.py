"""Background work of structured learning: the reminders the worker runs every 15 minutes."""

from django.tasks import task
from django.utils import timezone

from afterclass.learning.actions import send_learning_reminders as send_due_reminders


@task()
def send_learning_reminders() -> dict[str, int]:
    """Tell learners about released units and units due soon (each told once)."""
    sent = send_due_reminders(timezone.now())
    return {"released": sent.released, "due": sent.due}
