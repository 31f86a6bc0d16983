"""Loading Northwind through the domain actions, so the demo obeys every rule the product does.

Each thing is looked up by its natural key (e-mail, department name, space slug) and only
created when missing, so loading twice adds nothing. Everything happens in one transaction.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from afterclass.attachments.models import Attachment
from afterclass.core.errors import Conflict
from afterclass.demo.conversations import ConversationWriter
from afterclass.demo.learning import load_learning
from afterclass.demo.notifications import notify_demo_admin
from afterclass.demo.people import (
    ADMIN_EMAIL,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEPARTMENTS,
    DOMAIN,
    NEVER_SIGNED_IN,
    NEWCOMER_EMAIL,
    NEWCOMER_NAME,
    NEWCOMER_PLACE,
    ORGANISATION_NAME,
    STAFF,
    DemoPerson,
    generate_people,
)
from afterclass.demo.pulse import load_pulses
from afterclass.demo.reading import load_reading, load_sign_ins
from afterclass.demo.spaces import APPROVE, DECLINE, SPACE_PLANS, SpacePlan
from afterclass.demo.surveys import load_prelaunch_survey
from afterclass.demo.threads import CONVERSATIONS
from afterclass.insights.periods import Period
from afterclass.insights.rollups import compute_rollups
from afterclass.notifications.actions import silenced
from afterclass.people.actions import (
    do_create_department,
    do_create_person,
    do_set_levels,
    do_update_organisation,
    do_update_profile,
)
from afterclass.people.models import (
    DEFAULT_LEVELS,
    Department,
    ManagementLevel,
    Organisation,
    Person,
)
from afterclass.posts.models import Post
from afterclass.spaces.actions import (
    do_accept_rules,
    do_create_space,
    do_decide_requests,
    do_invite_department_to_space,
    do_invite_to_space,
    do_join_space,
    do_leave_space,
    do_set_member_role,
    do_set_space_status,
)
from afterclass.spaces.models import Membership, MembershipState, Role, Space, Status

# An archived demo space closed a month ago; its conversations end before that.
ARCHIVED_DAYS_AGO = 28
# Days of insight rollups computed after loading: the 90-day view and the period before it.
ROLLUP_DAYS = 180


@dataclass(frozen=True)
class DemoSummary:
    people_created: int
    spaces_created: int
    people: int
    departments: int
    spaces: int
    example_email: str
    posts_created: int = 0
    posts: int = 0
    # Reading, sign-ins and pulse answers added to a demo loaded before it had them.
    history_created: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.people_created or self.spaces_created or self.posts_created or self.history_created
        )


def load_demo(seed: int = DEFAULT_SEED) -> DemoSummary:
    """Create whatever part of the Northwind demo organisation is missing."""
    with transaction.atomic():
        # Ninety days of history are not news: nobody is told about them as they load. The
        # admin then finds what the last two weeks would have told them.
        with silenced():
            summary = NorthwindLoader(seed).load()
        admin = Person.objects.get(email=ADMIN_EMAIL)
        notify_demo_admin(admin, now=timezone.now())
        return summary


class NorthwindLoader:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.people_created = 0
        self.spaces_created = 0
        self.posts_created = 0
        self.now = timezone.now()
        self._password_hash: str | None = None
        self.departments: dict[tuple[str, str | None], Department] = {}
        self.levels: dict[str, ManagementLevel] = {}
        self.by_title: dict[str, Person] = {}

    def password_hash(self) -> str:
        # Hashing is deliberately slow; one hash shared by every demo person keeps loading fast.
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def load(self) -> DemoSummary:
        people = generate_people(self.seed)
        admin_spec = next(person for person in people if person.email == ADMIN_EMAIL)
        admin, admin_is_new = self.admin(admin_spec)
        self.organisation(admin)
        self.management_levels(admin)
        self.department_tree(admin)
        if admin_is_new:
            do_update_profile(
                admin,
                actor=admin,
                department=self.place_of(admin_spec),
                level=self.levels[admin_spec.role.level],
            )
        existing = {
            person.email: person
            for person in Person.objects.filter(email__in=[spec.email for spec in people])
        }
        for spec in people:
            person = existing.get(spec.email) or self.person(spec, actor=admin)
            self.by_title[spec.role.job_title] = person
        for plan in SPACE_PLANS:
            space = Space.objects.filter(slug=plan.slug).first()
            if space is None:
                self.space(plan)
            elif space.status == Status.LAUNCHED:
                until = self.now - timedelta(minutes=5)
                if not Post.objects.filter(space=space).exists():
                    # Loaded before the demo had posts: give the space its conversations now.
                    self.conversations(space, plan, until=until)
                elif not Attachment.objects.filter(post__space=space).exists():
                    # Loaded before the demo had pictures and files: add just those posts.
                    self.conversations(space, plan, until=until, only_files=True)
        self.newcomer(admin)
        load_prelaunch_survey(admin, seed=self.seed, now=self.now)
        self.posts_created += load_learning(seed=self.seed, now=self.now)
        # After everything people did, since they read what they answered and signed in to do it;
        # the pulse after the reading, since members are asked it while reading, once due.
        history = load_reading(seed=self.seed, now=self.now)
        history += load_pulses(seed=self.seed, now=self.now)
        history += load_sign_ins(seed=self.seed, now=self.now)
        # The insight pages read rollups: computing them now makes the first visit fast.
        compute_rollups(Period.last_days(ROLLUP_DAYS))
        example = next(spec for spec in people if spec.role.level == STAFF)
        return DemoSummary(
            people_created=self.people_created,
            spaces_created=self.spaces_created,
            people=Person.objects.count(),
            departments=Department.objects.filter(parent=None).count(),
            spaces=Space.objects.count(),
            example_email=example.email,
            posts_created=self.posts_created,
            posts=Post.objects.count(),
            history_created=history,
        )

    # --- The organisation -----------------------------------------------------------------

    def admin(self, spec: DemoPerson) -> tuple[Person, bool]:
        admin = Person.objects.filter(email=ADMIN_EMAIL).first()
        if admin is not None:
            if not (admin.is_active and admin.is_org_admin):
                raise Conflict(
                    f"{ADMIN_EMAIL} exists but is not an active organisation admin, "
                    "so the demo cannot be loaded into this database."
                )
            return admin, False
        admin = do_create_person(
            ADMIN_EMAIL,
            actor=None,
            display_name=spec.display_name,
            password_hash=self.password_hash(),
            is_org_admin=True,
            job_title=spec.role.job_title,
            bio=spec.bio,
            interests=spec.interests,
            onboarded_at=self.now,
        )
        self.people_created += 1
        return admin, True

    def organisation(self, admin: Person) -> None:
        organisation = Organisation.current()
        domains = list(organisation.allowed_domains)
        if organisation.name != ORGANISATION_NAME or DOMAIN not in domains:
            do_update_organisation(
                actor=admin, name=ORGANISATION_NAME, allowed_domains=[*domains, DOMAIN]
            )

    def management_levels(self, admin: Person) -> None:
        names = {level.name for level in ManagementLevel.objects.all()}
        if not set(DEFAULT_LEVELS) <= names:
            do_set_levels(DEFAULT_LEVELS, actor=admin)
        self.levels = {level.name: level for level in ManagementLevel.objects.all()}

    def department_tree(self, admin: Person) -> None:
        found = {
            (
                department.parent.name.lower() if department.parent else None,
                department.name.lower(),
            ): department
            for department in Department.objects.select_related("parent")
        }
        for name, teams in DEPARTMENTS.items():
            department = found.get((None, name.lower())) or do_create_department(name, actor=admin)
            self.departments[(name, None)] = department
            for team in teams:
                self.departments[(name, team)] = found.get(
                    (name.lower(), team.lower())
                ) or do_create_department(team, actor=admin, parent=department)

    def place_of(self, spec: DemoPerson) -> Department:
        return self.departments[(spec.role.department, spec.role.team)]

    def person(self, spec: DemoPerson, *, actor: Person) -> Person:
        person = do_create_person(
            spec.email,
            actor=actor,
            display_name=spec.display_name,
            password_hash=self.password_hash(),
            department=self.place_of(spec),
            level=self.levels[spec.role.level],
            job_title=spec.role.job_title,
            bio=spec.bio,
            interests=spec.interests,
            onboarded_at=self.now,
        )
        self.people_created += 1
        return person

    def newcomer(self, admin: Person) -> None:
        """new@example.org: invited today, placed in a team at staff level, not yet welcomed (the
        welcome asks for the rest of their profile)."""
        if Person.objects.filter(email=NEWCOMER_EMAIL).exists():
            return
        do_create_person(
            NEWCOMER_EMAIL,
            actor=admin,
            display_name=NEWCOMER_NAME,
            password_hash=self.password_hash(),
            department=self.departments[NEWCOMER_PLACE],
            level=self.levels[STAFF],
        )
        self.people_created += 1

    # --- Spaces -----------------------------------------------------------------------------

    def space(self, plan: SpacePlan) -> Space:
        """Create one space and take it through its life so far, each step by the right person."""
        rng = random.Random(f"{self.seed}:{plan.slug}")  # noqa: S311 - demo data, not secrets
        owner = self.by_title[plan.owner]
        space = do_create_space(
            actor=owner,
            name=plan.name,
            slug=plan.slug,
            purpose=plan.purpose,
            rules=plan.rules,
            description=plan.description,
            mode=plan.mode,
            audience=plan.audience,
            audience_departments=[
                self.departments[(name, None)] for name in plan.audience_departments
            ],
            template=plan.template,
            visibility=plan.visibility,
            join_policy=plan.join_policy,
            membership_questions=list(plan.questions),
            **plan.targets,
        )
        self.spaces_created += 1
        for name in plan.invite_departments:
            do_invite_department_to_space(space, self.departments[(name, None)], actor=owner)
        invited = [self.by_title[title] for title in plan.invite]
        if invited:
            do_invite_to_space(space, invited, actor=owner)
        for title in plan.moderators:
            do_set_member_role(
                space, self.membership(space, self.by_title[title]).pk, Role.MODERATOR, actor=owner
            )
        if plan.status != Status.PLANNING:
            do_set_space_status(space, Status.LAUNCHED, actor=owner)
        for person in self.pick_outsiders(space, plan.self_joins, rng):
            do_join_space(space, actor=person)
        self.requests(space, plan, owner)
        self.accept_rules(space, plan, owner, rng)
        for membership in self.pick_members(space, plan.leavers, rng):
            do_leave_space(space, actor=membership.person)
        archived_at = self.now - timedelta(days=ARCHIVED_DAYS_AGO)
        if plan.status != Status.PLANNING:
            # Posting needs the space open, so an archived space's history is written first.
            archived = plan.status == Status.ARCHIVED
            until = archived_at - timedelta(days=1) if archived else self.now - timedelta(minutes=5)
            self.conversations(space, plan, until=until)
        if plan.status == Status.ARCHIVED:
            do_set_space_status(space, Status.ARCHIVED, actor=owner)
            Space.objects.filter(pk=space.pk).update(archived_at=archived_at)
        return space

    def conversations(
        self, space: Space, plan: SpacePlan, *, until: datetime, only_files: bool = False
    ) -> None:
        conversations = CONVERSATIONS.get(plan.slug)
        if conversations is None:
            return
        threads = None
        if only_files:
            threads = [thread for thread in conversations.threads if thread.has_files]
            if not threads:
                return
        rng = random.Random(f"{self.seed}:{plan.slug}:posts")  # noqa: S311 - demo data
        writer = ConversationWriter(space, conversations, rng, now=self.now, until=until)
        self.posts_created += writer.write(threads)

    def membership(self, space: Space, person: Person) -> Membership:
        return Membership.objects.get(space=space, person=person)

    def pick_outsiders(self, space: Space, count: int, rng: random.Random) -> list[Person]:
        """`count` people chosen at random who have no membership of the space at all (and
        have signed in: joining is something a person does)."""
        if not count:
            return []
        outsiders = list(
            Person.objects.active()
            .exclude(memberships__space=space)
            .exclude(email=ADMIN_EMAIL)
            .exclude(job_title__in=NEVER_SIGNED_IN)
            .order_by("email")
        )
        return rng.sample(outsiders, min(count, len(outsiders)))

    def pick_members(self, space: Space, count: int, rng: random.Random) -> list[Membership]:
        """`count` ordinary active members chosen at random (never owners or moderators)."""
        if not count:
            return []
        members = list(
            Membership.objects.filter(space=space, state=MembershipState.ACTIVE, role=Role.MEMBER)
            .select_related("person")
            .order_by("person__email")
        )
        return rng.sample(members, min(count, len(members)))

    def requests(self, space: Space, plan: SpacePlan, owner: Person) -> None:
        decisions: dict[str, list[int]] = {APPROVE: [], DECLINE: []}
        for request in plan.requests:
            membership = do_join_space(
                space, actor=self.by_title[request.title], answers=list(request.answers)
            )
            if request.outcome in decisions:
                decisions[request.outcome].append(membership.pk)
        moderator = self.by_title[plan.moderators[0]] if plan.moderators else owner
        for outcome, ids in decisions.items():
            if ids:
                do_decide_requests(space, ids, approve=outcome == APPROVE, actor=moderator)

    def accept_rules(
        self, space: Space, plan: SpacePlan, owner: Person, rng: random.Random
    ) -> None:
        """Most members have read and accepted the rules; a few have not got round to it yet."""
        members = list(
            Membership.objects.filter(space=space, state=MembershipState.ACTIVE)
            .exclude(person=owner)
            .select_related("person")
            .order_by("person__email")
        )
        ordinary = [membership for membership in members if membership.role == Role.MEMBER]
        late = {
            membership.pk
            for membership in rng.sample(ordinary, min(plan.not_yet_accepted_rules, len(ordinary)))
        }
        for membership in members:
            if membership.pk not in late:
                do_accept_rules(space, actor=membership.person)
