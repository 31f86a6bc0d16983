"""The demo's structured learning: the Excel & data skills follow-up runs three workshops, each
followed by a unit of activities, and its members have worked through them since.

Everything is made by the actions a trainer and the learners would use (sessions, units,
activities, readings marked done, comments on discussion prompts, submissions, feedback, quick
checks), so progress rows, events and audit entries agree. Only the timestamps are set
afterwards (the actions always say "now"), as demo.conversations does for posts, so insights and
the progress grid have a few weeks of history. Loaded once: a space that has units is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet

from afterclass.audit.models import AuditEntry
from afterclass.insights.models import Event
from afterclass.learning.actions import (
    QuestionIn,
    do_answer_quick_check,
    do_create_activity,
    do_create_session,
    do_create_unit,
    do_give_feedback,
    do_mark_done,
    do_submit,
    do_view_activity,
)
from afterclass.learning.models import (
    Activity,
    ActivityKind,
    Progress,
    QuickCheckAttempt,
    Session,
    Submission,
    Unit,
)
from afterclass.people.models import Person
from afterclass.posts.actions import do_comment
from afterclass.posts.models import Comment, Post
from afterclass.spaces.models import Membership, MembershipState, Role, Space, Status

SPACE_SLUG = "excel-data-skills-follow-up"
TRAINER = "Trainer"
TIME_ZONE = "Europe/London"

READING = ActivityKind.READING
DISCUSSION = ActivityKind.DISCUSSION
TASK = ActivityKind.TASK
REFLECTION = ActivityKind.REFLECTION
QUICK_CHECK = ActivityKind.QUICK_CHECK


@dataclass(frozen=True)
class SessionPlan:
    title: str
    description: str
    days_ago: int
    place: str = ""
    link: str = ""


@dataclass(frozen=True)
class ActivityPlan:
    kind: str
    title: str
    instructions: str
    questions: tuple[QuestionIn, ...] = ()
    shared_with_group: bool = False
    # What learners write: comments on a discussion prompt, answers to a task or reflection.
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitPlan:
    title: str
    description: str
    activities: tuple[ActivityPlan, ...]
    session: int | None = None  # index into SESSIONS: the unit is released after it
    release_in_days: int | None = None  # a unit without a session: released this far ahead
    due_after_days: int = 7  # due this many days after its release...
    due_in_days: int | None = None  # ...or at 17:00 this many days from now
    # Of the space's learners, about this share has started the unit.
    take_up: float = 0.8
    finish_rate: float = 0.7  # of those, about this share has done every activity


SESSIONS = (
    SessionPlan(
        "Workshop 1: lookups that don't break",
        "XLOOKUP and INDEX/MATCH on real-shaped data: exact matches, missing values and why "
        "VLOOKUP breaks when someone inserts a column.",
        days_ago=24,
        place="Training room 2, head office",
    ),
    SessionPlan(
        "Workshop 2: pivot tables for monthly reports",
        "From a flat export to a monthly summary in ten minutes: grouping dates, value fields "
        "as % of total, slicers, and refreshing when the data changes.",
        days_ago=17,
        place="Training room 2, head office",
    ),
    SessionPlan(
        "Workshop 3: cleaning messy data",
        "Trailing spaces, numbers stored as text, dates in three formats and duplicates: "
        "finding them, fixing them, and making the fix repeatable.",
        days_ago=5,
        link="https://meet.example.org/excel-workshop-3",
    ),
)

UNITS = (
    UnitPlan(
        "After workshop 1",
        "Practise lookups on the sample price list, then use one on a sheet of your own.",
        session=0,
        take_up=0.85,
        activities=(
            ActivityPlan(
                READING,
                "XLOOKUP in five minutes",
                "Read the one-page guide from the workshop pack (*Lookups*, page 3): the four "
                "arguments of `XLOOKUP`, and what `if_not_found` saves you from.\n\n"
                "Mark it done when you could explain to a colleague why `XLOOKUP` does not break "
                "when a column is inserted.",
            ),
            ActivityPlan(
                DISCUSSION,
                "Where would a lookup save you time?",
                "Tell us one sheet at work where you copy values across by hand today, and "
                "which lookup you will try on it. (Made-up examples only, no real data.)",
                answers=(
                    "Supplier statements: I match invoice numbers against the ledger by eye. "
                    "Going to try XLOOKUP with “not found” to list the missing ones.",
                    "Our weekly rota sheet pulls hours from the timesheet export. I retype "
                    "them now; an INDEX/MATCH on employee number should do it.",
                    "Stock counts against the system list. A lookup on the bin code would "
                    "show the differences straight away.",
                    "Complaint categories: I map free-text reasons to our 12 categories. A "
                    "small lookup table of keywords could do most of it.",
                    "Customer account managers on the sales report. Doing it with XLOOKUP from "
                    "now on!",
                ),
            ),
            ActivityPlan(
                QUICK_CHECK,
                "Check: lookups",
                "Three questions on what we covered. You can try again; your best score counts.",
                questions=(
                    QuestionIn(
                        "A VLOOKUP returns the wrong column after someone inserts a column into "
                        "the table. Why?",
                        [
                            "VLOOKUP counts columns by number, so the number now points elsewhere",
                            "VLOOKUP only works on sorted data",
                            "The workbook needs recalculating",
                        ],
                        [0],
                        "VLOOKUP's third argument is a column number. Inserting a column shifts "
                        "the data but not the number. XLOOKUP and INDEX/MATCH refer to the "
                        "return column itself.",
                    ),
                    QuestionIn(
                        "What does XLOOKUP return when nothing matches and `if_not_found` is "
                        "left out?",
                        ["0", "An empty cell", "#N/A"],
                        [2],
                        "Without `if_not_found` a missing value gives #N/A; give a text such as "
                        '"not listed" to make gaps obvious without an error.',
                    ),
                    QuestionIn(
                        "Which of these look up a price by product code exactly? (Choose all "
                        "that do.)",
                        [
                            "=XLOOKUP(A2, Codes, Prices)",
                            "=INDEX(Prices, MATCH(A2, Codes, 0))",
                            "=VLOOKUP(A2, Table, 2, TRUE)",
                        ],
                        [0, 1],
                        "XLOOKUP matches exactly by default and MATCH with 0 does too. VLOOKUP "
                        "with TRUE looks for an approximate match and quietly returns a wrong "
                        "price when the codes are not sorted.",
                    ),
                ),
            ),
            ActivityPlan(
                TASK,
                "Add prices to the order list",
                "Open *orders-sample.xlsx* from the workshop pack. Add a column with each "
                "order line's unit price from the *Prices* sheet, showing “not listed” for "
                "codes that are missing. Paste your formula and one sentence on how you "
                "checked it.",
                answers=(
                    '=XLOOKUP(B2, Prices[Code], Prices[Price], "not listed"). I checked three '
                    "rows by hand and filtered for “not listed”: two codes are missing.",
                    "=VLOOKUP(B2, Prices!A:C, 3, TRUE). All rows have a price now.",
                    "I used =INDEX(Prices!C:C, MATCH(B2, Prices!A:A, 0)) and wrapped it in "
                    'IFERROR(…, "not listed"). Sorted by price to spot anything odd.',
                    '=XLOOKUP(B2,Prices!A:A,Prices!C:C,"not listed") — it found 412 prices and '
                    "3 codes that are not on the list. Compared the total with last month's.",
                    'XLOOKUP with "not listed", then a COUNTIF on "not listed" at the top so I '
                    "can see at a glance if any codes are missing.",
                ),
            ),
        ),
    ),
    UnitPlan(
        "After workshop 2",
        "Build the monthly summary with a pivot table, then tell us what changed in how you "
        "report.",
        session=1,
        take_up=0.75,
        finish_rate=0.6,
        activities=(
            ActivityPlan(
                READING,
                "Pivot tables cheat sheet",
                "Go through the *Pivot tables cheat sheet* (pinned in the space's resources): "
                "grouping dates, *Show values as*, and *Refresh all*. Mark it done when you "
                "have tried grouping an order date by month.",
            ),
            ActivityPlan(
                TASK,
                "Monthly sales by region",
                "From *sales-export.xlsx*, build a pivot table of sales by region and month, "
                "with each region's share of the month as a percentage. Describe the steps "
                "you took and one thing the table shows that the raw export did not.",
                answers=(
                    "Inserted a pivot from the table, Region in rows, Order date grouped by "
                    "month in columns, Sales twice: once as sum, once as % of column total. "
                    "The North's share drops every August.",
                    "Rows: Region. Columns: Month (grouped). Values: Sum of sales, shown as % of "
                    "column total. The South is a third of sales but only a fifth in January.",
                    "I made the pivot and added a slicer for product group. Hard to say what it "
                    "shows yet, the percentages look odd for March.",
                    "Pivot with regions and months, value as % of grand total at first, then "
                    "changed to % of column total as in the workshop. Online sales overtook the "
                    "East in May.",
                ),
            ),
            ActivityPlan(
                REFLECTION,
                "What will you report differently?",
                "A few lines, just for you and the trainer: which report will you build with a "
                "pivot table, and what will you stop doing by hand?",
                answers=(
                    "The monthly credit report. I will stop copying totals from six filters "
                    "into a summary sheet.",
                    "Our returns summary. I spend most of a Monday on it; a refreshable pivot "
                    "should take that to half an hour.",
                    "Honestly not sure yet: most of my reports come from the system already. "
                    "Maybe the weekly transport costs.",
                    "The quality dashboard. I will stop rebuilding it each month and just "
                    "refresh it.",
                ),
            ),
        ),
    ),
    UnitPlan(
        "After workshop 3",
        "Clean the sample customer list and share what you found. Due at the end of the week.",
        session=2,
        due_in_days=3,  # "due soon" in My learning
        take_up=0.6,
        finish_rate=0.4,
        activities=(
            ActivityPlan(
                READING,
                "The data-cleaning checklist",
                "Read the one-page checklist from the workshop: TRIM and CLEAN, numbers "
                "stored as text, dates, duplicates, and keeping the raw data untouched.",
            ),
            ActivityPlan(
                DISCUSSION,
                "The messiest data you have met",
                "Describe (with made-up values) the worst data problem you have had to fix, "
                "and how you would fix it now.",
                answers=(
                    "Dates as 03/04/24 from one system and 2024-04-03 from another in the same "
                    "column. DATEVALUE on the text ones and a check column now.",
                    "Product codes with trailing spaces so nothing matched. TRIM in a helper "
                    "column, then paste as values.",
                    "A supplier list with the same company under four spellings. Remove "
                    "duplicates did not catch it; a cleaned-up name column would.",
                ),
            ),
            ActivityPlan(
                REFLECTION,
                "One fix you will make repeatable",
                "Share with the group: which cleaning step will you turn into something you "
                "can run again next month (a helper column, a saved query, a checklist)?",
                shared_with_group=True,
                answers=(
                    "A helper column with TRIM(CLEAN()) on every import, then a COUNTIF check "
                    "for duplicates before I send anything on.",
                    "I will save the import as a Power Query so the date fix runs itself.",
                    "A short checklist taped to my screen: spaces, text numbers, dates, dupes.",
                ),
            ),
            ActivityPlan(
                QUICK_CHECK,
                "Check: cleaning data",
                "Two questions. Read the explanations even when you get them right.",
                questions=(
                    QuestionIn(
                        "A column of numbers will not add up and the values sit on the left of "
                        "their cells. What is the likely cause?",
                        [
                            "They are numbers stored as text",
                            "The column is too narrow",
                            "Calculation is set to manual",
                        ],
                        [0],
                        "Numbers stored as text align left and SUM ignores them. Convert them "
                        "with VALUE, Text to Columns or the warning triangle's *Convert to "
                        "number*.",
                    ),
                    QuestionIn(
                        "Where should you make your cleaning changes?",
                        [
                            "Straight in the raw export, to save space",
                            "In a copy or in helper columns, keeping the raw data as it came",
                        ],
                        [1],
                        "Keeping the raw data untouched means you can check a fix and run it "
                        "again next month on the new export.",
                    ),
                ),
            ),
        ),
    ),
    UnitPlan(
        "Putting it together: your own report",
        "Bring one real report (made anonymous) and rebuild it with lookups, a pivot table "
        "and a cleaning step.",
        release_in_days=6,
        due_after_days=14,
        take_up=0,
        activities=(
            ActivityPlan(
                READING,
                "Before you start: making a safe copy",
                "How to make an anonymous copy of a real report: replace names and account "
                "numbers with made-up ones, keep the shape of the data.",
            ),
            ActivityPlan(
                TASK,
                "Rebuild one of your reports",
                "Rebuild a report you produce regularly using at least two techniques from "
                "the course. Describe what you changed and how long it takes now.",
            ),
        ),
    ),
)

COMPLETE_FEEDBACK = (
    "Nicely done, and checking a few rows by hand is exactly the habit to keep.",
    "Spot on. The “not listed” count at the top is a great touch; I may borrow it.",
    "That's it. Next time try naming the ranges: the formula reads like a sentence.",
    "Good work, and a clear description of the steps. Complete.",
    "Exactly what I was after. The observation about the trend is the real point of the task.",
)
APPROXIMATE = "TRUE)"  # the task answer with an approximate match
NEEDS_MORE_FEEDBACK = (
    "A good start. Could you add the steps you took and one thing you checked, so I can see "
    "how you got there? Then submit again."
)
NEEDS_WORK_FEEDBACK = (
    "Close! The TRUE at the end asks for an approximate match, so unsorted codes can pick up a "
    "neighbour's price. Change it to FALSE (or use XLOOKUP) and check how many codes are really "
    "missing, then submit again."
)


def load_learning(*, seed: int, now: datetime) -> int:
    """Give the Excel follow-up space its sessions, units and progress once; returns how many
    discussion threads were opened (they are posts of the space)."""
    space = Space.objects.filter(slug=SPACE_SLUG, status=Status.LAUNCHED).first()
    if space is None or Unit.objects.filter(space=space).exists():
        return 0
    trainer = (
        Membership.objects.filter(
            space=space,
            state=MembershipState.ACTIVE,
            role=Role.MODERATOR,
            person__job_title=TRAINER,
        )
        .select_related("person")
        .first()
    )
    if trainer is None:
        return 0
    rng = random.Random(f"{seed}:{SPACE_SLUG}:learning")  # noqa: S311 - demo data
    return LearningWriter(space, trainer.person, rng, now=now).write()


def _last_pk(queryset: QuerySet[Event] | QuerySet[AuditEntry]) -> int:
    return int(queryset.aggregate(last=Max("pk"))["last"] or 0)


class LearningWriter:
    def __init__(self, space: Space, trainer: Person, rng: random.Random, *, now: datetime) -> None:
        self.space = space
        self.trainer = trainer
        self.rng = rng
        self.now = now
        self.until = now - timedelta(minutes=10)
        self.zone = ZoneInfo(TIME_ZONE)
        # Ordinary members who have accepted the rules can take part; most of them do.
        self.learners = [
            membership.person
            for membership in Membership.objects.filter(
                space=space,
                state=MembershipState.ACTIVE,
                role=Role.MEMBER,
                rules_version_accepted__gte=space.rules_version,
            )
            .select_related("person")
            .order_by("person__email")
        ]
        self.event_mark = _last_pk(Event.objects.all())
        self.audit_mark = _last_pk(AuditEntry.objects.all())
        self.posts = 0
        self.waiting: list[tuple[Submission, datetime]] = []  # tasks for the trainer to review

    # --- Time -----------------------------------------------------------------------------

    def stamp(self, when: datetime) -> None:
        """Date the events and audit entries recorded since the last stamp."""
        Event.objects.filter(pk__gt=self.event_mark).update(time=when)
        AuditEntry._base_manager.filter(pk__gt=self.audit_mark).update(time=when)
        self.event_mark = _last_pk(Event.objects.all())
        self.audit_mark = _last_pk(AuditEntry.objects.all())

    def local(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """A wall-clock time in London `days_ago` days before now."""
        day = (self.now - timedelta(days=days_ago)).astimezone(self.zone).date()
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def office_hours(self, moment: datetime) -> datetime:
        """The trainer works days: a moment in the evening or night moves to the next morning."""
        local = moment.astimezone(self.zone)
        if 9 <= local.hour < 18:
            return moment
        day = local.date() + timedelta(days=1 if local.hour >= 18 else 0)
        morning = datetime.combine(day, time(9, self.rng.randint(0, 59)), tzinfo=self.zone)
        return min(morning, self.until)

    def later(self, after: datetime, *, most_hours: float, least_hours: float = 0.2) -> datetime:
        return min(after + timedelta(hours=self.rng.uniform(least_hours, most_hours)), self.until)

    # --- Writing ----------------------------------------------------------------------------

    def write(self) -> int:
        sessions = [self.session(plan) for plan in SESSIONS]
        built = [(plan, self.unit(plan, sessions)) for plan in UNITS]
        for plan, (unit, activities) in built:
            if unit.is_released(self.now):
                self.progress(plan, unit, activities)
        self.feedback()
        for _, (_, activities) in built:
            for activity in activities:
                if activity.post_id is not None:
                    self.date_thread(activity.post_id)
        return self.posts

    def date_thread(self, post_id: int) -> None:
        """A prompt's thread was last active at its latest comment."""
        last = Comment.objects.filter(post_id=post_id).aggregate(last=Max("created_at"))["last"]
        if last is not None:
            Post.objects.filter(pk=post_id).update(last_activity_at=last)

    def session(self, plan: SessionPlan) -> Session:
        starts = self.local(plan.days_ago, 9, 30)
        session = do_create_session(
            self.space,
            actor=self.trainer,
            facilitator_ids=[self.trainer.pk],
            title=plan.title,
            description=plan.description,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            time_zone=TIME_ZONE,
            place=plan.place,
            link=plan.link,
        )
        planned = starts - timedelta(days=21)
        Session.objects.filter(pk=session.pk).update(created_at=planned)
        self.stamp(planned)
        return session

    def unit(self, plan: UnitPlan, sessions: list[Session]) -> tuple[Unit, list[Activity]]:
        session = sessions[plan.session] if plan.session is not None else None
        if session is not None:
            release = session.ends_at + timedelta(hours=2)  # the afternoon of the workshop
        else:
            release = self.local(-(plan.release_in_days or 7), 9)
        if plan.due_in_days is not None:
            due = self.local(-plan.due_in_days, 17)
        else:
            due = release + timedelta(days=plan.due_after_days)
        # Written the day before its release.
        written = min(release - timedelta(days=1), self.until)
        unit = do_create_unit(
            self.space,
            actor=self.trainer,
            title=plan.title,
            description=plan.description,
            release_at=release,
            due_at=due,
            session=session,
        )
        activities = []
        for activity_plan in plan.activities:
            activity = do_create_activity(
                unit,
                actor=self.trainer,
                kind=activity_plan.kind,
                title=activity_plan.title,
                instructions=activity_plan.instructions,
                shared_with_group=activity_plan.shared_with_group,
                questions=list(activity_plan.questions) or None,
            )
            if activity.post_id is not None:
                # The prompt's thread opens when the unit is released.
                opened = min(release, self.until)
                Post.objects.filter(pk=activity.post_id).update(
                    created_at=opened, last_activity_at=opened
                )
                self.posts += 1
            activities.append(activity)
        Activity.objects.filter(unit=unit).update(created_at=written)
        # Released units were announced at release; history is not news for the reminders job.
        released_notified_at = release if release <= self.now else None
        Unit.objects.filter(pk=unit.pk).update(
            created_at=written, released_notified_at=released_notified_at
        )
        self.stamp(written)
        return unit, activities

    def progress(self, plan: UnitPlan, unit: Unit, activities: list[Activity]) -> None:
        """Some learners start the unit; each goes through its activities in order and some
        stop along the way."""
        count = round(len(self.learners) * plan.take_up)
        people = self.rng.sample(self.learners, min(count, len(self.learners)))
        answers = {activity.pk: list(plan_activity.answers) for activity, plan_activity in
                   zip(activities, plan.activities, strict=True)}  # fmt: skip
        for person in people:
            when = self.later(unit.release_at, most_hours=72, least_hours=1)
            # Most who start a unit finish it; the others stop part of the way through.
            finished = self.rng.random() < plan.finish_rate
            reach = len(activities) if finished else self.rng.randint(1, len(activities) - 1)
            for activity in activities[:reach]:
                if when >= self.until:
                    break  # not got to it yet
                do_view_activity(activity, actor=person)
                self.stamp(when)
                when = self.later(when, most_hours=0.5, least_hours=0.05)
                self.take_part(activity, person, when, answers[activity.pk])
                when = self.later(when, most_hours=30)

    def take_part(
        self, activity: Activity, person: Person, when: datetime, answers: list[str]
    ) -> None:
        if activity.kind == READING:
            do_mark_done(activity, actor=person)
            self.date_progress(activity, person, when)
        elif activity.kind == DISCUSSION:
            # A few say something; the others read the thread.
            if answers and activity.post is not None and self.rng.random() < 0.85:
                comment = do_comment(activity.post, actor=person, body=answers.pop(0))
                Comment.objects.filter(pk=comment.pk).update(created_at=when)
                self.stamp(when)
        elif activity.kind in (TASK, REFLECTION):
            if not answers:
                return  # did not write anything yet
            submission = do_submit(activity, actor=person, text=answers.pop(0))
            Submission.objects.filter(pk=submission.pk).update(submitted_at=when)
            self.date_progress(activity, person, when)
            if activity.kind == TASK:
                submission.submitted_at = when
                self.waiting.append((submission, when))
        elif activity.kind == QUICK_CHECK:
            skill = self.rng.uniform(0.45, 0.95)
            self.answer_check(activity, person, when, skill)
            best = Progress.objects.get(activity=activity, person=person).best_score or 0
            if best < activity.questions.count() and self.rng.random() < 0.5:
                self.answer_check(activity, person, self.later(when, most_hours=24), skill + 0.3)

    def answer_check(
        self, activity: Activity, person: Person, when: datetime, skill: float
    ) -> None:
        answers: dict[int, list[int]] = {}
        for question in activity.questions.all():
            if self.rng.random() < skill:
                answers[question.pk] = list(question.correct)
            else:
                wrong = [i for i in range(len(question.options)) if i not in question.correct]
                answers[question.pk] = [self.rng.choice(wrong)]
        do_answer_quick_check(activity, actor=person, answers=answers)
        attempt = QuickCheckAttempt.objects.filter(activity=activity, person=person).last()
        if attempt is not None:
            QuickCheckAttempt.objects.filter(pk=attempt.pk).update(created_at=when)
        self.date_progress(activity, person, when)

    def date_progress(self, activity: Activity, person: Person, when: datetime) -> None:
        Progress.objects.filter(activity=activity, person=person).update(updated_at=when)
        self.stamp(when)

    def feedback(self) -> None:
        """The trainer reviews tasks a day or two after they come in: one needs another look,
        the rest are complete, except the newest, still waiting in the review queue."""
        waiting = sorted(self.waiting, key=lambda pair: pair[1])
        reviewed = [
            (submission, when)
            for submission, when in waiting[:-1]
            if when < self.until - timedelta(days=2)
        ]
        if not reviewed:
            return
        # The approximate-match answer is the one that needs another look, when someone gave it.
        approximate = [s for s, _ in reviewed if APPROXIMATE in s.text]
        needs_work = approximate[0] if approximate else self.rng.choice(reviewed)[0]
        for submission, when in reviewed:
            at = self.office_hours(self.later(when, most_hours=40, least_hours=2))
            complete = submission.pk != needs_work.pk
            if complete:
                text = self.rng.choice(COMPLETE_FEEDBACK)
            else:
                text = NEEDS_WORK_FEEDBACK if approximate else NEEDS_MORE_FEEDBACK
            do_give_feedback(submission, actor=self.trainer, feedback=text, complete=complete)
            Submission.objects.filter(pk=submission.pk).update(feedback_at=at)
            self.date_progress(submission.activity, submission.person, at)
