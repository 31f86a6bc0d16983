"""`afterclass insights rollup`: compute the daily rollups the insight pages read."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.insights.periods import Period
from afterclass.insights.rollups import compute_rollups, ensure_rollups
from afterclass.insights.tasks import rollup_insights


class Command(BaseCommand):
    help = (
        "Insights. `rollup` brings the daily rollups up to date (run it nightly from cron, "
        "e.g. `15 0 * * * afterclass insights rollup`); pages only read them, and the "
        "periodic job `rollup_insights` brings today up to date. --days N looks N days back "
        "(default 2); --rebuild computes those days again even when they look up to date; "
        "--enqueue hands the work to the background worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["rollup"])
        parser.add_argument("--days", type=int, default=2)
        parser.add_argument("--rebuild", action="store_true")
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        if options["enqueue"]:
            result = rollup_insights.enqueue(days)
            self.stdout.write(f"Queued the rollup (task {result.id}).")
            return
        period = Period.last_days(days)
        if options["rebuild"]:
            compute_rollups(period)
            computed = period.days
        else:
            computed = ensure_rollups(period)
        self.stdout.write(f"Rolled up {computed} day{'s' if computed != 1 else ''}.")
