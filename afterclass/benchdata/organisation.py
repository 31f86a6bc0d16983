"""The organisation of a benchmark data set: management levels, a department tree, people, and
spaces of every template, mode and visibility with their ground rules and memberships (a few
spaces of nearly everyone, many small ones)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from afterclass.benchdata import text
from afterclass.benchdata.tiers import Tier
from afterclass.benchdata.writer import Writer
from afterclass.people.models import (
    DEFAULT_LEVELS,
    Department,
    ManagementLevel,
    Organisation,
    Person,
)
from afterclass.spaces.models import (
    TEMPLATE_PRESETS,
    AnonymousQuestions,
    GroundRules,
    JoinPolicy,
    Membership,
    MembershipState,
    Mode,
    Role,
    RulesAcceptance,
    Space,
    Status,
    Template,
    Visibility,
)

ADMIN_EMAIL = "admin@bench.example"
PASSWORD = "bench"  # noqa: S105 - the known password of generated people, for load tests
# Of 100 people, how many are at each level, most junior first.
LEVEL_WEIGHTS = (70, 15, 9, 4, 2)
TEMPLATES = (Template.DISCUSSION, Template.COURSE, Template.TIPS, Template.VISUAL)
# The share of everyone in each of the few biggest spaces.
BIG_SPACES = (1.0, 0.8, 0.6)


@dataclass
class SpacePlan:
    """What the content stage needs to know of a space."""

    id: int
    template: str
    mode: str
    status: str
    anonymous_questions: str
    created_at: datetime
    archived_at: datetime | None
    members: list[int] = field(default_factory=list)  # active members' person ids
    moderators: list[int] = field(default_factory=list)

    @property
    def post_kinds(self) -> list[str]:
        kinds = TEMPLATE_PRESETS[self.template]["post_kinds"]
        return list(kinds) if isinstance(kinds, list) else []


@dataclass
class OrgPlan:
    """People by id (index 0 unused): their department, level and name."""

    department_of: list[int | None]
    level_of: list[int | None]
    name_of: list[str]
    spaces: list[SpacePlan]


def write_organisation(
    writer: Writer, rng: random.Random, tier: Tier, *, start: datetime, now: datetime
) -> OrgPlan:
    organisation = Organisation.current()
    organisation.name = f"Bench organisation ({tier.name.upper()})"
    organisation.save(update_fields=["name", "updated_at"])
    levels = _levels()
    departments = _departments(writer, rng, tier)
    department_of: list[int | None] = [None]
    level_of: list[int | None] = [None]
    name_of = [""]
    password = make_password(PASSWORD, salt="afterclassbench")
    for number in range(1, tier.people + 1):
        first, last = rng.choice(text.FIRST_NAMES), rng.choice(text.LAST_NAMES)
        department = rng.choice(departments)
        level = rng.choices(levels, weights=LEVEL_WEIGHTS[: len(levels)])[0]
        is_admin = number == 1
        email = ADMIN_EMAIL if is_admin else f"{first}.{last}.{number}@bench.example".lower()
        writer.add(
            Person(
                email=email,
                password=password,
                display_name=f"{first} {last}",
                department_id=department,
                level_id=level,
                job_title=rng.choice(text.JOB_TITLES),
                is_org_admin=is_admin,
                is_staff=is_admin,
                is_superuser=is_admin,
                date_joined=start - timedelta(days=rng.randint(1, 700)),
            )
        )
        department_of.append(department)
        level_of.append(level)
        name_of.append(f"{first} {last}")
    spaces = [
        _space(writer, rng, tier, number, start=start, now=now) for number in range(tier.spaces)
    ]
    return OrgPlan(department_of, level_of, name_of, spaces)


def _levels() -> list[int]:
    existing = list(ManagementLevel.objects.order_by("rank").values_list("pk", flat=True))
    if existing:
        return existing
    created = ManagementLevel.objects.bulk_create(
        ManagementLevel(name=name, rank=rank) for rank, name in enumerate(DEFAULT_LEVELS, 1)
    )
    return [level.pk for level in created]


def _departments(writer: Writer, rng: random.Random, tier: Tier) -> list[int]:
    """A top-level department per few hundred people, each with teams; people sit in teams."""
    tops = min(len(text.DEPARTMENTS), max(3, tier.people // 600))
    teams = min(len(text.TEAMS), max(1, tier.people // (tops * 150)))
    leaves = []
    for name in text.DEPARTMENTS[:tops]:
        top = Department(name=name)
        writer.add(top)
        for team in rng.sample(text.TEAMS, teams):
            child = Department(name=f"{name} {team}", parent_id=top.pk)
            writer.add(child)
            leaves.append(child.pk)
    return leaves


def _size(rng: random.Random, tier: Tier, number: int) -> int:
    big = max(1, round(tier.spaces * 0.015))
    if number < min(big, len(BIG_SPACES)):
        share = BIG_SPACES[number]
    elif number < max(big + 1, round(tier.spaces * 0.1)):
        share = rng.uniform(0.05, 0.2)
    else:
        return max(3, min(tier.people // 2, int(8 + rng.paretovariate(1.4) * 12)))
    return max(3, int(tier.people * share))


def _space(
    writer: Writer,
    rng: random.Random,
    tier: Tier,
    number: int,
    *,
    start: datetime,
    now: datetime,
) -> SpacePlan:
    template = TEMPLATES[number % len(TEMPLATES)]
    mode = Mode.STRUCTURED if template == Template.COURSE or number % 8 == 4 else Mode.INFORMAL
    status = Status.LAUNCHED
    if number % 29 == 28:
        status = Status.PLANNING
    elif number % 23 == 22:
        status = Status.ARCHIVED
    topic = rng.choice(text.TOPICS)
    created_at = start - timedelta(days=rng.randint(1, 60))
    archived_at = now - timedelta(days=30) if status == Status.ARCHIVED else None
    space = Space(
        name=f"{topic.replace('-', ' ').capitalize()} {template.label.lower()} {number + 1}",
        slug=f"{topic}-{number + 1}",
        description=text.sentence(rng, 10)[:280],
        purpose=text.paragraph(rng, 20, 50),
        mode=mode,
        template=template,
        visibility=Visibility.SECRET if number % 5 == 4 else Visibility.LISTED,
        join_policy=(JoinPolicy.OPEN, JoinPolicy.OPEN, JoinPolicy.REQUEST, JoinPolicy.INVITATION)[
            number % 4 if number % 5 != 4 else 3
        ],
        anonymous_questions=(
            AnonymousQuestions.OFF,
            AnonymousQuestions.MEMBERS,
            AnonymousQuestions.EVERYONE,
        )[number % 3],
        status=status,
        rules_version=1,
        created_at=created_at,
        launched_at=None if status == Status.PLANNING else created_at + timedelta(days=1),
        archived_at=archived_at,
    )
    chosen = rng.sample(range(1, tier.people + 1), min(tier.people, _size(rng, tier, number)))
    plan = SpacePlan(
        space.pk or writer.new_id(Space),
        template,
        mode,
        status,
        space.anonymous_questions,
        created_at,
        archived_at,
    )
    space.pk = plan.id
    space.created_by_id = chosen[0]
    moderators = 0 if len(chosen) < 10 else min(3, len(chosen) // 200 + 1)
    pending = 0
    for position, person in enumerate(chosen):
        state = MembershipState.ACTIVE
        if position > moderators and space.join_policy == JoinPolicy.REQUEST:
            roll = rng.random()
            state = (
                MembershipState.PENDING
                if roll < 0.03
                else MembershipState.LEFT
                if roll < 0.05
                else state
            )
        role = (
            Role.OWNER
            if position == 0
            else Role.MODERATOR
            if position <= moderators
            else Role.MEMBER
        )
        joined = created_at + timedelta(minutes=rng.randint(0, 60 * 24 * 40))
        active = state == MembershipState.ACTIVE
        writer.add(
            Membership(
                space_id=plan.id,
                person_id=person,
                role=role,
                state=state,
                rules_version_accepted=1 if active else None,
                created_at=joined,
                joined_at=joined if active else None,
            )
        )
        if active:
            writer.add(
                RulesAcceptance(space_id=plan.id, person_id=person, version=1, accepted_at=joined)
            )
            plan.members.append(person)
            if role != Role.MEMBER:
                plan.moderators.append(person)
        pending += state == MembershipState.PENDING
    space.member_count = len(plan.members)
    space.pending_count = pending
    writer.add(space)
    writer.add(
        GroundRules(
            space_id=plan.id,
            version=1,
            body=text.paragraph(rng, 20, 60),
            created_by_id=chosen[0],
            created_at=created_at,
        )
    )
    return plan
