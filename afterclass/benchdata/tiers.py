"""The sizes of the data sets `afterclass bench generate` makes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    people: int
    spaces: int
    posts: int
    comments: int
    reactions: int
    votes: int
    events: int
    notifications: int
    months: int
    # Posts given a thread of this many comments, like the largest discussions of a real site.
    long_threads: int = 0
    long_thread_size: int = 300


TIERS = {
    # For tests: every kind of row, in a second or two.
    "xs": Tier(
        name="xs",
        people=40,
        spaces=8,
        posts=120,
        comments=400,
        reactions=200,
        votes=60,
        events=2_000,
        notifications=100,
        months=3,
        long_threads=1,
        long_thread_size=30,
    ),
    # Demo-like: quick runs of the benchmarks.
    "s": Tier(
        name="s",
        people=300,
        spaces=12,
        posts=3_000,
        comments=12_000,
        reactions=6_000,
        votes=2_000,
        events=25_000,
        notifications=2_000,
        months=18,
        long_threads=3,
    ),
    # The size of a real organisation a couple of years in.
    "m": Tier(
        name="m",
        people=10_000,
        spaces=200,
        posts=200_000,
        comments=550_000,
        reactions=330_000,
        votes=120_000,
        events=1_000_000,
        notifications=100_000,
        months=18,
        long_threads=20,
    ),
}
