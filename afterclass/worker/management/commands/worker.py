"""`afterclass worker`: run background tasks (notifications, e-mail, indexing, periodic jobs)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string

from afterclass.worker import shutdown
from afterclass.worker.management.commands.serve import positive_number
from afterclass.worker.runner import IDLE_INTERVAL, Worker


def positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 < number < 3600:
        raise argparse.ArgumentTypeError(f"“{value}” is not a number of seconds above 0.")
    return number


class Command(BaseCommand):
    help = (
        "Run the background worker. Several may run at once, on one host or many: each task is "
        "claimed by one worker under a lease, taken up again if its worker dies, retried with "
        "back-off when it fails, and kept as failed (System health) when it keeps failing. "
        "SIGTERM lets the current chunk of work finish, then stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="append", help="Only run this queue (repeatable).")
        parser.add_argument(
            "--interval",
            type=positive_float,
            default=IDLE_INTERVAL,
            help=f"Seconds to wait when nothing is due (default {IDLE_INTERVAL}).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run what is due, then exit (for scripts)."
        )
        parser.add_argument("--max-tasks", type=positive_number, help="Exit after this many tasks.")
        parser.add_argument(
            "--parent",
            type=positive_number,
            help="Exit when the process with this id (the server that started it) is gone.",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not enqueue the periodic jobs (digests, reminders, rollups, pruning).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The root logger (settings.LOGGING) writes to stderr at WARNING; the worker says more.
        level = {0: logging.WARNING, 1: logging.INFO}.get(options["verbosity"], logging.DEBUG)
        for name in ("afterclass.worker", "afterclass.outbox"):
            logging.getLogger(name).setLevel(level)
        shutdown.reset()
        worker = Worker(
            worker_id=f"{get_random_string(12)}",
            queues=options["queue"],
            interval=options["interval"],
            parent_pid=options["parent"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
            periodic=not options["no_periodic"],
        )
        if not options["batch"]:
            worker.install_signals()
        worker.run()
