"""Surveys sent to an audience, who was invited and answered, the answers, and the "tell me at
launch" sign-ups of a space in planning.

Anonymity is a property of the tables: an anonymous survey's Response has no person, no time
finer than the day, and a random primary key, so neither its columns nor its order tie it to the
invitation whose `responded` flag was set in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class SurveyState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AudienceKind(models.TextChoices):
    EVERYONE = "everyone", "Everyone in the organisation"
    DEPARTMENTS = "departments", "Departments (with their teams)"
    LEVELS = "levels", "Management levels"
    SPACE_MEMBERS = "space_members", "The members of a space"
    PLANNED_AUDIENCE = "planned_audience", "The planned audience of a space in planning"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    SCALE = "scale", "Scale from 1 to 5"
    TEXT = "text", "Free text"


class Survey(models.Model):
    title = models.CharField(max_length=120)
    intro = models.TextField(max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.CharField(max_length=20, choices=AudienceKind.choices)
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    departments = models.ManyToManyField("people.Department", blank=True, related_name="+")
    levels = models.ManyToManyField("people.ManagementLevel", blank=True, related_name="+")
    anonymous = models.BooleanField(default=True)
    is_prelaunch = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=SurveyState.choices, default=SurveyState.DRAFT)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    # Counters the pages show, kept by the actions with F().
    invited_count = models.PositiveIntegerField(default=0)
    responded_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def response_rate(self) -> float | None:
        """Share of invited people who answered (None before anyone is invited)."""
        if not self.invited_count:
            return None
        return self.responded_count / self.invited_count

    @property
    def response_rate_pct(self) -> int | None:
        rate = self.response_rate
        return None if rate is None else round(rate * 100)

    @property
    def is_accepting(self) -> bool:
        now = timezone.now()
        return self.state == SurveyState.OPEN and self.opens_at <= now < self.closes_at

    @property
    def is_over(self) -> bool:
        return self.state == SurveyState.CLOSED or (
            self.state == SurveyState.OPEN and self.closes_at <= timezone.now()
        )


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    options = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["survey", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in {QuestionKind.SINGLE, QuestionKind.MULTIPLE}


class SurveyInvitation(models.Model):
    """Who was invited when the survey opened, and whether they answered: only a flag, never a
    link to the response or the time of answering."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    responded = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["survey", "person"], name="survey_invitation_once"),
        ]
        indexes: ClassVar = [models.Index(fields=["person", "survey"])]

    def __str__(self) -> str:
        return f"{self.person_id} invited to {self.survey_id}"


class Response(models.Model):
    """One person's answers, `{question id: value}`. For anonymous surveys `person` and
    `submitted_at` stay empty and `submitted_on` is only the day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answers = models.JSONField(default=dict)
    submitted_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=models.Q(person__isnull=False),
                name="survey_response_once",
            ),
        ]

    def __str__(self) -> str:
        return f"response to {self.survey_id}"


class SpaceInterest(models.Model):
    """ "I'm interested, tell me at launch" for a space in planning."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_interests"
    )
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="interests")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "space"], name="space_interest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} interested in {self.space_id}"
