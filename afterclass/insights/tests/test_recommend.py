"""The recommendation's rules, each on figures built to trigger it and on figures just short of
it, and the order of the verdicts. Vitals are built directly: no database."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from afterclass.insights.models import EventKind
from afterclass.insights.periods import Period
from afterclass.insights.recommend import (
    ARCHIVED,
    IMPROVE,
    KEEP,
    NOT_LAUNCHED,
    RULES,
    SCALE_DOWN,
    recommend,
)
from afterclass.insights.vitals import Questions, Vitals
from afterclass.posts.models import PostKind
from afterclass.spaces.models import Mode, Space, Status, Template

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 28))
DORMANT, UNANSWERED, WEEKLY, ACTIVATED, PURPOSE, COMPLETION, HIDDEN = range(7)


def healthy(**space_fields: Any) -> Vitals:
    """A space every rule leaves alone: used, for its purpose, its questions answered."""
    fields = {"name": "Data skills", "status": Status.LAUNCHED, "mode": Mode.INFORMAL}
    space = Space(template=Template.DISCUSSION, **{**fields, **space_fields})
    return Vitals(
        space,
        PERIOD,
        members=10,
        activated=10,
        members_active_7=5,
        active_28=8,
        last_post_at=timezone.now() - timedelta(days=1),
        counts={(EventKind.POSTED, PostKind.QUESTION): 6, (EventKind.ANSWERED, ""): 6},
        questions=Questions(asked=10, answered=10, old_enough=10),
        released_activities=4,
        learners=5,
        finished=20,
        content_created=20,
    )


def fired(v: Vitals) -> list[int]:
    return [number for number, rule in enumerate(RULES) if rule.check(v) is not None]


def quiet(days: int) -> Any:
    return timezone.now() - timedelta(days=days, hours=1)


def test_recommend_keeps_a_healthy_space():
    found = recommend(healthy())

    assert fired(healthy()) == []
    assert (found.verdict, found.findings, found.label) == (KEEP, [], "Keep")
    assert "keep it" in found.summary


TRIGGERS = [
    # rule, figures that trigger it, figures just short of it
    (
        DORMANT,
        {
            "space": {"target_weekly_active_pct": 5},
            "members": 100,
            "activated": 100,
            "members_active_7": 9,
            "last_post_at": quiet(42),
        },
        {
            "space": {"target_weekly_active_pct": 5},
            "members": 100,
            "activated": 100,
            "members_active_7": 9,
            "last_post_at": quiet(41),
        },
    ),
    (
        DORMANT,
        {
            "space": {"target_weekly_active_pct": 5},
            "members": 100,
            "activated": 100,
            "members_active_7": 9,
            "last_post_at": None,
        },
        {
            "space": {"target_weekly_active_pct": 5},
            "members": 100,
            "activated": 100,
            "members_active_7": 10,
            "last_post_at": None,
        },
    ),
    (
        UNANSWERED,
        {"questions": Questions(asked=10, answered=7, old_enough=10, waited_48h=3)},
        {"questions": Questions(asked=10, answered=8, old_enough=10, waited_48h=2)},
    ),
    (
        UNANSWERED,
        {"questions": Questions(asked=3, old_enough=3, waited_48h=1)},
        {"questions": Questions(asked=2, old_enough=2, waited_48h=2)},
    ),
    (WEEKLY, {"members_active_7": 1}, {"members_active_7": 2}),
    (
        WEEKLY,
        {"space": {"target_weekly_active_pct": 50}, "members_active_7": 4},
        {"space": {"target_weekly_active_pct": 50}, "members_active_7": 5},
    ),
    (ACTIVATED, {"activated": 7}, {"activated": 8}),
    (
        PURPOSE,
        {"counts": {(EventKind.POSTED, PostKind.UPDATE): 6, (EventKind.COMMENTED, ""): 4}},
        {"counts": {(EventKind.POSTED, PostKind.UPDATE): 5, (EventKind.COMMENTED, ""): 5}},
    ),
    (
        PURPOSE,
        {"counts": {(EventKind.POSTED, PostKind.UPDATE): 10, (EventKind.VIEWED, ""): 99}},
        {"counts": {(EventKind.POSTED, PostKind.UPDATE): 9, (EventKind.REACTED, "like"): 99}},
    ),
    (
        COMPLETION,
        {"space": {"mode": Mode.STRUCTURED}, "finished": 9},
        {"space": {"mode": Mode.STRUCTURED}, "finished": 10},
    ),
    (
        COMPLETION,
        {"space": {"mode": Mode.STRUCTURED, "target_completion_pct": 80}, "finished": 15},
        {"space": {"mode": Mode.STRUCTURED, "target_completion_pct": 80}, "finished": 16},
    ),
    (COMPLETION, {"space": {"mode": Mode.STRUCTURED}, "finished": 0}, {"finished": 0}),
    (
        HIDDEN,
        {"content_created": 10, "content_hidden": 1},
        {"content_created": 9, "content_hidden": 9},
    ),
    (
        HIDDEN,
        {"content_created": 20, "content_hidden": 2},
        {"content_created": 21, "content_hidden": 2},
    ),
]


def build(changes: dict[str, Any]) -> Vitals:
    changes = dict(changes)
    v = healthy(**changes.pop("space", {}))
    return replace(v, **changes)


@pytest.mark.parametrize(("rule", "trigger", "short"), TRIGGERS)
def test_recommend_each_rule_fires_on_its_figures_only(rule, trigger, short):
    assert fired(build(trigger)) == [rule]
    assert fired(build(short)) == []


def test_recommend_findings_say_what_with_the_figures():
    v = build({"questions": Questions(asked=10, old_enough=10, waited_48h=6, answered=4)})

    found = recommend(v)

    assert found.verdict == IMPROVE
    assert found.summary == (
        "60 % of questions got no answer within 48 hours — assign answerers or add a moderator"
    )
    assert found.findings[0].rule == RULES[UNANSWERED].text


def test_recommend_dormant_says_how_long_and_how_few():
    v = build({"members": 50, "members_active_7": 2, "last_post_at": quiet(44)})

    found = recommend(v)

    assert found.verdict == SCALE_DOWN
    assert found.label == "Scale down or archive"
    assert found.summary.startswith("no post in 6 weeks, 4 % of members active weekly")


def test_recommend_scale_down_wins_over_improve():
    v = build(
        {
            "members": 100,
            "members_active_7": 1,
            "activated": 50,
            "last_post_at": None,
            "questions": Questions(asked=5, old_enough=5, waited_48h=5),
        }
    )

    found = recommend(v)

    assert [f.verdict for f in found.findings] == [SCALE_DOWN, IMPROVE, IMPROVE, IMPROVE]
    assert found.verdict == SCALE_DOWN
    assert found.summary.startswith("no post yet")


def test_recommend_improve_lists_every_finding_in_rule_order():
    v = build({"activated": 5, "members_active_7": 1, "content_created": 10, "content_hidden": 5})

    found = recommend(v)

    assert found.verdict == IMPROVE
    assert [f.rule for f in found.findings] == [
        RULES[WEEKLY].text,
        RULES[ACTIVATED].text,
        RULES[HIDDEN].text,
    ]


@pytest.mark.parametrize(
    ("status", "verdict"), [(Status.PLANNING, NOT_LAUNCHED), (Status.ARCHIVED, ARCHIVED)]
)
def test_recommend_spaces_not_launched_are_not_judged(status, verdict):
    # Figures that would scale a launched space down, and improve it twice over.
    v = build(
        {"space": {"status": status}, "members": 100, "members_active_7": 0, "activated": 10,
         "last_post_at": None}
    )  # fmt: skip

    found = recommend(v)

    assert found.verdict == verdict
    assert found.findings == []
    assert "nothing" in found.summary


def test_recommend_no_members_no_weekly_or_activation_finding():
    v = build({"members": 0, "activated": 0, "members_active_7": 0})

    assert fired(v) == []
