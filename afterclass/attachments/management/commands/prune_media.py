"""`afterclass prune_media [--hours N] [--dry-run]`: delete media files that no row refers to."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.attachments.orphans import MINIMUM_AGE, remove_orphan_media
from afterclass.attachments.tasks import ORPHAN_HOURS
from afterclass.core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Delete files in the media folder (or S3 bucket) that no row refers to: left by a save "
        f"that failed or a request that died. Only files older than --hours (default "
        f"{ORPHAN_HOURS}) go, so an upload in flight is never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        minimum = int(MINIMUM_AGE.total_seconds() // 3600)
        parser.add_argument(
            "--hours",
            type=int,
            default=ORPHAN_HOURS,
            help=f"Only files older than this many hours (at least {minimum}; "
            f"default {ORPHAN_HOURS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours: int = options["hours"]
        dry_run: bool = options["dry_run"]
        try:
            report = remove_orphan_media(timedelta(hours=hours), dry_run=dry_run)
        except InvalidInput as error:
            raise CommandError(error.message) from error
        for name in report.names:
            self.stdout.write(f"  {name}")
        noun = "file" if len(report.names) == 1 else "files"
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {len(report.names)} {noun} ({report.size / 1024:.0f} KB) that no row refers "
            f"to, older than {hours} h; {report.kept} newer ones were left alone."
        )
