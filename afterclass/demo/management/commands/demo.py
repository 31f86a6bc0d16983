"""`afterclass demo`: load the Northwind demo organisation and, with --serve, serve it.

This is what `make demo` runs. Loading twice adds nothing.
"""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from afterclass.core.errors import AfterclassError
from afterclass.demo.load import load_demo
from afterclass.demo.people import (
    ADMIN_EMAIL,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    NEWCOMER_EMAIL,
    ORGANISATION_NAME,
)
from afterclass.worker.management.commands.serve import (
    add_address_arguments,
    default_port,
    run_server,
)
from afterclass.worker.supervisor import supervised_worker

# Addresses that mean "every interface": a browser reaches them as the loopback address.
ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 - compared with, never bound here


def served_site(host: str, port: int) -> tuple[str, dict[str, str]]:
    """The site's address while the demo serves it, and the environment of its worker.

    Links in e-mails and notifications are built from SITE_URL; when it is not set explicitly,
    it becomes the address actually served (`PORT=18801 make demo` links to port 18801), in
    this process and in the worker it starts, which builds the e-mails."""
    if os.environ.get("SITE_URL", "").strip():
        site = settings.SITE_URL
    else:
        shown = "127.0.0.1" if host in ANY_ADDRESS else host
        shown = f"[{shown}]" if ":" in shown else shown
        site = f"http://{shown}:{port}"
        settings.SITE_URL = site
    return site, {**os.environ, "SITE_URL": site}


class Command(BaseCommand):
    help = (
        f"Load the {ORGANISATION_NAME} demo organisation (60 people, 6 departments, spaces of "
        "every kind); safe to run again. With --serve, serve it afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--serve",
            action="store_true",
            help="After loading, serve the site (the embedded default) until Ctrl-C.",
        )
        add_address_arguments(parser)
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Seed for the generated names and choices (the same seed, the same demo).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo even though SECRET_KEY is set (every demo password is public).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "SECRET_KEY is set, so this looks like a production installation. The demo "
                f"people all have the password “{DEMO_PASSWORD}”; add --allow-production if "
                "you really want them here."
            )
        self.require_migrated_database()
        try:
            summary = load_demo(seed=options["seed"])
        except AfterclassError as error:
            raise CommandError(error.message) from error
        except KeyboardInterrupt:
            # Loading is one transaction, so stopping half-way leaves nothing behind.
            raise CommandError("Stopped before the demo was loaded; nothing was changed.") from None

        if summary.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the {ORGANISATION_NAME} demo organisation: {summary.people} people "
                    f"in {summary.departments} departments, {summary.spaces} spaces."
                )
            )
        else:
            self.stdout.write(
                f"The {ORGANISATION_NAME} demo organisation is already loaded; nothing was added."
            )

        host: str = options["host"]
        port: int = options["port"] or default_port()
        site = settings.SITE_URL
        worker_env: dict[str, str] | None = None
        if options["serve"]:
            site, worker_env = served_site(host, port)
        self.stdout.write(
            f"\nSign in at {site}/accounts/login/\n"
            f"  organisation admin:  {ADMIN_EMAIL} / {DEMO_PASSWORD}\n"
            f"  every demo person's password is {DEMO_PASSWORD} "
            f"(for example {summary.example_email})\n"
            f"  someone new, welcomed at sign-in:  {NEWCOMER_EMAIL} / {DEMO_PASSWORD}\n"
        )
        if options["serve"]:
            self.stdout.write("Press Ctrl-C to stop.\n")
            self.stdout.flush()
            with supervised_worker(env=worker_env):
                run_server(host=host, port=port)
            self.stdout.write("Stopped.")

    def require_migrated_database(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database is not set up yet (or not up to date): run `afterclass migrate` "
                "first."
            )
