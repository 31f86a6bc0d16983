"""Search latency over a large generated dataset, as a ratio to a plain indexed lookup.

Not a test: run it by hand, on each backend.

    .venv/bin/python bench/search_bench.py                      # SQLite, in a temporary folder
    .venv/bin/python bench/search_bench.py --backend postgresql # needs PostgreSQL on 127.0.0.1
    .venv/bin/python bench/search_bench.py --posts 20000        # a quicker run

It makes a fresh database (a temporary SQLite file, or the PostgreSQL database
`afterclass_search_bench`, dropped afterwards unless --keep), generates --posts posts (Zipf-
distributed words, spread over 20 spaces, the viewer a member of half of them), builds the
index with the same function as `afterclass search rebuild`, then times, in the same run:

- the baseline: a space's feed page (20 newest visible posts), a plain indexed lookup;
- searches as a member and as the organisation admin (who may see everything, so the most
  matches): a rare word, a common word, two words, a prefix and a phrase, each with permission
  filtering and ranking, first page of 20, and the common word's second page.

It prints the median of --repeat runs of each, and each search's ratio to the baseline.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from typing import Any

from benchkit import add_database_arguments, configure, median_ms

PG_NAME = "afterclass_search_bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = [a + b for a in "bcdfghklmnprstvwz" for b in "aeiou"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(args: argparse.Namespace) -> dict[str, Any]:
    from django.utils import timezone

    from afterclass.people.models import Organisation, Person
    from afterclass.posts.models import ContentState, Post, PostKind
    from afterclass.spaces.actions import do_create_space, do_set_space_status
    from afterclass.spaces.models import Membership, Status

    rng = random.Random(args.seed)
    words = vocabulary(rng)
    # Zipf: the n-th word is used about 1/n as often as the first.
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    Organisation.current()
    owner = Person.objects.create_user("owner@bench.example", "x", display_name="Bench Owner")
    owner.is_org_admin = True
    owner.save(update_fields=["is_org_admin"])
    viewer = Person.objects.create_user("viewer@bench.example", "x", display_name="Bench Viewer")
    spaces = []
    for number in range(20):
        space = do_create_space(
            actor=owner, name=f"Space {number}", purpose="Benchmarking.", rules="Be kind."
        )
        do_set_space_status(space, Status.LAUNCHED, actor=owner)
        spaces.append(space)
        if number % 2 == 0:
            Membership.objects.create(space=space, person=viewer, rules_version_accepted=1)

    now = timezone.now()
    started = time.monotonic()
    batch: list[Post] = []
    for number in range(args.posts):
        title = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 8)))
        body = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(20, 80)))
        kind = PostKind.QUESTION if number % 4 == 0 else PostKind.DISCUSSION
        batch.append(
            Post(
                space=spaces[number % len(spaces)],
                author=owner,
                kind=kind,
                title=title.capitalize(),
                body=body,
                body_html=f"<p>{body}</p>",
                state=ContentState.VISIBLE,
                created_at=now - timedelta(minutes=number),
                last_activity_at=now,
            )
        )
        if len(batch) == 5000:
            Post.objects.bulk_create(batch)
            batch = []
            print(f"\rgenerated {number + 1}/{args.posts} posts", end="", file=sys.stderr)
    Post.objects.bulk_create(batch)
    print(f"\rgenerated {args.posts} posts in {time.monotonic() - started:.0f}s", file=sys.stderr)
    return {"viewer": viewer, "admin": owner, "space": spaces[0], "words": words}


def main() -> None:
    args = parse_args()
    drop = configure(args, PG_NAME)
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        data = generate(args)

        from afterclass.posts.models import ContentState, Post
        from afterclass.search.engine import SearchFilters, search
        from afterclass.search.index import rebuild

        started = time.monotonic()
        counts = rebuild()
        print(f"indexed {counts} in {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)

        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the posts were bulk-loaded a moment ago
        viewer, space, words = data["viewer"], data["space"], data["words"]

        def baseline() -> object:
            return list(
                Post.objects.filter(space=space, state=ContentState.VISIBLE).order_by(
                    "-is_pinned", "-created_at", "-id"
                )[:20]
            )

        # Word n of the Zipf vocabulary is in roughly 1 - (1 - 0.095/n)^50 of the posts: the
        # 10th in ~40%, the 100th in ~5%, the 5,000th in ~0.1%.
        queries = {
            "rare word": words[4999],
            "medium word": words[99],
            "common word": words[9],
            "two words": f"{words[3]} {words[40]}",
            "prefix": words[5][:4] + "*",
            "phrase": f'"{words[1]} {words[2]}"',
        }
        base = median_ms(baseline, args.repeat)
        print(f"\n{args.backend}, {args.posts} posts, median of {args.repeat} runs")
        print(f"{'baseline: a feed page (indexed lookup)':<44} {base:8.2f} ms     1.0x")
        for who, person in (("member", viewer), ("admin", data["admin"])):
            for label, q in queries.items():
                filters = SearchFilters(q=q)
                hits = len(search(person, filters, limit=20).hits)
                took = median_ms(lambda f=filters, p=person: search(p, f, limit=20), args.repeat)  # type: ignore[misc]
                name = f"{who}: {label} ({q}), {hits} hits"
                print(f"{name:<44} {took:8.2f} ms {took / base:8.1f}x")
            common = SearchFilters(q=queries["common word"])
            cursor = search(person, common, limit=20).next
            took = median_ms(
                lambda p=person, f=common, c=cursor: search(p, f, cursor=c, limit=20),  # type: ignore[misc]
                args.repeat,
            )
            name = f"{who}: common word, page 2"
            print(f"{name:<44} {took:8.2f} ms {took / base:8.1f}x")
    finally:
        drop()


if __name__ == "__main__":
    main()
