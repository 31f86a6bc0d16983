"""API schemas of insights: the same figures as the pages, as JSON."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from afterclass.core.api import InputSchema


class PeriodParams(Schema):
    period: str | None = Field(None, description="7, 28 or 90: the last so many days (28).")
    from_: str | None = Field(None, alias="from", description="First day, YYYY-MM-DD.")
    to: str | None = Field(None, description="Last day, YYYY-MM-DD.")


class OrganisationParams(PeriodParams):
    sort: str = Field("verdict", max_length=20, description="name, members, weekly, posts, …")


class PeriodOut(Schema):
    first: date
    last: date
    days: int
    previous_first: date
    previous_last: date


class FindingOut(Schema):
    verdict: str
    rule: str
    reason: str


class RecommendationOut(Schema):
    verdict: str
    label: str
    summary: str
    findings: list[FindingOut]


class RuleOut(Schema):
    verdict: str
    text: str
    applies: bool


class DayCount(Schema):
    day: date
    count: int


class AdoptionOut(Schema):
    members: int
    activated: int
    activated_pct: float | None
    daily_active_avg: float | None
    active_7: int
    weekly_active_pct: float | None
    active_28: int
    monthly_active_pct: float | None
    active_period: int
    active_previous: int
    engaged: int
    new_contributors: int
    ladder: dict[str, int]
    daily_active: list[DayCount]


class KindCount(Schema):
    kind: str
    count: int
    previous: int


class CompletionOut(Schema):
    unit: str
    activity: str
    done: int
    learners: int
    pct: float | None


class UnitCompletionOut(Schema):
    unit: str
    done: int
    possible: int
    pct: float | None


class PurposeOut(Schema):
    intended: str
    on_purpose_pct: float | None
    on_purpose_pct_previous: float | None
    by_kind: list[KindCount]
    completion_pct: float | None
    completion: list[CompletionOut]
    unit_completion: list[UnitCompletionOut]
    hidden_pct: float | None
    off_topic_reports: int


class QuestionsOut(Schema):
    asked: int
    answered: int
    answer_rate: float | None
    accepted_rate: float | None
    median_first_answer_hours: float | None
    median_accepted_hours: float | None
    unanswered_48h_pct: float | None
    within_target_pct: float | None


class ValueOut(Schema):
    questions: QuestionsOut
    questions_previous: QuestionsOut
    helped_per_post: float | None
    pulse_enabled: bool
    pulse_average: float | None
    pulse_answers: int


class GroupOut(Schema):
    label: str
    people: int
    actions: float


class BreakdownOut(Schema):
    groups: list[GroupOut]
    withheld_people: int


class MatrixOut(Schema):
    labels: list[str]
    values: list[list[int | None]]
    withheld: int


class GoToOut(Schema):
    person_id: int
    name: str
    cross_answers: int


class ConnectionOut(Schema):
    cross_department_pct: float | None
    cross_department_pct_previous: float | None
    cross_level_pct: float | None
    cross_level_pct_previous: float | None
    departments: BreakdownOut
    levels: BreakdownOut
    matrix: MatrixOut
    go_to: list[GoToOut] | None = Field(
        description="Only for the space's owners; null for everyone else."
    )


class MemberActivityOut(Schema):
    person_id: int
    name: str
    days: int
    contributions: int
    creations: int


class TargetOut(Schema):
    name: str
    target: float
    actual: float | None
    status: str


class SpaceInsightsOut(Schema):
    space: str
    period: PeriodOut
    recommendation: RecommendationOut
    rules: list[RuleOut]
    targets: list[TargetOut]
    adoption: AdoptionOut
    purpose: PurposeOut
    value: ValueOut
    connection: ConnectionOut
    most_active: list[MemberActivityOut] | None = Field(
        description="Only for the space's owners; null for everyone else."
    )
    min_group: int


class HealthOut(Schema):
    space: str
    period: PeriodOut
    members: int
    weekly_active_pct: float | None
    posts: int
    posts_previous: int
    answer_rate: float | None


class SpaceRowOut(Schema):
    space: str
    name: str
    status: str
    members: int
    activated_pct: float | None
    weekly_active_pct: float | None
    active_period: int
    posts: int
    posts_previous: int
    questions: int
    answer_rate: float | None
    unanswered_48h_pct: float | None
    on_purpose_pct: float | None
    completion_pct: float | None
    daily_active: list[int]
    recommendation: RecommendationOut


class OrganisationOut(Schema):
    period: PeriodOut
    people: int
    invited: int
    activated: int
    activated_pct: float | None
    active_7: int
    weekly_active_pct: float | None
    active_period: int
    active_previous: int
    daily_active: list[DayCount]
    spaces: list[SpaceRowOut]
    look_first: list[str]


class InsightSettingsIn(InputSchema):
    pulse_enabled: bool
    health_visible_to_members: bool


class InsightSettingsOut(Schema):
    pulse_enabled: bool
    health_visible_to_members: bool


class PulseIn(InputSchema):
    score: int = Field(description="1 (not at all) to 5 (a lot).")


class PulseOut(Schema):
    detail: str
