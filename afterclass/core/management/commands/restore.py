"""`afterclass restore DIR`: a backup into an empty site, checked before anything changes."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.core.backup.manifest import BackupError
from afterclass.core.backup.restore import restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `afterclass backup` into an empty database and an empty "
        "media folder or bucket. Every checksum is verified first; the search index is rebuilt."
    )
    # The system checks may open the database; restore looks at it itself, before it exists.
    requires_system_checks: list[str] = []  # noqa: RUF012 - Django's own attribute

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", metavar="DIR", help="A folder written by `afterclass backup`."
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="Only verify the backup's checksums; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"]).expanduser()
        check_only: bool = options["check_only"]
        try:
            restore(folder, report=self.stdout.write, check_only=check_only)
        except BackupError as error:
            raise CommandError(str(error)) from error
        done = "is complete and undamaged" if check_only else "is restored"
        self.stdout.write(self.style.SUCCESS(f"The backup in {folder} {done}."))
