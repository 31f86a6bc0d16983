"""`afterclass send_digests`: send the e-mail digests that are due."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from afterclass.notifications.email import send_digests
from afterclass.notifications.tasks import send_digests as send_digests_task


class Command(BaseCommand):
    help = (
        "Send the daily and weekly e-mail digests (“What happened in your spaces”) that are due. "
        "Run it every hour from cron, e.g. `0 * * * * afterclass send_digests`: each person "
        "gets theirs once 24 hours (daily) or 7 days (weekly) have passed since the last one, "
        "and nobody gets an empty one. With --enqueue, the work is handed to the background "
        "worker instead of being done in this process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the background worker and return at once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_digests_task.enqueue()
            self.stdout.write(f"Queued the digests (task {result.id}).")
            return
        sent = send_digests()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
