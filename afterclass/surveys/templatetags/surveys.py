"""Template tags of the survey pages and of a planning space's home page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string

from afterclass.spaces.models import Status
from afterclass.surveys.models import Question
from afterclass.surveys.queries import interested_count, prelaunch_survey, survey_results

register = template.Library()


@register.simple_tag
def answer_value(given: Mapping[str, Any], question: Question) -> Any:
    """What the person typed or chose, to show it again when the form comes back with an error."""
    value = given.get(str(question.pk)) if given else None
    return value if value is not None else ([] if question.kind == "multiple" else "")


@register.simple_tag(takes_context=True)
def space_plan_panel(context: template.Context) -> str:
    """For the owners of a space in planning: its pre-launch survey's results and how many
    people signed up to hear about the launch. Nothing for anyone else."""
    space = context.get("space")
    if space is None or space.status != Status.PLANNING or not context.get("can_manage"):
        return ""
    survey = prelaunch_survey(space)
    results = survey_results(survey) if survey is not None and survey.responded_count else None
    panel = {
        "space": space,
        "survey": survey,
        "results": results,
        "interested": interested_count(space),
    }
    request = context.get("request")
    # render_to_string gives a SafeString: the panel is not escaped a second time.
    return render_to_string("surveys/_space_plan_panel.html", panel, request=request)
