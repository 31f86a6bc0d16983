"""Analytics events (one append-only row per thing a person did) and the daily rollups that
the insights pages read, so that a 90-day view never scans the raw events."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class EventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "signed in"
    VIEWED = "viewed", "read a space or a post"
    JOINED = "joined", "joined a space"
    REQUESTED = "requested", "asked to join a space"
    LEFT = "left", "left a space"
    RULES_ACCEPTED = "rules_accepted", "accepted the ground rules"
    SPACE_CREATED = "space_created", "created a space"
    POSTED = "posted", "posted"
    COMMENTED = "commented", "commented"
    ANSWERED = "answered", "answered a question"
    ACCEPTED = "accepted", "accepted an answer"
    VOTED = "voted", "voted for an answer"
    REACTED = "reacted", "reacted"
    ACTIVITY_VIEWED = "activity_viewed", "viewed a learning activity"
    ACTIVITY_COMPLETED = "activity_completed", "completed a learning activity"
    ACTIVITY_SUBMITTED = "activity_submitted", "submitted work for an activity"
    FEEDBACK_GIVEN = "feedback_given", "gave feedback on a submission"
    POLL_ANSWERED = "poll_answered", "answered a poll"
    PULSE_ANSWERED = "pulse_answered", "answered the space's pulse question"
    SURVEY_ANSWERED = "survey_answered", "answered a named survey"


# The participation ladder: what makes a person a creator, a contributor, or (only) a reader.
CREATING_KINDS = frozenset({EventKind.POSTED})
CONTRIBUTING_KINDS = frozenset(
    {
        EventKind.COMMENTED,
        EventKind.ANSWERED,
        EventKind.ACCEPTED,
        EventKind.VOTED,
        EventKind.REACTED,
        EventKind.POLL_ANSWERED,
        EventKind.ACTIVITY_COMPLETED,
        EventKind.ACTIVITY_SUBMITTED,
        EventKind.FEEDBACK_GIVEN,
        EventKind.PULSE_ANSWERED,
        EventKind.SURVEY_ANSWERED,
    }
)
# Interactions between two people: what the connection figures count.
INTERACTION_KINDS = frozenset(
    {EventKind.COMMENTED, EventKind.ANSWERED, EventKind.REACTED, EventKind.VOTED}
)
# Not "doing something" in a space: asking to get in, being let in or added (a moderator's
# act, even when the event is the new member's), or going away.
NOT_ACTIVE_KINDS = frozenset({EventKind.REQUESTED, EventKind.JOINED, EventKind.LEFT})


class Event(models.Model):
    """Something a person did. Anonymous acts (an anonymous question, the asker's own comments
    in its thread) are stored without the person, department or level: they count as content
    of the space and are never attributed to anyone, not even through a breakdown."""

    time = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    # What kind of thing, where it matters: the post kind of a "posted" event.
    detail = models.CharField(max_length=16, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    space = models.ForeignKey("spaces.Space", null=True, on_delete=models.CASCADE, related_name="+")
    # The person's department and level when it happened, so later moves do not rewrite history.
    department_id = models.BigIntegerField(null=True)
    level_id = models.BigIntegerField(null=True)
    # For an interaction (comment, answer, reaction, vote): the department and level of the
    # person interacted with, when that person is known and is not the actor.
    other_department_id = models.BigIntegerField(null=True)
    other_level_id = models.BigIntegerField(null=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["space", "time"]),
            models.Index(fields=["kind", "time"]),
            models.Index(fields=["time"]),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.kind}"


class DailyActivity(models.Model):
    """One person's activity in one space on one day (in the organisation's time zone).
    `space` is null for what a person did outside any space (signing in)."""

    day = models.DateField()
    space = models.ForeignKey("spaces.Space", null=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department_id = models.BigIntegerField(null=True)
    level_id = models.BigIntegerField(null=True)
    actions = models.PositiveIntegerField(default=0)
    contributions = models.PositiveIntegerField(default=0)
    creations = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    # Answers to someone of another department: the "go-to colleagues".
    cross_answers = models.PositiveIntegerField(default=0)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["space", "day"]),
            models.Index(fields=["day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} space {self.space_id} person {self.person_id}"


class DailyCount(models.Model):
    """How many events of a kind (and detail) a space had on a day, anonymous ones included."""

    day = models.DateField()
    space = models.ForeignKey("spaces.Space", null=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    detail = models.CharField(max_length=16, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["space", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} space {self.space_id} {self.kind} {self.count}"


class DailyInteraction(models.Model):
    """One person's interactions on a day with people of a given department and level."""

    day = models.DateField()
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department_id = models.BigIntegerField(null=True)
    level_id = models.BigIntegerField(null=True)
    other_department_id = models.BigIntegerField(null=True)
    other_level_id = models.BigIntegerField(null=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["space", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} space {self.space_id} person {self.person_id} x{self.count}"


class DailyHidden(models.Model):
    """How many of the posts and comments made in a space on a day a moderator has hidden or
    removed since. Hiding can come any time after the day, so every rollup run counts them
    again for all days: one pass over the posts and comments in the rollup job, instead of one
    on every page."""

    day = models.DateField()
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["space", "day"])]

    def __str__(self) -> str:
        return f"{self.day} space {self.space_id} hidden {self.count}"


class ActivePeople(models.Model):
    """How many different people were active in a space (or, with no space, anywhere: in any
    space or signing in) over the `days` days that end on `day`, and how many of them were the
    space's active members when the rollup ran. Distinct people cannot be added up day by day,
    so the rollup job counts them for the windows the pages compare (see WINDOW_DAYS); a page
    would otherwise count them again from every person's every day."""

    day = models.DateField()
    days = models.PositiveSmallIntegerField()
    space = models.ForeignKey("spaces.Space", null=True, on_delete=models.CASCADE, related_name="+")
    people = models.PositiveIntegerField()
    members = models.PositiveIntegerField(default=0)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["day", "days"])]

    def __str__(self) -> str:
        return f"{self.day} {self.days} days space {self.space_id}: {self.people}"


# The windows (in days) that ActivePeople and SpaceWindow hold: each day (the organisation's
# people active per day), the presets' lengths (a period and the one before it) and the weekly
# and monthly figures. Windows are kept for the ends the presets read: the last
# WINDOW_DAYS[-1] days and today.
WINDOW_DAYS = (1, 7, 28, 90)


class SpaceWindow(models.Model):
    """A space's figures over the `days` days that end on `day` (one of WINDOW_DAYS), as the
    rollup job computed them, so that the organisation's page reads a row per space instead of
    every space's days, questions and reports: what was made and done by kind and detail
    (`counts`, [kind, detail, n] triples), the people active each day of the window
    (`daily_active`), the content made in it and hidden since, off-topic reports, and how its
    questions were answered (counted as of the run: pages say when). A space without a row had
    none of these. The row without a space is always written: it tells "nothing" from "not
    computed" (its figures are empty)."""

    day = models.DateField()
    days = models.PositiveSmallIntegerField()
    space = models.ForeignKey("spaces.Space", null=True, on_delete=models.CASCADE, related_name="+")
    counts = models.JSONField(default=list)
    daily_active = models.JSONField(default=list)
    hidden = models.PositiveIntegerField(default=0)
    off_topic_reports = models.PositiveIntegerField(default=0)
    questions_asked = models.PositiveIntegerField(default=0)
    questions_answered = models.PositiveIntegerField(default=0)
    questions_accepted = models.PositiveIntegerField(default=0)
    questions_waited_48h = models.PositiveIntegerField(default=0)
    questions_old_enough = models.PositiveIntegerField(default=0)
    questions_within_target = models.PositiveIntegerField(default=0)
    median_first_answer_hours = models.FloatField(null=True)
    median_accepted_hours = models.FloatField(null=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["day", "days", "space"])]

    def __str__(self) -> str:
        return f"{self.day} {self.days} days space {self.space_id}"


class SpaceTotals(models.Model):
    """A space's figures that belong to no period, as the rollup job last counted them: its
    active members (those who ever signed in, and learners: neither owner nor moderator), its
    released learning activities (not discussion prompts) and how many of them learners
    finished, and its latest visible post (not an announcement). Rewritten on every run."""

    space = models.OneToOneField(
        "spaces.Space", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    members = models.PositiveIntegerField(default=0)
    activated = models.PositiveIntegerField(default=0)
    learners = models.PositiveIntegerField(default=0)
    released_activities = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"totals of space {self.space_id}"


class RolledUpDay(models.Model):
    """Which days the rollups hold, and when they were computed: a day computed before it
    ended is computed again."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} at {self.computed_at:%Y-%m-%d %H:%M}"


class InsightSettings(models.Model):
    """What a space's owner switched on: the pulse question, and the health summary for members."""

    space = models.OneToOneField(
        "spaces.Space", on_delete=models.CASCADE, related_name="insight_settings"
    )
    pulse_enabled = models.BooleanField(default=False)
    health_visible_to_members = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"insight settings of space {self.space_id}"


PULSE_QUESTION = "Has this space helped you learn something you use at work?"


class PulseAnswer(models.Model):
    """A member's answer (1 to 5) to the pulse question. One per person per space: answering again
    replaces it. Only the average and the number of answers are ever shown."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["space", "person"], name="one_pulse_answer_per_person"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="pulse_score_1_to_5"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["space", "answered_at"])]

    def __str__(self) -> str:
        return f"pulse {self.score} in space {self.space_id}"
