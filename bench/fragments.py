"""What remembered fragments (afterclass.core.fragments) save: CPU time per request of the pages
made of cards and comments, with the fragment cache on and off, in one process.

Not a test: run it by hand against a data folder made by bench/pages.py (or `afterclass bench
generate`), e.g.

    .venv/bin/python bench/fragments.py --data-dir /tmp/pages-s

It signs the generated plain member in with Django's test client (no HTTP server: the work of
the page alone), warms each page up, then in --rounds interleaved rounds asks each page
--requests times with the cache on and off, and prints the median CPU milliseconds per request
(process time, so that other work on the machine weighs less than in wall time).
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
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=15, help="Per page, side and round.")
    args = parser.parse_args()

    client, cast = member_client(args.data_dir)
    from django.conf import settings

    # What fragments save when the page is built: not answered whole from memory.
    settings.AFTERCLASS_PAGE_CACHE = False

    pages = {
        "/feed/": "feed",
        f"/spaces/{cast['space']}/": "space home",
        f"/posts/{cast['post']}/": f"post page ({cast['post_comments']} comments)",
    }
    print(f"{'page':<32} {'on ms':>8} {'off ms':>8} {'off/on':>7}")
    for path, name in pages.items():
        cpu: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.rounds):
            for on in (True, False):
                settings.AFTERCLASS_FRAGMENT_CACHE = on
                for _ in range(3):  # fill the cache, mark the page read
                    assert client.get(path).status_code == 200, path
                started = time.process_time()
                for _ in range(args.requests):
                    client.get(path)
                cpu[on].append((time.process_time() - started) / args.requests * 1000)
        on_ms, off_ms = statistics.median(cpu[True]), statistics.median(cpu[False])
        print(f"{name:<32} {on_ms:8.1f} {off_ms:8.1f} {off_ms / on_ms:7.2f}")


if __name__ == "__main__":
    main()
