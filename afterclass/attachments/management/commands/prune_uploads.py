"""`afterclass prune_uploads [--hours N]`: delete uploads that nothing took (run it daily)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.attachments.actions import do_prune_unattached_uploads
from afterclass.attachments.tasks import DEFAULT_HOURS


class Command(BaseCommand):
    help = (
        "Delete files and pictures that were uploaded but never attached (to a post, a session, "
        f"an activity or a submission), once they are older than --hours (default {DEFAULT_HOURS})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=DEFAULT_HOURS,
            help=f"Only uploads older than this many hours (at least 1; default {DEFAULT_HOURS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours: int = options["hours"]
        # Younger uploads may belong to a post someone is writing right now.
        if hours < 1:
            raise CommandError("--hours must be at least 1: newer uploads may still be in use.")
        pruned = do_prune_unattached_uploads(timedelta(hours=hours))
        noun = "upload" if pruned == 1 else "uploads"
        self.stdout.write(
            f"Deleted {pruned} {noun} never attached to anything (older than {hours} h)."
        )
