"""Forms of the survey pages. They parse what a person typed; the rules live in the actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from afterclass.people.models import Department, ManagementLevel, Person
from afterclass.spaces.models import Membership, MembershipState, Role, Space
from afterclass.surveys.models import AudienceKind, Question, QuestionKind, Survey

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
EXTRA_QUESTION_ROWS = 3


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=120)
    intro = forms.CharField(
        label="Introduction",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the survey is for and how the answers will be used.",
    )
    audience = forms.ChoiceField(label="Who is asked", choices=AudienceKind.choices)
    space = forms.ModelChoiceField(
        queryset=Space.objects.none(),
        required=False,
        help_text="For a space's members or a planned space's audience.",
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.select_related("parent"), required=False
    )
    levels = forms.ModelMultipleChoiceField(queryset=ManagementLevel.objects.all(), required=False)
    anonymous = forms.BooleanField(
        required=False,
        initial=True,
        help_text="Nobody, admins included, can tell who gave which answer.",
    )
    opens_at = forms.DateTimeField(label="Opens", widget=DATETIME)
    closes_at = forms.DateTimeField(label="Closes", widget=DATETIME)

    def __init__(self, *args: Any, person: Person, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("audience", "space", "departments", "levels"):
                del self.fields[name]
            return
        space_field = cast("forms.ModelChoiceField[Space]", self.fields["space"])
        space_field.queryset = spaces_for_surveys(person)
        if not person.is_org_admin:
            audience = cast("forms.ChoiceField", self.fields["audience"])
            audience.choices = [
                (value, label)
                for value, label in AudienceKind.choices
                if value in {AudienceKind.SPACE_MEMBERS, AudienceKind.PLANNED_AUDIENCE}
            ]
            del self.fields["departments"]
            del self.fields["levels"]

    @staticmethod
    def initial_for(survey: Survey) -> dict[str, Any]:
        return {
            "title": survey.title,
            "intro": survey.intro,
            "anonymous": survey.anonymous,
            "opens_at": survey.opens_at,
            "closes_at": survey.closes_at,
        }


def spaces_for_surveys(person: Person) -> QuerySet[Space]:
    if person.is_org_admin:
        return Space.objects.all()
    owned = Membership.objects.filter(
        person=person, state=MembershipState.ACTIVE, role=Role.OWNER
    ).values("space_id")
    return Space.objects.filter(pk__in=owned)


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=300, required=False)
    kind = forms.ChoiceField(label="Kind of answer", choices=QuestionKind.choices)
    options = forms.CharField(
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For choice questions: 2 to 10 options, one per line.",
    )
    required = forms.BooleanField(label="An answer is required", required=False, initial=True)

    def spec(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("text", "").strip():
            return None
        return {
            "text": data["text"],
            "kind": data["kind"],
            "options": [line.strip() for line in data.get("options", "").splitlines()],
            "required": data.get("required", False),
        }


QuestionFormSet = forms.formset_factory(QuestionForm, extra=0, max_num=30, absolute_max=40)


def question_formset(
    data: Any = None, questions: list[Question] | None = None
) -> forms.BaseFormSet[QuestionForm]:
    """Rows for the existing questions plus a few empty ones (rows left empty are ignored)."""
    initial = [
        {
            "text": question.text,
            "kind": question.kind,
            "options": "\n".join(question.options),
            "required": question.required,
        }
        for question in questions or []
    ]
    initial += [{"kind": QuestionKind.SINGLE, "required": True}] * EXTRA_QUESTION_ROWS
    return QuestionFormSet(data, initial=initial, prefix="q")


def question_specs(formset: forms.BaseFormSet[QuestionForm]) -> list[dict[str, Any]]:
    specs = []
    for form in formset.forms:
        spec = form.spec() if form.is_valid() else None
        if spec is not None:
            specs.append(spec)
    return specs


def answers_from_post(questions: list[Question], data: Any) -> dict[str, Any]:
    """Read the answer page's fields `q<id>` into `{question id: value}` for the action."""
    answers: dict[str, Any] = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            answers[str(question.pk)] = data.getlist(name)
        else:
            answers[str(question.pk)] = data.get(name, "")
    return answers
