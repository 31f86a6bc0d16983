"""Many people at once, half of them writing: errors, latencies, and whether every write the
server acknowledged is in the database.

Not a test: run it by hand (SQLite, the backend where writers contend for one lock).

    cp -r /tmp/prof-s /tmp/load-s   # once: a generated tier-S folder, copied again per run
    .venv/bin/python bench/write_load.py --source /tmp/load-s                 # 100 clients, 60 s
    .venv/bin/python bench/write_load.py --source /tmp/load-s --workers 2
    .venv/bin/python bench/write_load.py --tier xs --clients 6 --seconds 3    # a smoke test

It copies --source (a data folder made by `afterclass bench generate`, left as it was) to a
temporary folder, or generates --tier there when no --source is given, migrates it, and picks
--clients distinct people who are active members of a launched space that takes discussions
(its ground rules accepted), each with that space's visible, unlocked posts. It starts the real
server as `afterclass serve` does (pages.py: production mode, --no-worker, --workers uvicorn
workers) and a real `afterclass worker` process (the fan-out of new posts and comments, search
indexing, e-mails run meanwhile, sent to an SMTP sink in this process), signs every person in
through the sign-in form (each from a loopback address of its own, 127.0.x.y: allauth lets one
address sign in 30 times a minute), and then for --seconds keeps one keep-alive connection per
person busy:

- readers (--clients minus --writers) load, in turn, the home feed, their space's home and one
  of its posts;
- writers post forms with their session and CSRF token, as a browser without JavaScript does:
  a comment on one of the space's posts (1 in 2), a reaction on a post (1 in 3; a kind and
  post not reacted to yet by them) or a new discussion (1 in 6). A 302 acknowledges a write.

It prints, and writes as JSON (bench/results/write-load-<N>w.json): requests, req/s and errors by
status code (and connection errors) for reads and for writes, p50/p99 latencies, whether every
acknowledged comment, post and reaction is in the database afterwards, task-queue failures and
retries during the run, and every line of the server's and worker's logs that reports an error
("database is locked" included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchkit import ROOT
from loadkit import form_body, mail_sink, running_worker, wait_for_idle_queue
from pages import (
    HOST,
    REQUEST_TIMEOUT,
    afterclass,
    cookie_header,
    machine,
    percentile,
    prepare_data,
    running_server,
    server_environment,
    sign_in,
)

POSTS_PER_PERSON = 20  # of their space's, newest first: what they read and write on
ERROR_WORDS = ("database is locked", "Traceback", "ERROR", "Internal Server Error", "failed")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="A generated data folder to copy.")
    parser.add_argument("--tier", choices=["xs", "s"], default="xs", help="Without --source.")
    parser.add_argument("--clients", type=int, default=100, help="People, one connection each.")
    parser.add_argument("--writers", type=int, help="How many of them write (default: half).")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", action="store_true", help="Keep the data folder.")
    parser.add_argument("--output", type=Path, help="Where to write the JSON results.")
    args = parser.parse_args()
    args.backend = "sqlite"  # for pages.prepare_data
    if args.writers is None:
        args.writers = args.clients // 2
    return args


@dataclass
class Person:
    email: str
    space: str  # slug
    posts: list[int]
    cookies: dict[str, str] = field(default_factory=dict)


def choose_people(count: int, rng: random.Random) -> list[Person]:
    """`count` distinct people able to take part in a launched space with discussions, each
    with that space's newest visible, unlocked posts (Django set up on the data folder)."""
    from django.db.models import F

    from afterclass.posts.models import ContentState, Post
    from afterclass.spaces.models import Membership, MembershipState, Space, Status

    spaces = {
        space.pk: space
        for space in Space.objects.filter(status=Status.LAUNCHED)
        if "discussion" in space.allowed_post_kinds
    }
    posts = {
        space_id: list(
            Post.objects.filter(space_id=space_id, state=ContentState.VISIBLE, is_locked=False)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[:POSTS_PER_PERSON]
        )
        for space_id in spaces
    }
    places = list(
        Membership.objects.filter(
            space_id__in=[pk for pk, found in posts.items() if len(found) >= 3],
            state=MembershipState.ACTIVE,
            rules_version_accepted__gte=F("space__rules_version"),
            person__is_active=True,
            person__is_org_admin=False,
        )
        .order_by("person_id", "-space__member_count")
        .values_list("person__email", "space_id")
    )
    rng.shuffle(places)
    chosen: dict[str, Person] = {}
    for email, space_id in places:
        if email not in chosen:
            chosen[email] = Person(email, spaces[space_id].slug, posts[space_id])
        if len(chosen) == count:
            return list(chosen.values())
    raise SystemExit(f"Only {len(chosen)} people can take part; {count} were asked for.")


# --- The load --------------------------------------------------------------------------------


@dataclass
class Tally:
    """What came back for one side (reads or writes)."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)

    def count(self, status: str, seconds: float | None) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if seconds is not None:
            self.latencies.append(seconds)


@dataclass
class Acknowledged:
    comments: list[int] = field(default_factory=list)
    posts: list[int] = field(default_factory=list)
    reactions: list[tuple[str, int, str]] = field(default_factory=list)  # email, post, kind


Request = tuple[str, str, bytes, Callable[[int, str], None]]  # method, path, body, on answer


def reader_requests(person: Person, rng: random.Random) -> Callable[[], Request]:
    """The home feed, the person's space, one of its posts; again."""
    turn = 0

    def nothing(status: int, location: str) -> None:
        pass

    def next_request() -> Request:
        nonlocal turn
        turn += 1
        paths = ["/feed/", f"/spaces/{person.space}/", f"/posts/{rng.choice(person.posts)}/"]
        return "GET", paths[turn % 3], b"", nothing

    return next_request


def writer_requests(
    person: Person, rng: random.Random, acknowledged: Acknowledged, marker: str
) -> Callable[[], Request]:
    kinds = ["like", "helped", "celebrate", "insightful"]
    untried = [(post, kind) for post in person.posts for kind in kinds]
    rng.shuffle(untried)
    written = 0

    def next_request() -> Request:
        nonlocal written
        written += 1
        choice = rng.random()
        if choice < 1 / 6:
            fields = {"kind": "discussion", "title": f"{marker} {written}", "body": "Bench post."}

            def posted(status: int, location: str) -> None:
                if status == 302 and location.startswith("/posts/"):
                    acknowledged.posts.append(int(location.split("/")[2]))

            path = f"/spaces/{person.space}/posts/new/"
            return "POST", path, form_body(person.cookies, fields), posted
        if choice < 1 / 2 and untried:
            post, kind = untried.pop()

            def reacted(status: int, location: str) -> None:
                if status == 302:
                    acknowledged.reactions.append((person.email, post, kind))

            body = form_body(person.cookies, {"kind": kind, "on": "1"})
            return "POST", f"/posts/{post}/react/", body, reacted
        post = rng.choice(person.posts)

        def commented(status: int, location: str) -> None:
            if status == 302 and "#comment-" in location:
                acknowledged.comments.append(int(location.rsplit("#comment-", 1)[1]))

        body = form_body(person.cookies, {"body": f"{marker} comment {written}."})
        return "POST", f"/posts/{post}/comments/", body, commented

    return next_request


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bool, str]:
    """One response: its status, whether the connection stays open, where a redirect points."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    fields = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    location = urllib.parse.urlsplit(fields.get("location", ""))._replace(scheme="", netloc="")
    keep = fields.get("connection", "").lower() != "close"
    return int(head[0].split(" ", 2)[1]), keep, location.geturl()


async def run_client(
    port: int, person: Person, next_request: Callable[[], Request], tally: Tally, deadline: float
) -> None:
    loop = asyncio.get_running_loop()
    cookie = cookie_header(person.cookies)
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while loop.time() < deadline:
        method, path, body, answered = next_request()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", f"Cookie: {cookie}"]
        if method == "POST":
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Referer: http://{HOST}:{port}/",
            ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        try:
            if connection is None:
                connection = await asyncio.open_connection(HOST, port)
            reader, writer = connection
            started = time.perf_counter()
            writer.write(request)
            status, keep, location = await asyncio.wait_for(read_answer(reader), REQUEST_TIMEOUT)
            took = time.perf_counter() - started
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            tally.count(type(error).__name__, None)
            if connection is not None:
                connection[1].close()
            connection = None
            continue
        tally.count(str(status), took)
        answered(status, location)
        if not keep:
            writer.close()
            connection = None
    if connection is not None:
        connection[1].close()


async def drive(
    port: int,
    readers: list[Person],
    writers: list[Person],
    acknowledged: Acknowledged,
    args: argparse.Namespace,
    marker: str,
) -> tuple[Tally, Tally, float]:
    rng = random.Random(args.seed)
    reads, writes = Tally(), Tally()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.seconds
    clients = [
        run_client(
            port, person, reader_requests(person, random.Random(rng.random())), reads, deadline
        )
        for person in readers
    ] + [
        run_client(
            port,
            person,
            writer_requests(person, random.Random(rng.random()), acknowledged, marker),
            writes,
            deadline,
        )
        for person in writers
    ]
    started = time.perf_counter()
    await asyncio.gather(*clients)
    return reads, writes, time.perf_counter() - started


# --- Checks afterwards -----------------------------------------------------------------------


def check_writes(acknowledged: Acknowledged, marker: str) -> dict[str, Any]:
    """Every acknowledged write is in the database (and nothing unacknowledged crept in)."""
    from afterclass.posts.models import Comment, Post, Reaction

    comments_found = Comment.objects.filter(pk__in=acknowledged.comments).count()
    posts_found = Post.objects.filter(pk__in=acknowledged.posts).count()
    reactions = set(
        Reaction.objects.filter(
            comment=None,
            person__email__in={email for email, _, _ in acknowledged.reactions},
            post_id__in={post for _, post, _ in acknowledged.reactions},
        ).values_list("person__email", "post_id", "kind")
    )
    reactions_found = sum(1 for row in acknowledged.reactions if row in reactions)
    return {
        "comments": {
            "acknowledged": len(acknowledged.comments),
            "found": comments_found,
            "with_marker": Comment.objects.filter(body__startswith=marker).count(),
        },
        "posts": {
            "acknowledged": len(acknowledged.posts),
            "found": posts_found,
            "with_marker": Post.objects.filter(title__startswith=marker).count(),
        },
        "reactions": {"acknowledged": len(acknowledged.reactions), "found": reactions_found},
        "all_found": comments_found == len(acknowledged.comments)
        and posts_found == len(acknowledged.posts)
        and reactions_found == len(acknowledged.reactions),
    }


def check_tasks(since: datetime) -> dict[str, Any]:
    """The worker's side: tasks enqueued during the run that failed, or needed a retry."""
    from django.db.models import Count

    from afterclass.worker.models import QueuedTask

    rows = QueuedTask.objects.filter(enqueued_at__gte=since)
    return {
        "enqueued": rows.count(),
        "by_state": dict(rows.values_list("state").annotate(n=Count("id")).order_by()),
        "retried": rows.filter(attempts__gt=1).count(),
        "errors": sorted(set(rows.exclude(error_class="").values_list("error_class", flat=True))),
    }


def error_lines(path: Path, limit: int = 40) -> list[str]:
    if not path.exists():
        return []
    found = [
        line.rstrip()
        for line in path.read_text(errors="replace").splitlines()
        if any(word in line for word in ERROR_WORDS)
    ]
    return found[:limit]


def side(tally: Tally, seconds: float) -> dict[str, Any]:
    ok = sum(n for status, n in tally.statuses.items() if status in ("200", "302"))
    total = sum(tally.statuses.values())
    return {
        "requests": total,
        "per_second": round(total / seconds, 1),
        "errors": total - ok,
        "statuses": dict(sorted(tally.statuses.items())),
        "p50_ms": round(percentile(tally.latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1),
        "max_ms": round(max(tally.latencies, default=0.0) * 1000, 1),
        "mean_ms": round(statistics.fmean(tally.latencies) * 1000, 1) if tally.latencies else None,
    }


# --- Main ------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> tuple[Path, dict[str, str]]:
    data_dir = Path(tempfile.mkdtemp(prefix="afterclass-write-load-")).resolve()
    env = server_environment(args, data_dir)
    if args.source:
        shutil.copytree(args.source, data_dir, dirs_exist_ok=True)
        for name in ("server.log", "worker.log"):
            (data_dir / name).unlink(missing_ok=True)
    else:
        prepare_data(args, data_dir, env)
    afterclass(env, "migrate", "--noinput", "-v", "0")
    # This process reads the same database as the server: its environment, not the caller's
    # (a DATABASE_URL set for a PostgreSQL test run must not point it elsewhere).
    for name in set(os.environ) - set(env):
        del os.environ[name]
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return data_dir, env


def measure(args: argparse.Namespace, data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    from django.utils import timezone

    rng = random.Random(args.seed)
    people = choose_people(args.clients, rng)
    writers, readers = people[: args.writers], people[args.writers :]
    marker = f"bench-{int(time.time())}"
    acknowledged = Acknowledged()

    def sign_in_one(person: Person, number: int) -> dict[str, str]:
        # Each from an address of its own: allauth lets one address sign in 30 times a minute.
        return sign_in(port, person.email, source=f"127.0.{1 + number // 250}.{1 + number % 250}")

    with (
        mail_sink(env) as mail,
        running_server(args, data_dir, env) as port,
        running_worker(env, data_dir),
    ):
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            for person, cookies in zip(
                people, pool.map(sign_in_one, people, range(len(people))), strict=True
            ):
                person.cookies = cookies
        signing_in = time.monotonic() - started
        print(f"{len(people)} signed in in {signing_in:.0f}s", file=sys.stderr)
        wait_for_idle_queue()
        since = timezone.now()
        reads, writes, seconds = asyncio.run(
            drive(port, readers, writers, acknowledged, args, marker)
        )
        drained = wait_for_idle_queue(timeout=600)
    return {
        "backend": "sqlite",
        "clients": args.clients,
        "writers": len(writers),
        "seconds": round(seconds, 1),
        "server_workers": args.workers,
        "source": str(args.source or f"generated tier {args.tier}"),
        "reads": side(reads, seconds),
        "writes": side(writes, seconds),
        "acknowledged_writes": check_writes(acknowledged, marker),
        "signing_in_s": round(signing_in, 1),
        "queue_drained_after_s": round(drained, 1),
        "emails_sent": mail.messages,  # type: ignore[attr-defined]
        "tasks": check_tasks(since),
        "server_log_errors": error_lines(data_dir / "server.log"),
        "worker_log_errors": error_lines(data_dir / "worker.log"),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "machine": machine(),
    }


def main() -> None:
    args = parse_args()
    data_dir, env = prepare(args)
    try:
        results = measure(args, data_dir, env)
    finally:
        if args.keep:
            print(f"Kept the data folder {data_dir}.", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    output = args.output or ROOT / "bench" / "results" / f"write-load-{args.workers}w.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"\nSQLite, {results['clients']} clients ({results['writers']} writing), "
        f"{results['seconds']} s, {results['server_workers']} server worker(s)"
    )
    for name in ("reads", "writes"):
        row = results[name]
        print(
            f"  {name:<6} {row['requests']:>6} requests {row['per_second']:>7.1f}/s  "
            f"errors {row['errors']}  {row['statuses']}  p50 {row['p50_ms']} ms  "
            f"p99 {row['p99_ms']} ms"
        )
    print(f"  acknowledged writes: {json.dumps(results['acknowledged_writes'])}")
    print(f"  tasks during the run: {json.dumps(results['tasks'])}")
    for name in ("server_log_errors", "worker_log_errors"):
        print(f"  {name}: {len(results[name])}")
        for line in results[name][:10]:
            print(f"    {line[:200]}")
    print(f"Written to {output}.")


if __name__ == "__main__":
    main()
