"""`afterclass search rebuild`: build the search index again from the database, with a
progress bar on stderr."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.search.index import rebuild

BAR_WIDTH = 30


class ProgressBar:
    """A plain-text bar redrawn in place on a terminal, one line per step otherwise."""

    def __init__(self, write: Callable[[str], None], *, tty: bool) -> None:
        self.write = write
        self.tty = tty
        self.last_drawn = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        finished = done >= total
        now = time.monotonic()
        # On a terminal redraw at most ten times a second; in a log, only the start and end.
        if self.tty and not finished and now - self.last_drawn < 0.1:
            return
        if not self.tty and done not in (0, total):
            return
        self.last_drawn = now
        share = done / total if total else 1.0
        filled = int(share * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        line = f"{stage:<10} [{bar}] {done}/{total} ({share:.0%})"
        if self.tty:
            self.write("\r" + line + ("\n" if finished else ""))
        else:
            self.write(line + "\n")


class Command(BaseCommand):
    help = "Search index maintenance. `search rebuild` builds the whole index again."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="subcommand")
        subcommands.add_parser(
            "rebuild",
            help=(
                "Drop the index and index every visible post, comment, file, person and space, "
                "every learning activity, and the files of learning sessions and activities."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("subcommand") != "rebuild":
            raise CommandError("Say what to do: `afterclass search rebuild`.")
        started = time.monotonic()
        counts = rebuild(
            progress=ProgressBar(
                lambda text: self.stderr.write(text, ending=""), tty=self.stderr.isatty()
            )
        )
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt in {time.monotonic() - started:.1f}s: {summary}."
            )
        )
