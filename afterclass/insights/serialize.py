"""The insights as plain data: the API's answers (and the same figures as the pages)."""

from __future__ import annotations

from typing import Any

from afterclass.insights.metrics import SpaceInsights
from afterclass.insights.organisation import OrganisationInsights
from afterclass.insights.periods import Period
from afterclass.insights.privacy import Breakdown
from afterclass.insights.recommend import RULES, Recommendation
from afterclass.insights.vitals import Questions, Vitals


def period_data(period: Period) -> dict[str, Any]:
    return {
        "first": period.first,
        "last": period.last,
        "days": period.days,
        "previous_first": period.previous.first,
        "previous_last": period.previous.last,
    }


def recommendation_data(rec: Recommendation) -> dict[str, Any]:
    return {
        "verdict": rec.verdict,
        "label": rec.label,
        "summary": rec.summary,
        "findings": [
            {"verdict": f.verdict, "rule": f.rule, "reason": f.reason} for f in rec.findings
        ],
    }


def _questions(q: Questions) -> dict[str, Any]:
    return {
        "asked": q.asked,
        "answered": q.answered,
        "answer_rate": q.answer_rate,
        "accepted_rate": q.accepted_rate,
        "median_first_answer_hours": q.median_first_answer_hours,
        "median_accepted_hours": q.median_accepted_hours,
        "unanswered_48h_pct": q.unanswered_48h_pct,
        "within_target_pct": q.within_target_pct,
    }


def _breakdown(found: Breakdown) -> dict[str, Any]:
    return {
        "groups": [
            {"label": g.label, "people": g.people, "actions": g.value} for g in found.groups
        ],
        "withheld_people": found.withheld_people,
    }


def space_data(found: SpaceInsights) -> dict[str, Any]:
    v = found.vitals
    applied = {f.rule for f in found.recommendation.findings}
    return {
        "space": found.space.slug,
        "period": period_data(found.period),
        "recommendation": recommendation_data(found.recommendation),
        "rules": [
            {"verdict": rule.verdict, "text": rule.text, "applies": rule.text in applied}
            for rule in RULES
        ],
        "targets": [
            {"name": t.name, "target": t.target, "actual": t.actual, "status": t.status}
            for t in found.targets
        ],
        "adoption": {
            "members": v.members,
            "activated": v.activated,
            "activated_pct": v.activated_pct,
            "daily_active_avg": v.daily_active_avg,
            "active_7": v.active_7,
            "weekly_active_pct": v.weekly_active_pct,
            "active_28": v.active_28,
            "monthly_active_pct": v.monthly_active_pct,
            "active_period": v.active_period,
            "active_previous": v.active_previous,
            "engaged": found.engaged,
            "new_contributors": found.new_contributors,
            "ladder": {
                "inactive": found.ladder.inactive,
                "readers": found.ladder.readers,
                "contributors": found.ladder.contributors,
                "creators": found.ladder.creators,
            },
            "daily_active": [{"day": day, "count": n} for day, n in found.daily],
        },
        "purpose": {
            "intended": v.purpose_label,
            "on_purpose_pct": v.on_purpose_pct,
            "on_purpose_pct_previous": v.on_purpose_pct_previous,
            "by_kind": [
                {"kind": label, "count": now, "previous": before}
                for label, now, before in found.by_kind
            ],
            "completion_pct": v.completion_pct,
            "completion": [
                {
                    "unit": c.unit,
                    "activity": c.activity,
                    "done": c.done,
                    "learners": c.learners,
                    "pct": c.pct,
                }
                for c in found.completion
            ],
            "unit_completion": [
                {"unit": u.unit, "done": u.done, "possible": u.possible, "pct": u.pct}
                for u in found.unit_completion
            ],
            "hidden_pct": v.hidden_pct,
            "off_topic_reports": v.off_topic_reports,
        },
        "value": {
            "questions": _questions(v.questions),
            "questions_previous": _questions(v.questions_previous),
            "helped_per_post": found.helped_per_post,
            "pulse_enabled": found.pulse_enabled,
            "pulse_average": found.pulse_average,
            "pulse_answers": found.pulse_answers,
        },
        "connection": {
            "cross_department_pct": found.cross_department_pct,
            "cross_department_pct_previous": found.cross_department_pct_previous,
            "cross_level_pct": found.cross_level_pct,
            "cross_level_pct_previous": found.cross_level_pct_previous,
            "departments": _breakdown(found.departments),
            "levels": _breakdown(found.levels),
            "matrix": {
                "labels": found.matrix.labels,
                "values": found.matrix.values,
                "withheld": found.matrix.withheld,
            },
            "go_to": None
            if found.go_to is None
            else [
                {
                    "person_id": g.person.pk,
                    "name": g.person.display_name,
                    "cross_answers": g.cross_answers,
                }
                for g in found.go_to
            ],
        },
        "most_active": None
        if found.most_active is None
        else [
            {
                "person_id": m.person.pk,
                "name": m.person.display_name,
                "days": m.days,
                "contributions": m.contributions,
                "creations": m.creations,
            }
            for m in found.most_active
        ],
        "min_group": found.min_group,
    }


def health_data(v: Vitals) -> dict[str, Any]:
    return {
        "space": v.space.slug,
        "period": period_data(v.period),
        "members": v.members,
        "weekly_active_pct": v.weekly_active_pct,
        "posts": v.posts,
        "posts_previous": v.posts_previous,
        "answer_rate": v.questions.answer_rate,
    }


def organisation_data(found: OrganisationInsights) -> dict[str, Any]:
    return {
        "period": period_data(found.period),
        "people": found.people,
        "invited": found.invited,
        "activated": found.activated,
        "activated_pct": found.activated_pct,
        "active_7": found.active_7,
        "weekly_active_pct": found.weekly_active_pct,
        "active_period": found.active_period,
        "active_previous": found.active_previous,
        "daily_active": [{"day": day, "count": n} for day, n in found.daily_active],
        "spaces": [
            {
                "space": row.space.slug,
                "name": row.space.name,
                "status": row.space.status,
                "members": row.vitals.members,
                "activated_pct": row.vitals.activated_pct,
                "weekly_active_pct": row.vitals.weekly_active_pct,
                "active_period": row.vitals.active_period,
                "posts": row.vitals.posts,
                "posts_previous": row.vitals.posts_previous,
                "questions": row.vitals.questions.asked,
                "answer_rate": row.vitals.questions.answer_rate,
                "unanswered_48h_pct": row.vitals.questions.unanswered_48h_pct,
                "on_purpose_pct": row.vitals.on_purpose_pct,
                "completion_pct": row.vitals.completion_pct,
                "daily_active": row.vitals.daily_active,
                "recommendation": recommendation_data(row.recommendation),
            }
            for row in found.rows
        ],
        "look_first": [row.space.slug for row in found.look_first],
    }
