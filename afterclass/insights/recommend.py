"""The recommendation: keep, improve (saying what), scale down / archive, or too early to judge —
from explicit rules that the page writes out, so a person can check them against the figures.
It never contradicts the targets table: every missed target of the plan is a finding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from afterclass.insights.targets import COMPLETION, WEEKLY, TargetCheck, targets
from afterclass.insights.vitals import Vitals
from afterclass.spaces.models import Mode, Status

KEEP = "keep"
IMPROVE = "improve"
SCALE_DOWN = "scale_down"
NOT_LAUNCHED = "not_launched"
ARCHIVED = "archived"
TOO_EARLY = "too_early"
VERDICTS = {
    TOO_EARLY: "Too early to judge",
    KEEP: "Keep",
    IMPROVE: "Improve",
    SCALE_DOWN: "Scale down or archive",
    NOT_LAUNCHED: "Not launched yet",
    ARCHIVED: "Archived",
}

DORMANT_WEEKS = 6
DORMANT_WEEKLY_PCT = 10
UNANSWERED_PCT = 30
MIN_QUESTIONS = 3
LOW_WEEKLY_PCT = 20
ACTIVATED_PCT = 80
ON_PURPOSE_PCT = 50
MIN_ACTIVITY = 10
COMPLETION_PCT = 50
HIDDEN_PCT = 10
JUDGE_AFTER_DAYS = 14  # a space is judged from two weeks after its launch
MIN_MEMBERS = 3  # with fewer members, a share of them measures one or two people


@dataclass(frozen=True)
class Rule:
    verdict: str
    text: str  # the rule as written on the page
    check: Callable[[Vitals], str | None]  # the finding, with the figures, when the rule applies


@dataclass(frozen=True)
class Finding:
    verdict: str
    rule: str
    reason: str


@dataclass(frozen=True)
class Recommendation:
    verdict: str
    findings: list[Finding]
    # Too early to judge: why, and what to watch meanwhile (sentences for the page).
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def summary(self) -> str:
        if self.verdict == TOO_EARLY:
            return " ".join(self.notes)
        if self.verdict == ARCHIVED:
            return "It is archived: read-only, nothing to recommend."
        if self.verdict == NOT_LAUNCHED:
            return "It is not launched yet: there is nothing to judge."
        if not self.findings:
            return "It is used, for its purpose, and its questions get answered: keep it."
        return self.findings[0].reason


def _pct(value: float | None) -> str:
    return "no" if value is None else f"{value:g} %"


def _dormant(v: Vitals) -> str | None:
    days = v.days_since_last_post
    quiet = days is None or days >= DORMANT_WEEKS * 7
    weekly = v.weekly_active_pct or 0
    if quiet and weekly < DORMANT_WEEKLY_PCT:
        since = "no post yet" if days is None else f"no post in {days // 7} weeks"
        return f"{since}, {_pct(weekly)} of members active weekly — archive it or relaunch it"
    return None


def _unanswered(v: Vitals) -> str | None:
    share = v.questions.unanswered_48h_pct
    if v.questions.old_enough >= MIN_QUESTIONS and share is not None and share >= UNANSWERED_PCT:
        return (
            f"{share:g} % of questions got no answer within 48 hours — assign answerers or add"
            " a moderator"
        )
    return None


def _weekly(v: Vitals) -> str | None:
    target = v.space.target_weekly_active_pct or LOW_WEEKLY_PCT
    weekly = v.weekly_active_pct
    if v.members and weekly is not None and weekly < target:
        return (
            f"only {weekly:g} % of members were active in the last week (aim: {target} %) —"
            " remind members what the space is for and invite its audience"
        )
    return None


def _activated(v: Vitals) -> str | None:
    share = v.activated_pct
    if share is not None and share < ACTIVATED_PCT:
        return (
            f"only {share:g} % of members have ever signed in (aim: {ACTIVATED_PCT} %) — send"
            " the launch announcement again"
        )
    return None


def _purpose(v: Vitals) -> str | None:
    _on, total = v.on_purpose
    share = v.on_purpose_pct
    if total >= MIN_ACTIVITY and share is not None and share < ON_PURPOSE_PCT:
        return (
            f"only {share:g} % of activity is {v.purpose_label} — restate the purpose in the"
            " ground rules, or change the space's template"
        )
    return None


def _completion(v: Vitals) -> str | None:
    if v.space.mode != Mode.STRUCTURED or not v.released_activities or not v.learners:
        return None
    target = v.space.target_completion_pct or COMPLETION_PCT
    share = v.completion_pct
    if share is not None and share < target:
        return (
            f"learners completed {share:g} % of released activities (aim: {target} %) — nudge"
            " those behind, or shorten the units"
        )
    return None


def _hidden(v: Vitals) -> str | None:
    share = v.hidden_pct
    if v.content_created >= MIN_ACTIVITY and share is not None and share >= HIDDEN_PCT:
        return (
            f"{share:g} % of what was written was hidden by moderators — discuss the ground"
            " rules with the members"
        )
    return None


def _targets_table(v: Vitals) -> str | None:
    # Applied with the targets table in `recommend`, one finding per missed target.
    return None


TARGET_RULE = Rule(
    IMPROVE,
    "Improve: a success target of the plan is missed (below 80 % of it).",
    _targets_table,
)

RULES = (
    Rule(
        SCALE_DOWN,
        f"Scale down or archive: a launched space with no post in {DORMANT_WEEKS} weeks and"
        f" fewer than {DORMANT_WEEKLY_PCT} % of members active weekly.",
        _dormant,
    ),
    Rule(
        IMPROVE,
        f"Improve: {UNANSWERED_PCT} % or more of the questions (at least {MIN_QUESTIONS}, asked"
        " more than 48 hours ago) got no answer within 48 hours.",
        _unanswered,
    ),
    Rule(
        IMPROVE,
        "Improve: members active in the last week below the space's target (or below"
        f" {LOW_WEEKLY_PCT} % when it has none).",
        _weekly,
    ),
    Rule(
        IMPROVE,
        f"Improve: fewer than {ACTIVATED_PCT} % of members have ever signed in.",
        _activated,
    ),
    Rule(
        IMPROVE,
        f"Improve: less than {ON_PURPOSE_PCT} % of what people made or did (at least"
        f" {MIN_ACTIVITY} things) is of the kinds the space is for.",
        _purpose,
    ),
    Rule(
        IMPROVE,
        "Improve (structured spaces): completion of released activities below the target (or"
        f" {COMPLETION_PCT} %).",
        _completion,
    ),
    Rule(
        IMPROVE,
        f"Improve: {HIDDEN_PCT} % or more of posts and comments (at least {MIN_ACTIVITY}) hidden"
        " or removed by moderators.",
        _hidden,
    ),
    TARGET_RULE,
)


TOO_EARLY_RULE = (
    f"Too early to judge: launched less than {JUDGE_AFTER_DAYS} days ago, or fewer than"
    f" {MIN_MEMBERS} members — too few to measure."
)
# A rule that already names the figure of a target, so a missed target is not said twice.
COVERS = {_weekly: WEEKLY, _completion: COMPLETION}


def _missed_target(check: TargetCheck) -> str:
    return (
        f"the plan's target “{check.name}” is missed: {check.actual:g} {check.unit} against"
        f" {check.target:g} {check.unit}"
    )


def _too_early(v: Vitals, missed: list[TargetCheck]) -> list[str] | None:
    """Why it is too early to judge and what to watch meanwhile; None when it can be judged."""
    launched = v.space.launched_at
    until: datetime = min(timezone.now(), v.period.end)
    notes: list[str] = []
    if launched is not None and (until - launched).days < JUDGE_AFTER_DAYS:
        days = max(0, (until - launched).days)
        judge_on = timezone.localdate(launched + timedelta(days=JUDGE_AFTER_DAYS))
        ago = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
        notes.append(
            f"It launched {ago}: too early to judge before {judge_on:%d %B}"
            f" ({JUDGE_AFTER_DAYS} days after"
            " launch). Meanwhile watch how many members sign in and come back, and whether the"
            " first questions get answered."
        )
    elif v.members < MIN_MEMBERS:
        notes.append(
            f"It has {v.members} member{'s' if v.members != 1 else ''}: too little activity to"
            " measure, as every share would be one or two people. Meanwhile watch whether its"
            " audience joins: invite them, or announce it again."
        )
    if not notes:
        return None
    if missed:
        names = ", ".join(f"“{check.name}”" for check in missed)
        notes.append(
            f"The targets table already shows {names} missed; this early, that is not a verdict"
            " yet, but it is the first thing to watch."
        )
    return notes


def recommend(v: Vitals) -> Recommendation:
    """Apply every rule; the strongest verdict wins (scale down, then improve, then keep).
    Spaces that are not launched (in planning, or archived) are not judged, nor those launched
    less than two weeks ago or with too few members to measure ("too early", saying which and
    what to watch). Every missed target of the plan is a finding, so "keep" never stands next
    to a missed target."""
    if v.space.status == Status.ARCHIVED:
        return Recommendation(ARCHIVED, [])
    if v.space.status != Status.LAUNCHED:
        return Recommendation(NOT_LAUNCHED, [])
    missed = [check for check in targets(v) if check.missed]
    early = _too_early(v, missed)
    if early is not None:
        return Recommendation(TOO_EARLY, [], early)
    findings: list[Finding] = []
    covered: set[str] = set()
    for rule in RULES:
        reason = rule.check(v)
        if reason is not None:
            findings.append(Finding(rule.verdict, rule.text, reason))
            if rule.check in COVERS:
                covered.add(COVERS[rule.check])
    findings.extend(
        Finding(TARGET_RULE.verdict, TARGET_RULE.text, _missed_target(check))
        for check in missed
        if check.key not in covered
    )
    if any(finding.verdict == SCALE_DOWN for finding in findings):
        return Recommendation(SCALE_DOWN, findings)
    return Recommendation(IMPROVE if findings else KEEP, findings)
