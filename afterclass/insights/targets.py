"""The plan's success targets checked against a space's figures: the targets table of the
insights page, which the recommendation must never contradict."""

from __future__ import annotations

from dataclasses import dataclass

from afterclass.insights.vitals import Vitals

CLOSE = 0.8  # within 80 % of a target counts as "close"

WEEKLY = "weekly"
ANSWERED = "answered"
COMPLETION = "completion"


@dataclass(frozen=True)
class TargetCheck:
    name: str
    target: float
    actual: float | None
    unit: str = "%"
    key: str = ""  # which figure: WEEKLY, ANSWERED or COMPLETION

    @property
    def status(self) -> str:
        if self.actual is None:
            return "no data"
        if self.actual >= self.target:
            return "met"
        if self.actual >= CLOSE * self.target:
            return "close"
        return "missed"

    @property
    def missed(self) -> bool:
        return self.status == "missed"


def targets(v: Vitals) -> list[TargetCheck]:
    """The plan's success targets against the figures (those the plan sets)."""
    space = v.space
    checks = []
    if space.target_weekly_active_pct is not None:
        checks.append(
            TargetCheck(
                "Members active weekly",
                space.target_weekly_active_pct,
                v.weekly_active_pct,
                key=WEEKLY,
            )
        )
    if space.target_answer_rate_pct is not None:
        hours = space.target_answer_hours or 24
        checks.append(
            TargetCheck(
                f"Questions answered within {hours} hours",
                space.target_answer_rate_pct,
                v.questions.within_target_pct,
                key=ANSWERED,
            )
        )
    if space.target_completion_pct is not None:
        checks.append(
            TargetCheck(
                "Activities completed",
                space.target_completion_pct,
                v.completion_pct,
                key=COMPLETION,
            )
        )
    return checks
