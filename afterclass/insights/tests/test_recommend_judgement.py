""" "Too early to judge", and a recommendation that never contradicts the targets table: a
missed target is always a finding. Vitals are built directly (no database); the property test
draws random histories with hypothesis."""

from datetime import date, timedelta

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from afterclass.insights.models import EventKind
from afterclass.insights.periods import Period, day_end
from afterclass.insights.recommend import IMPROVE, KEEP, TOO_EARLY, recommend
from afterclass.insights.targets import targets
from afterclass.insights.tests.test_recommend import healthy
from afterclass.insights.vitals import Questions, Vitals
from afterclass.posts.models import PostKind
from afterclass.spaces.models import Mode, Space, Status, Template

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 28))
END = day_end(PERIOD.last)


def test_recommend_is_too_early_a_minute_after_launch():
    v = healthy(launched_at=END - timedelta(minutes=1))
    v.last_post_at = None  # no post yet: not "scale down" either
    found = recommend(v)
    assert found.verdict == TOO_EARLY
    assert found.label == "Too early to judge"
    assert found.summary.startswith("It launched today: too early to judge before")
    assert "watch how many members sign in" in found.summary


def test_recommend_is_too_early_before_14_days_and_says_when():
    found = recommend(healthy(launched_at=END - timedelta(days=13, hours=23)))
    assert found.verdict == TOO_EARLY
    assert "13 days ago" in found.summary
    assert "before 29 March" in found.summary


def test_recommend_judges_from_14_days_after_launch():
    assert recommend(healthy(launched_at=END - timedelta(days=14))).verdict == KEEP


def test_recommend_is_too_early_with_too_few_members_and_says_so():
    v = healthy()
    v.members = v.activated = 2
    v.members_active_7 = 1
    found = recommend(v)
    assert found.verdict == TOO_EARLY
    assert "It has 2 members: too little activity to measure" in found.summary
    assert "watch whether its audience joins" in found.summary


def test_recommend_too_early_names_the_missed_targets_in_words():
    v = healthy(launched_at=END - timedelta(days=1), target_weekly_active_pct=40)
    v.members_active_7 = 0
    found = recommend(v)
    assert found.verdict == TOO_EARLY
    assert "“Members active weekly” missed" in found.summary


def test_recommend_never_keeps_with_a_missed_answer_target():
    # One question, answered after two days: every rule passes, the 80 % target is missed.
    v = healthy(target_answer_rate_pct=80, target_answer_hours=24)
    v.questions = Questions(asked=1, answered=1, old_enough=1, within_target=0)
    assert [check.status for check in targets(v)] == ["missed"]
    found = recommend(v)
    assert found.verdict == IMPROVE
    assert [finding.reason for finding in found.findings] == [
        "the plan's target “Questions answered within 24 hours” is missed: 0 % against 80 %"
    ]


def test_recommend_says_a_missed_weekly_target_once():
    v = healthy(target_weekly_active_pct=40)
    v.members_active_7 = 0
    found = recommend(v)
    assert found.verdict == IMPROVE
    assert len([f for f in found.findings if "active" in f.reason]) == 1


def test_recommend_keeps_when_targets_are_met_or_close():
    v = healthy(target_weekly_active_pct=50, target_answer_rate_pct=100)
    v.questions = Questions(asked=10, answered=10, old_enough=10, within_target=9)
    assert [check.status for check in targets(v)] == ["met", "close"]
    assert recommend(v).verdict == KEEP


percents = st.one_of(st.none(), st.integers(min_value=1, max_value=100))


@st.composite
def histories(draw: st.DrawFn) -> Vitals:
    mode = draw(st.sampled_from([Mode.INFORMAL, Mode.STRUCTURED]))
    space = Space(
        name="Random",
        status=Status.LAUNCHED,
        mode=mode,
        template=draw(st.sampled_from(list(Template))),
        launched_at=draw(
            st.one_of(st.none(), st.integers(0, 400).map(lambda d: END - timedelta(days=d)))
        ),
        target_weekly_active_pct=draw(percents),
        target_answer_rate_pct=draw(percents),
        target_answer_hours=draw(st.sampled_from([None, 4, 24, 48])),
        target_completion_pct=draw(percents),
    )
    members = draw(st.integers(0, 60))
    asked = draw(st.integers(0, 30))
    answered = draw(st.integers(0, asked))
    old_enough = draw(st.integers(0, asked))
    released = draw(st.integers(0, 10))
    learners = draw(st.integers(0, members))
    created = draw(st.integers(0, 40))
    kinds = st.sampled_from(
        [
            (EventKind.POSTED, PostKind.QUESTION),
            (EventKind.POSTED, PostKind.UPDATE),
            (EventKind.POSTED, PostKind.IMAGE),
            (EventKind.COMMENTED, ""),
            (EventKind.ANSWERED, ""),
            (EventKind.REACTED, "helped"),
        ]
    )
    return Vitals(
        space,
        PERIOD,
        members=members,
        activated=draw(st.integers(0, members)),
        members_active_7=draw(st.integers(0, members)),
        counts=draw(st.dictionaries(kinds, st.integers(1, 50), max_size=6)),
        last_post_at=draw(
            st.one_of(st.none(), st.integers(0, 120).map(lambda d: timezone.now() - timedelta(d)))
        ),
        questions=Questions(
            asked=asked,
            answered=answered,
            old_enough=old_enough,
            waited_48h=draw(st.integers(0, old_enough)),
            within_target=draw(st.integers(0, answered)),
        ),
        released_activities=released,
        learners=learners,
        finished=draw(st.integers(0, released * learners)),
        content_created=created,
        content_hidden=draw(st.integers(0, created)),
    )


@settings(max_examples=200, deadline=None)
@given(histories())
def test_recommend_never_keeps_a_space_with_a_missed_target_unsaid(v: Vitals):
    found = recommend(v)
    missed = [check for check in targets(v) if check.missed]
    said = " ".join([found.summary, *(finding.reason for finding in found.findings)])
    if missed:
        assert found.verdict != KEEP
        for check in missed:
            # Named, or (for the rules that measure the same figure) its figure is the finding.
            assert check.name in said or f"{check.actual:g} %" in said
    if found.verdict == TOO_EARLY:
        assert "watch" in found.summary
