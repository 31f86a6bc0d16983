"""`afterclass backup DIR`: a consistent copy of the running site (database, files, key)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.core.backup.create import backup
from afterclass.core.backup.manifest import BackupError


class Command(BaseCommand):
    help = (
        "Back up the running site into DIR (new or empty): the database, the uploaded files "
        "(media folder or S3 bucket), the embedded secret key and a manifest of checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", metavar="DIR", help="A new or empty folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"]).expanduser()
        try:
            manifest = backup(folder, report=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        total = sum(item.size for item in manifest.files)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {folder}: {len(manifest.files)} files, {total:,} bytes."
            )
        )
