"""`afterclass learning_reminders`: tell members about released units and units due soon."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from afterclass.learning.actions import send_learning_reminders


class Command(BaseCommand):
    help = (
        "Send the structured-learning reminders that are due: once when a unit is released, and "
        "once 24 hours before a unit is due to those who have not finished it. Run it every "
        "15 minutes from cron, e.g. `*/15 * * * * afterclass learning_reminders`."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_learning_reminders(timezone.now())
        self.stdout.write(f"Released: {sent.released} unit(s); due soon: {sent.due} unit(s).")
