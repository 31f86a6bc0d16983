"""`afterclass settings_reference`: print (or write into docs/OPERATIONS.md) the table of every
environment variable settings.py reads, found by parsing it (afterclass.core.settings_reference)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.core.settings_reference import (
    DOCUMENT,
    table,
    undescribed,
    variables_read,
    with_table,
)


class Command(BaseCommand):
    help = (
        "Print the configuration reference: every environment variable Afterclass reads, its "
        "default and meaning. --write puts it into docs/OPERATIONS.md."
    )
    requires_system_checks: list[str] = []  # noqa: RUF012 - Django's own attribute

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write",
            action="store_true",
            help="Replace the table in docs/OPERATIONS.md instead of printing it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        variables = variables_read()
        missing = undescribed(variables)
        if missing:
            raise CommandError(
                "Say what these variables mean in afterclass/core/settings_reference.py "
                f"(MEANINGS): {', '.join(missing)}"
            )
        generated = table(variables)
        if not options["write"]:
            self.stdout.write(generated)
            return
        if not DOCUMENT.exists():
            raise CommandError(f"{DOCUMENT} is not here (a source checkout is needed).")
        DOCUMENT.write_text(with_table(DOCUMENT.read_text(encoding="utf-8"), generated))
        self.stderr.write(f"Wrote {len(variables)} variables into {DOCUMENT}.")
