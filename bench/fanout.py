"""Fan-out of an announcement to a space's members: the POST against a plain post's, and how long
until every member's notification row is written.

Not a test: run it by hand, on each backend.

    .venv/bin/python bench/fanout.py                          # 10,000 members, SQLite
    .venv/bin/python bench/fanout.py --backend postgresql     # PostgreSQL on 127.0.0.1
    .venv/bin/python bench/fanout.py --members 50 --posts 1   # a smoke test (seconds)

It makes a fresh database (a temporary SQLite file, or the PostgreSQL database
`afterclass_bench_fanout`, dropped afterwards unless --keep), migrates it and writes, with
bulk inserts, one launched space whose owner signs in and --members active members who accepted
its ground rules. It starts the real server as `afterclass serve` does (pages.py: production
mode, --no-worker, --workers uvicorn workers) and a real `afterclass worker` process, signs the
owner in through the sign-in form, and then, --posts times, through the new-post web form
(`POST /spaces/<slug>/posts/new/`, session and CSRF token, a 302 to the post):

- posts a plain discussion (no member follows all activity, so its fan-out tells nobody), and
  waits until the task queue is idle;
- posts an announcement, then polls the database every 10 ms until every member's notification
  row is there; checks that there are exactly --members rows for the post, one per member, none
  for the owner (and still so a moment later); then waits until the queue is idle again (the
  announcement's e-mails, "e-mail at once" by default, are queued by a task of their own).

It prints, and writes as JSON (bench/results/fanout-<backend>.json): the median POST time of
each kind and their ratio (target: at most 2), the median time from the announcement's POST to
its last row (target: at most 2 s), split into the queue's wait before the worker claimed the
fan-out task and the task's run, and the time until the queue was idle.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchkit import ROOT, add_database_arguments, configure
from loadkit import mail_sink, post_form, running_worker, wait_for_idle_queue
from pages import PASSWORD, machine, running_server, server_environment, sign_in

OWNER_EMAIL = "owner@fanout.example"
DATABASE = "afterclass_bench_fanout"
ROWS_TIMEOUT = 120.0  # seconds: give up waiting for the rows after this


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--members", type=int, default=10_000, help="Members besides the owner.")
    parser.add_argument("--posts", type=int, default=5, help="Posts of each kind (rounds).")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    parser.add_argument(
        "--worker-interval",
        type=float,
        help="The worker's --interval: seconds between looks at an idle queue (default its own).",
    )
    parser.add_argument("--output", type=Path, help="Where to write the JSON results.")
    return parser.parse_args()


def make_space(members: int) -> str:
    """One launched space: its owner and `members` active members, written in bulk."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from afterclass.people.models import Organisation, Person
    from afterclass.spaces.actions import do_create_space, do_set_space_status
    from afterclass.spaces.models import (
        Membership,
        MembershipState,
        Role,
        RulesAcceptance,
        Space,
        Status,
    )

    Organisation.current()
    owner = Person.objects.create_user(OWNER_EMAIL, PASSWORD, display_name="Fan-out Owner")
    space = do_create_space(
        actor=owner, name="Everyone", purpose="Announcements to everyone.", rules="Be kind."
    )
    do_set_space_status(space, Status.LAUNCHED, actor=owner)
    password = make_password(PASSWORD)
    people = Person.objects.bulk_create(
        (
            Person(email=f"member{n}@fanout.example", password=password, display_name=f"M {n}")
            for n in range(members)
        ),
        batch_size=2000,
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        (
            Membership(
                space=space,
                person=person,
                role=Role.MEMBER,
                state=MembershipState.ACTIVE,
                rules_version_accepted=space.rules_version,
                joined_at=now,
            )
            for person in people
        ),
        batch_size=2000,
    )
    RulesAcceptance.objects.bulk_create(
        (
            RulesAcceptance(space=space, person=person, version=space.rules_version)
            for person in people
        ),
        batch_size=2000,
    )
    Space.objects.filter(pk=space.pk).update(member_count=members + 1)
    if connection.vendor == "postgresql":
        # Statistics for the tables just filled, as autovacuum gathers them within a minute of
        # a bulk load: without them the planner guesses the tables are empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return space.slug


def post_id(location: str) -> int:
    return int(location.rstrip("/").rsplit("/", 1)[-1])


def wait_for_rows(post: int, expected: int, started: float) -> float:
    """Poll until `expected` announcement rows of `post` exist; seconds since `started`."""
    from afterclass.notifications.models import Notification

    rows = Notification.objects.filter(post_id=post, kind="announcement")
    while True:
        count = rows.count()
        if count >= expected:
            return time.perf_counter() - started
        if time.perf_counter() - started > ROWS_TIMEOUT:
            raise SystemExit(f"Only {count} of {expected} rows after {ROWS_TIMEOUT:.0f} s.")
        time.sleep(0.01)


def check_rows(post: int, members: int) -> dict[str, Any]:
    """Exactly one row per member for the post, none for the owner."""
    from django.db.models import Count

    from afterclass.notifications.models import Notification
    from afterclass.worker.models import QueuedTask

    rows = Notification.objects.filter(post_id=post)
    by_kind = dict(rows.values_list("kind").annotate(n=Count("id")).order_by())
    announced = rows.filter(kind="announcement")
    total = announced.count()
    distinct = announced.values("recipient_id").distinct().count()
    to_owner = announced.filter(recipient__email=OWNER_EMAIL).count()
    # The fan-out task of this post: when it was enqueued, claimed and finished.
    task = next(
        row
        for row in QueuedTask.objects.filter(task_path__endswith="fan_out").order_by("-enqueued_at")
        if row.args_kwargs["args"][0].get("post_id") == post
        and row.args_kwargs["args"][0].get("kind") == "announcement"
    )
    assert task.started_at is not None
    assert task.finished_at is not None
    return {
        "rows": total,
        "distinct_recipients": distinct,
        "rows_to_owner": to_owner,
        "rows_by_kind": by_kind,
        "ok": total == distinct == members and to_owner == 0,
        "queue_wait_s": round((task.started_at - task.enqueued_at).total_seconds(), 3),
        "task_run_s": round((task.finished_at - task.started_at).total_seconds(), 3),
        "task_attempts": task.attempts,
    }


def worker_arguments(args: argparse.Namespace) -> list[str]:
    return [f"--interval={args.worker_interval}"] if args.worker_interval else []


def measure(args: argparse.Namespace, slug: str, env: dict[str, str], data_dir: Path) -> Any:
    rounds = []
    with (
        mail_sink(env) as mail,
        running_server(args, data_dir, env) as port,
        running_worker(env, data_dir, *worker_arguments(args)),
    ):
        owner = sign_in(port, OWNER_EMAIL)
        path = f"/spaces/{slug}/posts/new/"
        wait_for_idle_queue()
        for number in range(args.posts):
            status, plain_s, _ = post_form(
                port, path, owner, {"kind": "discussion", "title": f"Plain {number}", "body": "Hi."}
            )
            if status != 302:
                raise SystemExit(f"The plain post answered {status}.")
            wait_for_idle_queue()
            started = time.perf_counter()
            status, announce_s, location = post_form(
                port,
                path,
                owner,
                {"kind": "announcement", "title": f"News {number}", "body": "To everyone."},
            )
            if status != 302:
                raise SystemExit(f"The announcement answered {status}.")
            post = post_id(location)
            rows_s = wait_for_rows(post, args.members, started)
            time.sleep(1.0)  # a late duplicate would show now
            checked = check_rows(post, args.members)
            idle_s = wait_for_idle_queue() + 1.0 + rows_s
            one = {
                "plain_post_ms": round(plain_s * 1000, 1),
                "announcement_post_ms": round(announce_s * 1000, 1),
                "rows_written_s": round(rows_s, 3),
                "queue_idle_s": round(idle_s, 3),
                **checked,
            }
            one["emails_sent_so_far"] = mail.messages  # type: ignore[attr-defined]
            rounds.append(one)
            print(json.dumps(one), file=sys.stderr)
    return rounds


def summary(args: argparse.Namespace, rounds: list[dict[str, Any]]) -> dict[str, Any]:
    def median(key: str) -> float:
        return round(statistics.median(row[key] for row in rounds), 3)

    plain, announce = median("plain_post_ms"), median("announcement_post_ms")
    return {
        "backend": args.backend,
        "members": args.members,
        "posts": args.posts,
        "server_workers": args.workers,
        "worker_interval_s": args.worker_interval or 1.0,
        "plain_post_ms": plain,
        "announcement_post_ms": announce,
        "post_ratio": round(announce / plain, 2),
        "rows_written_s": median("rows_written_s"),
        "rows_written_s_max": max(row["rows_written_s"] for row in rounds),
        "queue_wait_s": median("queue_wait_s"),
        "task_run_s": median("task_run_s"),
        "queue_idle_s": median("queue_idle_s"),
        "all_rows_exact": all(row["ok"] for row in rounds),
        "targets_met": announce <= 2 * plain
        and max(row["rows_written_s"] for row in rounds) <= 2.0,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "machine": machine(),
        "rounds": rounds,
    }


def main() -> None:
    args = parse_args()
    drop = configure(args, DATABASE)
    data_dir = Path(os.environ["AFTERCLASS_DATA_DIR"])
    env = server_environment(argparse.Namespace(backend="sqlite"), data_dir)
    if args.backend == "postgresql":
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    try:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        slug = make_space(args.members)
        print(f"{args.members} members in {time.monotonic() - started:.1f}s", file=sys.stderr)
        results = summary(args, measure(args, slug, env, data_dir))
    finally:
        drop()
        if args.keep:
            print(f"Kept the data folder {data_dir}.", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    output = args.output or ROOT / "bench" / "results" / f"fanout-{args.backend}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"\n{args.backend}, {args.members} members, median of {args.posts}:\n"
        f"  POST plain discussion  {results['plain_post_ms']:8.1f} ms\n"
        f"  POST announcement      {results['announcement_post_ms']:8.1f} ms"
        f"  (ratio {results['post_ratio']:.2f}, target <= 2)\n"
        f"  all rows written after {results['rows_written_s']:8.3f} s"
        f"  (worst {results['rows_written_s_max']:.3f} s, target <= 2 s; queue wait "
        f"{results['queue_wait_s']:.3f} s + task {results['task_run_s']:.3f} s)\n"
        f"  queue idle after       {results['queue_idle_s']:8.3f} s (the e-mails too)\n"
        f"  exactly one row per member: {results['all_rows_exact']}\n"
        f"Written to {output}."
    )


if __name__ == "__main__":
    main()
