"""What a remembered page (afterclass.core.pagecache) costs when it is answered from memory:
CPU time per request of the pages it serves, in one process, and how many queries it ran.

Not a test: run it by hand against a data folder made by bench/pages.py (or `afterclass bench
generate`), e.g.

    .venv/bin/python bench/pagecache.py --data-dir /tmp/pages-s

It signs the generated plain member in with Django's test client (no HTTP server: the work of
the page alone), asks each page four times (the first visit teaches the page its tables and
may mark a thread read; the next ones remember it), then --requests times, and prints the
queries of one answer and the median process time per request over --rounds rounds, with the
page cache on and off.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchkit import member_client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=20, help="Per page, side and round.")
    args = parser.parse_args()

    client, cast = member_client(args.data_dir)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paths = [
        "/feed/",
        f"/spaces/{cast['space']}/",
        f"/posts/{cast['post']}/",
        "/search/?q=learning",
        "/learning/",
        "/notifications/",
    ]
    print(f"{'page':<34} {'queries':>7} {'on ms':>7} {'off ms':>7}")
    for path in paths:
        cpu: dict[bool, list[float]] = {True: [], False: []}
        queries = 0
        for _ in range(args.rounds):
            for on in (True, False):
                settings.AFTERCLASS_PAGE_CACHE = on  # no signal: nothing else is bumped
                for _ in range(4):
                    assert client.get(path).status_code == 200, path
                if on:
                    with CaptureQueriesContext(connection) as captured:
                        client.get(path)
                    queries = len(captured)
                started = time.process_time()
                for _ in range(args.requests):
                    client.get(path)
                cpu[on].append((time.process_time() - started) / args.requests * 1000)
        on_ms, off_ms = statistics.median(cpu[True]), statistics.median(cpu[False])
        print(f"{path:<34} {queries:>7} {on_ms:7.1f} {off_ms:7.1f}")


if __name__ == "__main__":
    main()
