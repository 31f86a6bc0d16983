"""`afterclass serve`: production mode, the ASGI application under uvicorn.

It refuses to start without a real SECRET_KEY in the environment, runs the deployment checks,
collects the static files WhiteNoise serves, and then hands over to uvicorn, with a worker
supervised beside it (worker.supervisor; `--no-worker` without). Here, in the worker app, because
it runs the worker: core imports no app.
"""

import argparse
import contextlib
import ipaddress
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from afterclass.core.logs import writes_json
from afterclass.core.orphans_watch import SERVER_PID
from afterclass.worker.supervisor import supervised_worker

ASGI_APP = "afterclass.asgi:application"
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_CHARACTERS = 5  # as Django's own check: "aaaa…" is not a key


def secret_key_problem(value: str | None) -> str | None:
    """Why `value` is not a key production may run with, or None when it is fine."""
    if not value:
        return (
            "SECRET_KEY is not set. Production mode needs its own secret key in the "
            "environment, e.g. SECRET_KEY=$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )
    if len(value) < MIN_SECRET_KEY_LENGTH:
        return (
            f"SECRET_KEY is too short ({len(value)} characters): use at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters."
        )
    if len(set(value)) < MIN_SECRET_KEY_CHARACTERS or value.startswith("django-insecure"):
        return "SECRET_KEY looks insecure: use a long random value, not a placeholder."
    return None


def port_number(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"“{value}” is not a port number from 1 to 65535.")
    return port


def positive_number(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"“{value}” is not a number of 1 or more.")
    return number


def default_port() -> int:
    """The PORT environment variable (as `PORT=… make demo` sets it), else 8000."""
    raw = os.environ.get("PORT", "").strip()
    if not raw:
        return 8000
    try:
        return port_number(raw)
    except argparse.ArgumentTypeError as error:
        raise CommandError(f"PORT: {error}") from error


def usable_cores() -> int:
    """The CPU cores this process may run on (a container's or taskset's limit included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """The WEB_CONCURRENCY environment variable (the usual name on hosting platforms), else one
    worker per usable core: a request holds a core while Django renders it (docs/performance.md
    measures one against two on a 2-core machine)."""
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not raw:
        return usable_cores()
    try:
        return positive_number(raw)
    except argparse.ArgumentTypeError as error:
        raise CommandError(f"WEB_CONCURRENCY: {error}") from error


# Whom uvicorn believes about the client's address and scheme (X-Forwarded-For and
# X-Forwarded-Proto): only the reverse proxies in front, never the clients themselves.
DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1,::1"


def forwarded_allow_ips(value: str) -> str:
    """A comma-separated list of proxy addresses or networks (or "*", to trust any connecting
    address: only when nothing but the proxy can reach the server)."""
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if not entries:
        raise argparse.ArgumentTypeError("name at least one address, network or *.")
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise argparse.ArgumentTypeError(
                f"“{entry}” is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)."
            ) from error
    return ",".join(entries)


def default_forwarded_allow_ips() -> str:
    """The FORWARDED_ALLOW_IPS environment variable (uvicorn's own name), else loopback."""
    raw = os.environ.get("FORWARDED_ALLOW_IPS", "").strip()
    if not raw:
        return DEFAULT_FORWARDED_ALLOW_IPS
    try:
        return forwarded_allow_ips(raw)
    except argparse.ArgumentTypeError as error:
        raise CommandError(f"FORWARDED_ALLOW_IPS: {error}") from error


def add_address_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=None,
        help="Port to listen on (default: the PORT environment variable, else 8000).",
    )


def run_server(
    *, host: str, port: int, workers: int = 1, trusted_proxies: str = DEFAULT_FORWARDED_ALLOW_IPS
) -> None:
    """Serve the ASGI application until Ctrl-C or SIGTERM, then return quietly. The client's
    address and scheme are taken from X-Forwarded-For and X-Forwarded-Proto only on connections
    from `trusted_proxies`."""
    import uvicorn

    # Its worker processes (when there are several) stop by themselves if this one is killed.
    os.environ[SERVER_PID] = str(os.getpid())
    # With JSON logs uvicorn's own lines (start-up, errors outside Django) go through Django's
    # logging too, as JSON; its access log is left out: Afterclass's request line, with the
    # request id, replaces it (LOG_LEVEL=INFO).
    logging_options: dict[str, Any] = (
        {"log_config": None, "access_log": False} if writes_json(settings.LOGGING) else {}
    )
    # uvicorn shuts down gracefully on the first Ctrl-C and then re-raises the signal; the
    # server has already stopped by then, so there is nothing left to report.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            ASGI_APP,
            host=host,
            port=port,
            workers=workers,
            # Django's ASGI handler does not speak the lifespan protocol.
            lifespan="off",
            server_header=False,
            proxy_headers=True,
            forwarded_allow_ips=trusted_proxies,
            **logging_options,
        )


class Command(BaseCommand):
    help = (
        "Serve Afterclass in production mode with uvicorn. Needs SECRET_KEY (50+ random "
        "characters) and ALLOWED_HOSTS in the environment."
    )
    # The checks run in handle(), with the deployment checks included.
    requires_system_checks: list[str] = []  # noqa: RUF012 - Django's own attribute

    def add_arguments(self, parser: CommandParser) -> None:
        add_address_arguments(parser)
        parser.add_argument(
            "--workers",
            type=positive_number,
            default=None,
            help="Number of worker processes (default: WEB_CONCURRENCY, else one per core).",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            type=forwarded_allow_ips,
            default=None,
            help="Comma-separated addresses or networks of the reverse proxies whose "
            "X-Forwarded-For and X-Forwarded-Proto are believed (default: the "
            "FORWARDED_ALLOW_IPS environment variable, else 127.0.0.1,::1).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a background worker (when workers run as their own processes).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files (when a deployment step already did).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = secret_key_problem(os.environ.get("SECRET_KEY"))
        if problem:
            raise CommandError(f"Afterclass will not start in production mode: {problem}")
        host: str = options["host"]
        port: int = options["port"] or default_port()
        workers: int = options["workers"] or default_workers()
        trusted_proxies: str = options["forwarded_allow_ips"] or default_forwarded_allow_ips()
        self.check(include_deployment_checks=True)
        self.check_migrations()
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"Serving Afterclass on http://{host}:{port}/ with {workers} "
            f"worker{'s' if workers > 1 else ''}, forwarded addresses believed from "
            f"{trusted_proxies}. Press Ctrl-C to stop."
        )
        if options["no_worker"]:
            run_server(host=host, port=port, workers=workers, trusted_proxies=trusted_proxies)
            return
        with supervised_worker():
            run_server(host=host, port=port, workers=workers, trusted_proxies=trusted_proxies)
