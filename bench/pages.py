"""Key pages and API lists under load, as a ratio to a bare view serving the same bytes.

Not a test: run it by hand, on each backend.

    .venv/bin/python bench/pages.py                         # tier S on SQLite, a temporary folder
    .venv/bin/python bench/pages.py --data-dir /tmp/pages-s # generate once, reuse on later runs
    .venv/bin/python bench/pages.py --backend postgresql    # needs PostgreSQL on 127.0.0.1
    .venv/bin/python bench/pages.py --tier xs --clients 2 --rounds 1 --seconds 2   # a smoke test

It makes (or, with --data-dir, reuses) a data folder with `afterclass migrate` and
`afterclass bench generate --tier …`, finds a plain member, a space owner and the admin in the
generated data, creates an API token for the member with `afterclass token create`, and starts
the real server as `afterclass serve` does (production mode, --no-worker, one uvicorn worker as
`make demo` has unless --workers says more), with AFTERCLASS_BENCH=1 so that the server also has
the bare view (afterclass.core.bare_view). It signs in through the sign-in form, fetches each
page once and saves its bytes for the bare view, then, in --rounds interleaved rounds, loads
each page and its bare twin (the same bytes, headers and cookies, from the same server) with
--clients keep-alive connections for --seconds each.

For each page it prints and writes as JSON (bench/results/pages-<backend>-<tier>.json): req/s of
the page and of the bare view (medians of the rounds), their ratio, and the page's p50 and p99
latency over all rounds. The load driver is a small asyncio HTTP/1.1 client in this process,
on the same machine as the server: on a 2-core machine they share the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from benchkit import ROOT, add_database_arguments, stop_group

HOST = "127.0.0.1"
PASSWORD = "bench"  # noqa: S105 - every generated person's (afterclass.benchdata)
BARE_FOLDER = "bench-bare"  # afterclass.core.bare_view.FOLDER, read there by the server
GENERATED_MARK = "bench-generated"  # written in the data folder once its data set is complete
REQUEST_TIMEOUT = 60.0
# Words of the generated text (afterclass.benchdata.text): one of its rare words, one of its
# common ones, and the beginning of a topic.
SEARCHES = {"rare": "kaizen", "common": "learning", "prefix": "retro*"}

# Who the bench is and what it finds (afterclass.benchdata.cast), printed as JSON by
# `afterclass shell -c`.
FIND_PEOPLE = (
    "import json; from afterclass.benchdata.cast import describe_cast; "
    "print(json.dumps(describe_cast()))"
)


@dataclass(frozen=True)
class Page:
    key: str  # names the page in the table and its bare twin's file
    path: str
    who: str  # member, owner, admin: whose session; "token": the member's API token
    kind: str = "html"  # or json: the bare view's content type


@dataclass
class Sample:
    """One load of one URL: what came back in how long."""

    seconds: float = 0.0
    client_cpu: float = 0.0  # this process's CPU time over the load, in cores
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--tier", choices=["xs", "s", "m"], default="s")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="Generate the data set here on the first run and reuse it on later ones "
        "(default: a temporary folder, removed afterwards unless --keep).",
    )
    parser.add_argument("--clients", type=int, default=16, help="Concurrent connections.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="Per page, per round.")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    parser.add_argument("--only", help="Measure only these pages (comma-separated keys).")
    parser.add_argument("--output", type=Path, help="Where to write the JSON results.")
    parser.add_argument(
        "--markdown", action="store_true", help="Also print the table in Markdown (for docs)."
    )
    return parser.parse_args()


# --- The data folder and the server ---------------------------------------------------------


def server_environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    """Production mode as `afterclass serve` needs it, plain HTTP on localhost, bench mode."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "DEBUG", "TEST_DATABASE_NAME", "SITE_URL", "AFTERCLASS_MEDIA_DIR"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="afterclass.settings",
        AFTERCLASS_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS=f"{HOST},localhost",
        AFTERCLASS_HTTPS="0",
        AFTERCLASS_SSL_REDIRECT="0",
        AFTERCLASS_BENCH="1",
        # The load is one token's thousands of requests a minute: what is measured is the
        # page, not the API's rate limit (afterclass.api.auth).
        AFTERCLASS_API_RATE_LIMIT="0",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
    )
    if args.backend == "postgresql":
        env["DATABASE_URL"] = f"{args.postgres_server.rstrip('/')}/{database_name(args)}"
    return env


def database_name(args: argparse.Namespace) -> str:
    return f"afterclass_pages_{args.tier}"


def afterclass(env: dict[str, str], *arguments: str, quiet: bool = False) -> str:
    """Run an `afterclass` command in a subprocess and return what it printed."""
    result = subprocess.run(  # noqa: S603 - our own interpreter running our own command
        [sys.executable, "-m", "afterclass.cli", *arguments],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if quiet else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"`afterclass {' '.join(arguments[:2])}` failed:\n{result.stdout}{result.stderr or ''}"
        )
    return result.stdout


def recreate_postgres_database(args: argparse.Namespace, *, drop_only: bool = False) -> None:
    import psycopg

    server = args.postgres_server.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database_name(args)}")
        if not drop_only:
            admin.execute(f"CREATE DATABASE {database_name(args)}")


def prepare_data(args: argparse.Namespace, data_dir: Path, env: dict[str, str]) -> None:
    """Generate the tier's data set, unless this folder already has it (on this backend)."""
    mark = data_dir / f"{GENERATED_MARK}-{args.backend}-{args.tier}"
    if mark.exists():
        print(f"Reusing the tier-{args.tier} data in {data_dir}.", file=sys.stderr)
        # The code may have new migrations (an index) since the data was generated.
        afterclass(env, "migrate", "--noinput", "-v", "0")
        return
    if args.backend == "postgresql":
        recreate_postgres_database(args)
    elif (data_dir / "afterclass.sqlite3").exists():
        raise SystemExit(f"{data_dir} has a database but no complete data set: use a new folder.")
    started = time.monotonic()
    afterclass(env, "migrate", "--noinput", "-v", "0")
    afterclass(env, "bench", "generate", "--tier", args.tier)
    mark.write_text(f"generated in {time.monotonic() - started:.0f}s\n")
    print(f"Generated tier {args.tier} in {time.monotonic() - started:.0f}s.", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_server(args: argparse.Namespace, data_dir: Path, env: dict[str, str]) -> Any:
    """`afterclass serve` in its own process group, stopped (with its workers) on the way out."""
    port = free_port()
    log_path = data_dir / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter running our own command
            [
                sys.executable,
                "-m",
                "afterclass.cli",
                "serve",
                "--no-worker",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                raise SystemExit(f"The server stopped:\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                status, _, _ = fetch(port, "/healthz")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"The server did not answer:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield port
    finally:
        stop_group(server, timeout=20)


# --- Signing in and fetching with http.client -----------------------------------------------


def fetch(
    port: int,
    path: str,
    headers: dict[str, str] | None = None,
    *,
    method: str = "GET",
    body: bytes | None = None,
    source: str | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request on a new connection; from the loopback address `source` (127.x.y.z) when
    given, for throttles that count per client address."""
    connection = http.client.HTTPConnection(
        HOST, port, timeout=REQUEST_TIMEOUT, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def cookies_from(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in(port: int, email: str, source: str | None = None) -> dict[str, str]:
    """Sign in through the sign-in form as a browser does; return the session's cookies.
    (allauth lets one client address sign in 30 times a minute: more people need `source`.)"""
    status, headers, page = fetch(port, "/accounts/login/", source=source)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not found:
        raise SystemExit(f"The sign-in page answered {status} without a form.")
    cookies = cookies_from(headers)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": found.group(1).decode(), "login": email, "password": PASSWORD}
    ).encode()
    status, headers, _ = fetch(
        port,
        "/accounts/login/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
        method="POST",
        body=form,
        source=source,
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"Signing in as {email} answered {status}, not a redirect.")
    # Follow the redirect as a browser would: the page after signing in shows "Signed in as…"
    # and empties the messages cookie. Sent again, it would show on every page measured.
    for _ in range(5):
        status, headers, _ = fetch(port, headers["Location"], {"Cookie": cookie_header(cookies)})
        cookies.update(cookies_from(headers))
        if status not in (301, 302, 303):
            break
    return {name: value for name, value in cookies.items() if value}


# --- Load: an asyncio HTTP/1.1 client with keep-alive ---------------------------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server keeps the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip().lower()
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, fields.get("connection") != "close"


async def load(
    port: int, path: str, headers: dict[str, str], clients: int, seconds: float
) -> Sample:
    """Keep `clients` connections asking for `path` for `seconds`; requests still running
    then are waited for and counted."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    sample = Sample()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    async def client() -> None:
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while loop.time() < deadline:
            try:
                if connection is None:
                    connection = await asyncio.open_connection(HOST, port)
                reader, writer = connection
                started = time.perf_counter()
                writer.write(request)
                status, keep = await asyncio.wait_for(read_response(reader), REQUEST_TIMEOUT)
                took = time.perf_counter() - started
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                sample.errors += 1
                if connection is not None:
                    connection[1].close()
                connection = None
                continue
            sample.statuses[status] = sample.statuses.get(status, 0) + 1
            if status == 200:
                sample.latencies.append(took)
            else:
                sample.errors += 1
            if not keep:
                writer.close()
                connection = None
        if connection is not None:
            connection[1].close()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(clients)))
    sample.seconds = time.perf_counter() - started
    sample.client_cpu = (time.process_time() - cpu) / sample.seconds
    return sample


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- The pages ------------------------------------------------------------------------------


def pages(found: dict[str, Any]) -> list[Page]:
    space, post = found["space"], found["post"]
    q = {name: urllib.parse.quote(word) for name, word in SEARCHES.items()}
    return [
        Page("feed", "/feed/", "member"),
        Page("space-home", f"/spaces/{space}/", "member"),
        Page("post-largest-thread", f"/posts/{post}/", "member"),
        Page("search-rare", f"/search/?q={q['rare']}", "member"),
        Page("search-common", f"/search/?q={q['common']}", "member"),
        Page("search-prefix", f"/search/?q={q['prefix']}", "member"),
        Page("my-learning", "/learning/", "member"),
        Page("notifications", "/notifications/", "member"),
        Page("space-insights", f"/spaces/{space}/insights/", "owner"),
        Page("org-insights", "/insights/", "admin"),
        Page("api-feed", "/api/v1/feed", "token", "json"),
        Page("api-spaces", "/api/v1/spaces", "token", "json"),
        Page("api-space-posts", f"/api/v1/spaces/{space}/posts", "token", "json"),
    ]


def machine() -> dict[str, Any]:
    model = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        memory = round(int(first.split()[1]) / 1024 / 1024, 1)
    return {
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def measure(args: argparse.Namespace, data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    found = json.loads(afterclass(env, "shell", "-c", FIND_PEOPLE).strip().splitlines()[-1])
    token = afterclass(env, "token", "create", found["member"], "--name", "Bench", quiet=True)
    token = token.strip().splitlines()[-1]
    chosen = pages(found)
    if args.only:
        keys = {key.strip() for key in args.only.split(",")}
        chosen = [page for page in chosen if page.key in keys]
    bare_folder = data_dir / BARE_FOLDER
    bare_folder.mkdir(exist_ok=True)

    with running_server(args, data_dir, env) as port:
        sessions = {who: sign_in(port, found[who]) for who in ("member", "owner", "admin")}
        headers: dict[str, dict[str, str]] = {
            who: {"Cookie": cookie_header(cookies)} for who, cookies in sessions.items()
        }
        headers["token"] = {"Authorization": f"Bearer {token}"}

        # Each page once: its bytes for the bare view (and a warm-up).
        measured: list[Page] = []
        sizes: dict[str, int] = {}
        for page in chosen:
            # A first visit marks a thread read and teaches a remembered page which tables it
            # reads (afterclass.core.pagecache): the page measured is the one a reader comes
            # back to, as the bare view's bytes are.
            fetch(port, page.path, headers[page.who])
            status, _, body = fetch(port, page.path, headers[page.who])
            if status != 200:
                print(f"{page.key}: {page.path} answered {status}; left out.", file=sys.stderr)
                continue
            (bare_folder / f"{page.key}.{page.kind}").write_bytes(body)
            status, _, bare_body = fetch(port, bare_path(page), headers[page.who])
            if status != 200 or bare_body != body:
                raise SystemExit(f"The bare view did not answer with {page.key}'s bytes.")
            sizes[page.key] = len(body)
            measured.append(page)

        samples: dict[tuple[str, str], list[Sample]] = {}
        for round_number in range(args.rounds):
            for page in measured:
                # Which of the pair goes first alternates, so drift favours neither.
                order = [("page", page.path), ("bare", bare_path(page))]
                if round_number % 2:
                    order.reverse()
                for side, path in order:
                    sample = asyncio.run(
                        load(port, path, headers[page.who], args.clients, args.seconds)
                    )
                    samples.setdefault((page.key, side), []).append(sample)
                    print(
                        f"round {round_number + 1}/{args.rounds} {page.key:<20} {side:<4} "
                        f"{sample.per_second:8.1f} req/s  {sample.errors} errors",
                        file=sys.stderr,
                    )

    rows = []
    for page in measured:
        row: dict[str, Any] = {
            "name": page.key,
            "path": page.path,
            "as": page.who if page.who != "token" else "member (API token)",
            "bytes": sizes[page.key],
        }
        for side in ("page", "bare"):
            runs = samples[(page.key, side)]
            latencies = [value for run in runs for value in run.latencies]
            row[side] = {
                "req_per_s": round(statistics.median(run.per_second for run in runs), 1),
                "req_per_s_rounds": [round(run.per_second, 1) for run in runs],
                "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
                "requests": len(latencies),
                # Near 1.0 the load driver, not the server, would be the limit.
                "client_cpu_cores": round(statistics.median(run.client_cpu for run in runs), 2),
                "errors": sum(run.errors for run in runs),
                "statuses": {
                    str(code): sum(run.statuses.get(code, 0) for run in runs)
                    for code in sorted({code for run in runs for code in run.statuses})
                },
            }
        bare = row["bare"]["req_per_s"]
        row["ratio"] = round(row["page"]["req_per_s"] / bare, 3) if bare else None
        rows.append(row)
    return {
        "backend": args.backend,
        "tier": args.tier,
        "clients": args.clients,
        "rounds": args.rounds,
        "seconds_per_load": args.seconds,
        "server_workers": args.workers,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "machine": machine(),
        "people": found,
        "searches": SEARCHES,
        "pages": rows,
    }


def bare_path(page: Page) -> str:
    return f"/bench/bare/{page.key}.{page.kind}"


def print_table(results: dict[str, Any]) -> None:
    print(
        f"\n{results['backend']}, tier {results['tier']}, {results['clients']} clients, "
        f"{results['server_workers']} server worker(s), median of {results['rounds']} rounds "
        f"of {results['seconds_per_load']:g} s\n"
    )
    print(
        f"{'page':<20} {'as':<7} {'bytes':>7} {'req/s':>8} {'bare':>8} {'ratio':>6} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'bare p50':>8} {'errors':>6} {'client cpu':>10}"
    )
    for row in results["pages"]:
        page, bare = row["page"], row["bare"]
        print(
            f"{row['name']:<20} {row['as'].split()[0]:<7} {row['bytes']:>7} "
            f"{page['req_per_s']:>8.1f} {bare['req_per_s']:>8.1f} {row['ratio']:>6.3f} "
            f"{page['p50_ms']:>8.1f} {page['p99_ms']:>8.1f} {bare['p50_ms']:>8.1f} "
            f"{page['errors'] + bare['errors']:>6} {bare['client_cpu_cores']:>10.2f}"
        )


def print_markdown(results: dict[str, Any]) -> None:
    print(
        "\n| page | as | bytes | req/s | bare req/s | ratio | p50 ms | p99 ms | bare p50 ms "
        "| errors |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for row in results["pages"]:
        page, bare = row["page"], row["bare"]
        print(
            f"| `{row['path']}` ({row['name']}) | {row['as']} | {row['bytes']:,} "
            f"| {page['req_per_s']:.1f} | {bare['req_per_s']:.1f} | {row['ratio']:.3f} "
            f"| {page['p50_ms']:.0f} | {page['p99_ms']:.0f} | {bare['p50_ms']:.0f} "
            f"| {page['errors'] + bare['errors']} |"
        )


def main() -> None:
    args = parse_args()
    temporary = args.data_dir is None
    data_dir = (args.data_dir or Path(tempfile.mkdtemp(prefix="afterclass-pages-"))).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_environment(args, data_dir)
    try:
        prepare_data(args, data_dir, env)
        results = measure(args, data_dir, env)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            if args.backend == "postgresql":
                recreate_postgres_database(args, drop_only=True)
        elif temporary:
            print(f"Kept the data folder {data_dir}.", file=sys.stderr)
    output = args.output or ROOT / "bench" / "results" / f"pages-{args.backend}-{args.tier}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    if args.markdown:
        print_markdown(results)
    print(f"\nWritten to {output}.")


if __name__ == "__main__":
    main()
