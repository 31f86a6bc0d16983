"""`afterclass bench generate --tier s|m`: make a benchmark data set in an empty database, with
a progress bar on stderr."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.benchdata.generate import NotEmpty, generate
from afterclass.benchdata.tiers import TIERS
from afterclass.search.management.commands.search import ProgressBar


class Command(BaseCommand):
    help = "Benchmarks. `bench generate --tier s|m` fills an empty database with a data set."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="subcommand")
        generate_parser = subcommands.add_parser(
            "generate",
            help=(
                "Fill an empty database (a new AFTERCLASS_DATA_DIR after `afterclass migrate`) "
                "with an organisation: tier s is demo-sized, tier m has 10,000 people and "
                "200,000 posts. The same seed makes the same data."
            ),
        )
        generate_parser.add_argument("--tier", choices=sorted(TIERS), default="s")
        generate_parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("subcommand") != "generate":
            raise CommandError("Say what to do: `afterclass bench generate --tier s|m`.")
        tier = TIERS[options["tier"]]
        started = time.monotonic()
        try:
            result = generate(
                tier,
                seed=options["seed"],
                progress=ProgressBar(
                    lambda text: self.stderr.write(text, ending=""), tty=self.stderr.isatty()
                ),
            )
        except NotEmpty as error:
            raise CommandError(str(error)) from error
        for name, count in result.counts.items():
            self.stdout.write(f"{count:>10,}  {name}")
        stages = ", ".join(f"{stage} {seconds}s" for stage, seconds in result.seconds.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Tier {tier.name} generated in {time.monotonic() - started:.1f}s ({stages})."
            )
        )
