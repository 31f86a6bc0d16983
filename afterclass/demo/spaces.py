"""The spaces Northwind's L&D team has planned: what each is for, its rules, and who is in it.

People are named by their (unique) job title in people.ROLES, so a plan reads like the
organisation chart it was written against.
"""

from dataclasses import dataclass, field

from afterclass.demo.people import ADMIN_TITLE
from afterclass.spaces.models import (
    Audience,
    JoinPolicy,
    Mode,
    Status,
    Template,
    Visibility,
)

APPROVE, DECLINE, PENDING = "approve", "decline", "pending"


@dataclass(frozen=True)
class JoinRequest:
    """Someone asks to join, answering the space's questions; a moderator decides (or not yet)."""

    title: str
    answers: tuple[str, ...]
    outcome: str = PENDING


@dataclass(frozen=True)
class SpacePlan:
    slug: str
    name: str
    description: str
    purpose: str
    rules: str
    template: str
    mode: str
    audience: str
    visibility: str
    join_policy: str
    status: str
    owner: str
    moderators: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    audience_departments: tuple[str, ...] = ()
    targets: dict[str, int] = field(default_factory=dict)
    # Who is in it: people added by the owner, whole departments, people who join themselves.
    invite: tuple[str, ...] = ()
    invite_departments: tuple[str, ...] = ()
    self_joins: int = 0
    requests: tuple[JoinRequest, ...] = ()
    leavers: int = 0
    not_yet_accepted_rules: int = 0


NEW_MANAGERS = SpacePlan(
    slug="new-managers-circle",
    name="New managers' circle",
    description="Peer support for people in their first two years of managing a team.",
    purpose=(
        "A place for people in their first two years of managing others to ask the questions "
        "they might hesitate to ask their own manager: running a first one-to-one, giving "
        "difficult feedback, handling sickness absence, planning a team's workload. Answers "
        "come from colleagues a step or two ahead, across every department. It follows on from "
        "the Stepping into Management programme but is open to any new manager."
    ),
    rules=(
        "1. **Share situations, not names.** Describe the problem without saying who it is "
        "about.\n"
        "2. **There are no silly questions.** Everyone here was new to managing once.\n"
        "3. **Answer from experience.** Say what worked for you and what did not; link the HR "
        "policy when a question touches one.\n"
        "4. **Individual employee cases go to your HR business partner**, not this space.\n"
        "5. Be kind and assume good intent. Moderators may hide posts that break these rules."
    ),
    template=Template.DISCUSSION,
    mode=Mode.INFORMAL,
    audience=Audience.COMMUNITY,
    visibility=Visibility.LISTED,
    join_policy=JoinPolicy.REQUEST,
    status=Status.LAUNCHED,
    owner=ADMIN_TITLE,
    moderators=("Senior HR Business Partner",),
    questions=(
        "How long have you been managing people, and how big is your team?",
        "What is one situation you would like this group's help with?",
    ),
    targets={
        "target_weekly_active_pct": 40,
        "target_answer_rate_pct": 80,
        "target_answer_hours": 24,
    },
    invite=(
        "Senior HR Business Partner",
        "Warehouse Manager",
        "Transport Manager",
        "Key Accounts Manager",
        "Customer Experience Manager",
        "Procurement Manager",
        "Service Desk Manager",
        "Engineering Manager",
        "Warehouse Shift Lead",
    ),
    requests=(
        JoinRequest(
            "Contact Centre Team Lead",
            (
                "Eight months, a team of seven advisors.",
                "One of my team is often late and I do not know how to raise it without "
                "damaging a good working relationship.",
            ),
            APPROVE,
        ),
        JoinRequest(
            "Data Team Lead",
            (
                "Just over a year; three analysts.",
                "Balancing my own analysis work with supporting the team.",
            ),
            APPROVE,
        ),
        JoinRequest(
            "Accounts Payable Team Lead",
            (
                "Three months, a team of four.",
                "Running one-to-ones that are more than a status update.",
            ),
        ),
        JoinRequest(
            "Recruitment Team Lead",
            (
                "Six months, two recruiters and a coordinator.",
                "Giving feedback to someone who used to be my peer.",
            ),
        ),
        JoinRequest(
            "Sales Operations Lead",
            (
                "Since January, a team of two.",
                "Saying no to requests from senior stakeholders on my team's behalf.",
            ),
        ),
        JoinRequest(
            "Sales Executive",
            (
                "I do not manage anyone yet, but I hope to next year.",
                "Getting ready for a team leader role.",
            ),
            DECLINE,
        ),
    ),
    not_yet_accepted_rules=1,
)

EXCEL_FOLLOW_UP = SpacePlan(
    slug="excel-data-skills-follow-up",
    name="Excel & data skills follow-up",
    description="Practice tasks, questions and shared tricks after the Excel & data skills course.",
    purpose=(
        "Keep the momentum going after the two-day Excel & data skills course. Each week the "
        "trainer posts one practice task that builds on a session (lookups, pivot tables, "
        "charts, cleaning data) and participants share how they solved it, then ask about the "
        "problems they meet in their real spreadsheets. By the end of the quarter everyone on "
        "the course should use at least one new technique in their day-to-day work."
    ),
    rules=(
        "1. **Never post real customer, salary or supplier data.** Make a small made-up "
        "example that shows the problem.\n"
        "2. Try the weekly task before reading other people's answers.\n"
        "3. When an answer helps you, say so: it tells the trainer what is working.\n"
        "4. Explain how, not just what: a formula with one line of explanation helps the next "
        "person more than the formula alone.\n"
        "5. Keep to spreadsheets and data; other topics have their own spaces."
    ),
    template=Template.COURSE,
    mode=Mode.STRUCTURED,
    audience=Audience.COHORT,
    visibility=Visibility.LISTED,
    join_policy=JoinPolicy.REQUEST,
    status=Status.LAUNCHED,
    owner=ADMIN_TITLE,
    moderators=("Trainer", "Data Analyst"),
    questions=(
        "Which course date did you attend?",
        "Which spreadsheet task at work would you most like to get faster at?",
    ),
    targets={
        "target_weekly_active_pct": 50,
        "target_answer_rate_pct": 90,
        "target_answer_hours": 24,
        "target_completion_pct": 70,
    },
    invite=(
        "Trainer",
        "Data Analyst",
        "Financial Analyst",
        "Credit Controller",
        "Buyer",
        "Sales Operations Analyst",
        "Account Coordinator",
        "Quality Analyst",
        "Transport Planner",
        "HR Advisor",
    ),
    requests=(
        JoinRequest(
            "Accounts Payable Clerk",
            (
                "12 March",
                "Matching supplier statements against our ledger without doing it line by line.",
            ),
            APPROVE,
        ),
        JoinRequest(
            "Key Account Executive",
            ("12 March", "Building a monthly sales report that updates itself."),
        ),
        JoinRequest(
            "Complaints Handler",
            ("19 March", "Spotting trends in complaint categories each month."),
        ),
        JoinRequest(
            "Warehouse Operative",
            ("19 March", "Keeping our stock-count sheets tidy and finding mistakes faster."),
        ),
    ),
    not_yet_accepted_rules=2,
)

CUSTOMER_SERVICE_TIPS = SpacePlan(
    slug="quick-tips-customer-service",
    name="Quick tips: customer service",
    description="Short, practical tips from the contact centre floor: one idea per post.",
    purpose=(
        "A fast stream of short tips that help advisors handle calls, chats and complaints "
        "better: phrases that calm an upset customer, shortcuts in the CRM, what to do when "
        "the returns system is down. Anyone can post a tip; the best ones are collected into "
        "the contact centre's induction pack every quarter."
    ),
    rules=(
        "- One tip per post, in 280 characters or fewer. Add a hashtag such as #calls, #chat, "
        "#complaints or #systems so others can find it.\n"
        "- Never include customer names, account numbers or order details.\n"
        "- Credit the colleague who taught you the tip.\n"
        "- If a tip goes out of date, reply and say so; the moderators will hide it."
    ),
    template=Template.TIPS,
    mode=Mode.INFORMAL,
    audience=Audience.DEPARTMENTS,
    audience_departments=("Customer Service",),
    visibility=Visibility.LISTED,
    join_policy=JoinPolicy.OPEN,
    status=Status.LAUNCHED,
    owner=ADMIN_TITLE,
    moderators=("Contact Centre Manager", "Senior Customer Service Advisor"),
    targets={
        "target_weekly_active_pct": 60,
        "target_answer_rate_pct": 80,
        "target_answer_hours": 8,
    },
    invite_departments=("Customer Service",),
    self_joins=4,
    not_yet_accepted_rules=2,
)

SITE_SAFETY = SpacePlan(
    slug="site-safety-photo-board",
    name="Site safety photo board",
    description="Photos of good safety practice from our warehouses and yards, and of fixes.",
    purpose=(
        "Make safety visible. Operatives and team leads post photos of good practice they "
        "spot on site, such as a clearly marked walkway or a tidy charging area, and of hazards "
        "that have been put right, with a caption saying what changed. The board feeds the "
        "Monday toolbox talks and helps new starters recognise what good looks like."
    ),
    rules=(
        "1. **No faces and no vehicle number plates** in photos: crop or blur them first.\n"
        "2. Never take photos while operating equipment or standing in a live traffic area.\n"
        "3. Report hazards through the safety reporting system first; post here once the "
        "hazard has been made safe.\n"
        "4. Captions say where, what and what changed. No blame: we are here to learn."
    ),
    template=Template.VISUAL,
    mode=Mode.INFORMAL,
    audience=Audience.DEPARTMENTS,
    audience_departments=("Operations",),
    visibility=Visibility.LISTED,
    join_policy=JoinPolicy.OPEN,
    status=Status.LAUNCHED,
    owner="Health & Safety Lead",
    moderators=("Health & Safety Advisor",),
    targets={"target_weekly_active_pct": 30},
    invite_departments=("Operations",),
    self_joins=3,
    not_yet_accepted_rules=1,
)

HR_BUSINESS_PARTNERS = SpacePlan(
    slug="hr-business-partners",
    name="HR business partners",
    description="Anonymised case discussion and policy interpretation for the HRBP team.",
    purpose=(
        "A closed space where HR business partners share approaches to difficult cases "
        "(anonymised), agree how to interpret policy consistently across departments, and "
        "prepare for changes in employment law before they reach managers. It is secret so "
        "that sensitive themes can be discussed without the space itself appearing in the "
        "directory."
    ),
    rules=(
        "1. **Anonymise every case**: no names, no identifying details, no documents from "
        "employee files.\n"
        "2. Everything here is confidential to the HR business partner team.\n"
        "3. Interpretations agreed here are written up in the HR policy library within a week.\n"
        "4. New members are added by the HR Director when they join the team."
    ),
    template=Template.DISCUSSION,
    mode=Mode.INFORMAL,
    audience=Audience.DEPARTMENTS,
    audience_departments=("People & Culture",),
    visibility=Visibility.SECRET,
    join_policy=JoinPolicy.INVITATION,
    status=Status.LAUNCHED,
    owner="HR Director",
    moderators=("Senior HR Business Partner",),
    targets={
        "target_weekly_active_pct": 70,
        "target_answer_rate_pct": 90,
        "target_answer_hours": 48,
    },
    invite=(
        "Senior HR Business Partner",
        "HR Business Partner",
        "HR Advisor",
        "Chief People Officer",
    ),
)

ONBOARDING_2025 = SpacePlan(
    slug="onboarding-cohort-2025",
    name="2025 onboarding cohort",
    description="The space of everyone who joined Northwind in 2025 and took the onboarding "
    "programme.",
    purpose=(
        "Supported the people who joined Northwind in 2025 through their first ninety days: "
        "questions about systems and processes, the weekly onboarding activities, and meeting "
        "colleagues from other departments. The programme has ended; the space is archived so "
        "that its answers stay readable for the next cohort."
    ),
    rules=(
        "1. Ask anything: if you are wondering, someone else is too.\n"
        "2. Complete each week's onboarding activity before the Friday check-in.\n"
        "3. Be welcoming: introduce yourself and say hello to others.\n"
        "4. Questions about your own contract or pay go to HR directly."
    ),
    template=Template.COURSE,
    mode=Mode.STRUCTURED,
    audience=Audience.COHORT,
    visibility=Visibility.LISTED,
    join_policy=JoinPolicy.INVITATION,
    status=Status.ARCHIVED,
    owner=ADMIN_TITLE,
    moderators=("Learning Designer",),
    targets={"target_weekly_active_pct": 50, "target_completion_pct": 80},
    invite=(
        "Learning Designer",
        "Live Chat Advisor",
        "Business Development Representative",
        "Forklift Driver",
        "Software Engineer",
        "Service Desk Analyst",
        "Buyer",
        "Customer Service Advisor",
        "Information Security Analyst",
    ),
)

WELLBEING = SpacePlan(
    slug="wellbeing-at-work",
    name="Wellbeing at work",
    description="Ideas, questions and support for looking after ourselves and each other.",
    purpose=(
        "An open space for everyone at Northwind to share what helps them stay well at work, "
        "from managing workload and screen time to shift patterns and getting outdoors, and "
        "to find out about the support the organisation offers. Mental health first aiders "
        "moderate it and point people to confidential help when a conversation needs it."
    ),
    rules=(
        "1. Be supportive; share your own experience rather than advice on someone else's "
        "health.\n"
        "2. This is not a crisis service. If you or someone else needs urgent help, contact "
        "the Employee Assistance Programme or emergency services.\n"
        "3. Keep other people's private information private.\n"
        "4. No selling or promoting products."
    ),
    template=Template.DISCUSSION,
    mode=Mode.INFORMAL,
    audience=Audience.ORGANISATION,
    visibility=Visibility.LISTED,
    join_policy=JoinPolicy.OPEN,
    status=Status.LAUNCHED,
    owner="Chief People Officer",
    moderators=("HR Advisor",),
    targets={
        "target_weekly_active_pct": 25,
        "target_answer_rate_pct": 80,
        "target_answer_hours": 24,
    },
    invite=("HR Advisor",),
    self_joins=18,
    leavers=2,
    not_yet_accepted_rules=3,
)

READING_CLUB = SpacePlan(
    slug="leadership-reading-club",
    name="Leadership reading club",
    description="One book or long article a month on leading people, discussed here and over "
    "coffee.",
    purpose=(
        "A monthly reading club for managers, directors and aspiring leaders. Each month the "
        "group picks one book chapter or long article on leading people, discusses it here "
        "over four weeks, and meets once for coffee to talk about what they will try. Still "
        "being planned: the first reading list and the launch date are being agreed."
    ),
    rules=(
        "1. Read before you comment; say which part you are responding to.\n"
        "2. Disagree with ideas, not with people.\n"
        "3. Bring it back to practice: what would this look like in your team?"
    ),
    template=Template.DISCUSSION,
    mode=Mode.STRUCTURED,
    audience=Audience.COMMUNITY,
    visibility=Visibility.LISTED,
    join_policy=JoinPolicy.REQUEST,
    status=Status.PLANNING,
    owner=ADMIN_TITLE,
    moderators=("Chief Operating Officer",),
    questions=("Which book or article would you like the group to read first?",),
    targets={"target_weekly_active_pct": 40, "target_completion_pct": 60},
    invite=("Chief Operating Officer",),
)

SPACE_PLANS: list[SpacePlan] = [
    NEW_MANAGERS,
    EXCEL_FOLLOW_UP,
    CUSTOMER_SERVICE_TIPS,
    SITE_SAFETY,
    HR_BUSINESS_PARTNERS,
    ONBOARDING_2025,
    WELLBEING,
    READING_CLUB,
]
