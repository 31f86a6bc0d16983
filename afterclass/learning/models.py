"""Structured learning: sessions a space follows up, units of activities, and each learner's
progress, submissions and quick-check attempts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from afterclass.spaces.models import (
    Membership,
    MembershipState,
    can_moderate,
    is_signed_in,
    my_place,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person
    from afterclass.spaces.models import Space


class ActivityKind(models.TextChoices):
    READING = "reading", "Reading"
    DISCUSSION = "discussion", "Discussion prompt"
    TASK = "task", "Task"
    REFLECTION = "reflection", "Reflection"
    QUICK_CHECK = "quick_check", "Quick check"


class ProgressState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DONE = "done", "Done"
    SUBMITTED = "submitted", "Submitted"
    NEEDS_WORK = "needs_work", "Needs another look"
    COMPLETE = "complete", "Complete"


# A learner has finished their part of an activity in these states: nobody nudges them, and
# they count in completion rates. ("Needs another look" asks them for more.)
FINISHED_STATES = (ProgressState.DONE, ProgressState.SUBMITTED, ProgressState.COMPLETE)


class SubmissionState(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for feedback"
    NEEDS_WORK = "needs_work", "Needs another look"
    COMPLETE = "complete", "Complete"


class Session(models.Model):
    """A formal learning intervention (a workshop, a course day) that the space follows up."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    place = models.CharField(max_length=200, blank=True)
    link = models.URLField(max_length=500, blank=True)
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["starts_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["space", "starts_at"])]

    def __str__(self) -> str:
        return self.title


# Who may see a unit is decided here, next to the model, so that `Unit.objects.visible_to`
# reaches it without importing `learning.access` (which builds its loaders on these and
# re-exports them).


def is_facilitator(person: Person | AnonymousUser | None, space: Space) -> bool:
    """The space's owners and moderators, and organisation admins."""
    return can_moderate(person, space)


def is_learner(person: Person | AnonymousUser | None, space: Space) -> bool:
    return my_place(person, space).is_active_member


def units_visible_filter(
    person: Person | AnonymousUser | None, space: Space, now: datetime | None = None
) -> Q:
    """Units of `space` the person may see, as one Q: all for facilitators, released ones for
    learners, none for anyone else."""
    if not is_signed_in(person):
        return Q(pk__in=[])
    if is_facilitator(person, space):
        return Q(space=space)
    if is_learner(person, space):
        return Q(space=space, release_at__lte=now or timezone.now())
    return Q(pk__in=[])


def learner_units_filter(person: Person, now: datetime, prefix: str = "") -> Q:
    """Across spaces: released units of spaces where the person is an active member."""
    spaces = Membership.objects.filter(person=person, state=MembershipState.ACTIVE).values(
        "space_id"
    )
    return Q(**{f"{prefix}space_id__in": spaces, f"{prefix}release_at__lte": now})


class UnitQuerySet(models.QuerySet["Unit"]):
    def visible_to(
        self, person: Person | AnonymousUser | None, space: Space, now: datetime | None = None
    ) -> UnitQuerySet:
        """Units of `space` the person may see (`units_visible_filter`)."""
        return self.filter(units_visible_filter(person, space, now))


class Unit(models.Model):
    """An ordered group of activities, hidden from learners until `release_at`.

    Positions are unique per space; moves renumber in two statements (negated, then flipped)
    so that the constraint holds after every row on databases that check it row by row.
    """

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="units")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="units"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5000, blank=True)
    position = models.IntegerField()
    release_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    released_notified_at = models.DateTimeField(null=True, blank=True)
    due_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["space", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["space", "position"], name="unit_position_unique"),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(due_at__gt=F("release_at")),
                name="unit_due_after_release",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_released(self, now: datetime | None = None) -> bool:
        return self.release_at <= (now or timezone.now())


class Activity(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    title = models.CharField(max_length=200)
    instructions = models.TextField(max_length=20000, blank=True)
    instructions_html = models.TextField(blank=True)
    position = models.IntegerField()
    # A discussion prompt's thread in the space.
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reflections are private to their author and the facilitators unless shared with the group.
    shared_with_group = models.BooleanField(default=False)
    is_closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activities"
        ordering: ClassVar = ["unit", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "position"], name="activity_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class QuickCheckQuestion(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    options = models.JSONField(default=list)  # list of option texts
    correct = models.JSONField(default=list)  # indexes into options
    explanation = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering: ClassVar = ["activity", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["activity", "position"], name="question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Progress(models.Model):
    """One learner's state on one activity (discussion prompts are read from their comments)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=12, choices=ProgressState.choices, default=ProgressState.NOT_STARTED
    )
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "progress"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["activity", "person"], name="progress_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["person", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.activity_id}: {self.state}"


class Submission(models.Model):
    """A learner's answer to a task or a reflection; resubmitting replaces the text."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="submissions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=20000)
    state = models.CharField(
        max_length=12, choices=SubmissionState.choices, default=SubmissionState.SUBMITTED
    )
    feedback = models.TextField(max_length=10000, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["submitted_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["activity", "person"], name="submission_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.activity_id}"


class QuickCheckAttempt(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attempts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=list)  # per question, the chosen option indexes
    score = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.score}/{self.total}"
