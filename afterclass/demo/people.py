"""The people of Northwind: departments and teams, job titles by level, names, bios, interests.

Everything is generated from a seed with its own random.Random, so the same seed always gives
the same organisation.
"""

import random
import unicodedata
from dataclasses import dataclass

from afterclass.people.models import DEFAULT_LEVELS

ORGANISATION_NAME = "Northwind"
DOMAIN = "example.org"
ADMIN_EMAIL = f"admin@{DOMAIN}"
DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo organisation
DEFAULT_SEED = 2025
# Someone who joined today and has not been welcomed yet: signing in shows them the welcome.
# Their team and level are the invitation's; the rest of their profile is theirs to fill in.
NEWCOMER_EMAIL = f"new@{DOMAIN}"
NEWCOMER_NAME = "Tamsin Lindqvist"
NEWCOMER_PLACE = ("Customer Service", "Contact centre")

STAFF, TEAM_LEAD, MANAGER, DIRECTOR, EXECUTIVE = DEFAULT_LEVELS

# Department -> its teams. People below director level sit in a team.
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Operations": ("Warehouse", "Transport & logistics", "Health & safety"),
    "Sales": ("Field sales", "Key accounts", "Sales operations"),
    "Customer Service": ("Contact centre", "Complaints & resolutions"),
    "Finance": ("Financial planning & analysis", "Accounts", "Procurement"),
    "People & Culture": ("HR business partnering", "Learning & development", "Recruitment"),
    "Technology": ("Service desk", "Data & analytics", "Software engineering"),
}


@dataclass(frozen=True)
class Role:
    """One position in the organisation chart: a level, a place and a job title."""

    level: str
    department: str
    team: str | None
    job_title: str


def _roles(department: str, rows: list[tuple[str, str | None, str]]) -> list[Role]:
    return [Role(level, department, team, title) for level, team, title in rows]


# Ten positions per department, 60 in all, every level present. Job titles referred to by the
# space plans (spaces.py) are unique.
ROLES: list[Role] = [
    *_roles(
        "Operations",
        [
            (EXECUTIVE, None, "Chief Operating Officer"),
            (DIRECTOR, None, "Director of Operations"),
            (MANAGER, "Warehouse", "Warehouse Manager"),
            (MANAGER, "Transport & logistics", "Transport Manager"),
            (TEAM_LEAD, "Warehouse", "Warehouse Shift Lead"),
            (TEAM_LEAD, "Health & safety", "Health & Safety Lead"),
            (STAFF, "Warehouse", "Warehouse Operative"),
            (STAFF, "Warehouse", "Forklift Driver"),
            (STAFF, "Transport & logistics", "Transport Planner"),
            (STAFF, "Health & safety", "Health & Safety Advisor"),
        ],
    ),
    *_roles(
        "Sales",
        [
            (DIRECTOR, None, "Sales Director"),
            (MANAGER, "Field sales", "Regional Sales Manager"),
            (MANAGER, "Key accounts", "Key Accounts Manager"),
            (TEAM_LEAD, "Field sales", "Field Sales Team Lead"),
            (TEAM_LEAD, "Sales operations", "Sales Operations Lead"),
            (STAFF, "Field sales", "Sales Executive"),
            (STAFF, "Field sales", "Business Development Representative"),
            (STAFF, "Key accounts", "Key Account Executive"),
            (STAFF, "Key accounts", "Account Coordinator"),
            (STAFF, "Sales operations", "Sales Operations Analyst"),
        ],
    ),
    *_roles(
        "Customer Service",
        [
            (DIRECTOR, None, "Director of Customer Service"),
            (MANAGER, "Contact centre", "Contact Centre Manager"),
            (MANAGER, "Complaints & resolutions", "Customer Experience Manager"),
            (TEAM_LEAD, "Contact centre", "Contact Centre Team Lead"),
            (TEAM_LEAD, "Complaints & resolutions", "Resolutions Team Lead"),
            (STAFF, "Contact centre", "Customer Service Advisor"),
            (STAFF, "Contact centre", "Senior Customer Service Advisor"),
            (STAFF, "Contact centre", "Live Chat Advisor"),
            (STAFF, "Complaints & resolutions", "Complaints Handler"),
            (STAFF, "Complaints & resolutions", "Quality Analyst"),
        ],
    ),
    *_roles(
        "Finance",
        [
            (EXECUTIVE, None, "Chief Financial Officer"),
            (DIRECTOR, None, "Finance Director"),
            (MANAGER, "Financial planning & analysis", "FP&A Manager"),
            (MANAGER, "Procurement", "Procurement Manager"),
            (TEAM_LEAD, "Accounts", "Accounts Payable Team Lead"),
            (TEAM_LEAD, "Procurement", "Category Lead"),
            (STAFF, "Financial planning & analysis", "Financial Analyst"),
            (STAFF, "Accounts", "Accounts Payable Clerk"),
            (STAFF, "Accounts", "Credit Controller"),
            (STAFF, "Procurement", "Buyer"),
        ],
    ),
    *_roles(
        "People & Culture",
        [
            (EXECUTIVE, None, "Chief People Officer"),
            (DIRECTOR, None, "HR Director"),
            (MANAGER, "Learning & development", "L&D Lead"),  # the demo's organisation admin
            (MANAGER, "Recruitment", "Talent Acquisition Manager"),
            (TEAM_LEAD, "HR business partnering", "Senior HR Business Partner"),
            (TEAM_LEAD, "Recruitment", "Recruitment Team Lead"),
            (STAFF, "HR business partnering", "HR Business Partner"),
            (STAFF, "HR business partnering", "HR Advisor"),
            (STAFF, "Learning & development", "Learning Designer"),
            (STAFF, "Learning & development", "Trainer"),
        ],
    ),
    *_roles(
        "Technology",
        [
            (EXECUTIVE, None, "Chief Technology Officer"),
            (DIRECTOR, None, "Director of IT"),
            (MANAGER, "Software engineering", "Engineering Manager"),
            (MANAGER, "Service desk", "Service Desk Manager"),
            (TEAM_LEAD, "Data & analytics", "Data Team Lead"),
            (TEAM_LEAD, "Service desk", "Service Desk Team Lead"),
            (STAFF, "Software engineering", "Software Engineer"),
            (STAFF, "Data & analytics", "Data Analyst"),
            (STAFF, "Service desk", "Service Desk Analyst"),
            (STAFF, "Software engineering", "Information Security Analyst"),
        ],
    ),
]

# Busy people who were given an account but have never signed in: they join no space and have
# no history (insights count who has signed in at least once).
NEVER_SIGNED_IN = (
    "Finance Director",
    "Sales Director",
    "Chief Technology Officer",
    "FP&A Manager",
    "Talent Acquisition Manager",
)

ADMIN_TITLE = "L&D Lead"
ADMIN_NAME = "Alex Morgan"
ADMIN_BIO = (
    "I lead learning and development at Northwind: the management programme, the course "
    "follow-up spaces and the onboarding cohorts. If there is something you want to learn from "
    "colleagues, tell me and we will find the right space for it."
)
ADMIN_INTERESTS = ["facilitation", "social learning", "coaching", "hill walking"]

FIRST_NAMES = [
    "Aisha", "Amelia", "Ben", "Bogdan", "Callum", "Chen", "Chloe", "Daniel", "Deepa", "Eilidh",
    "Ella", "Emeka", "Erin", "Fatima", "Finn", "Grace", "Hamza", "Hannah", "Harriet", "Imran",
    "Isla", "Jack", "Jamal", "James", "Joanna", "Jonah", "Kasia", "Kwame", "Laura", "Leah",
    "Liam", "Lucy", "Marek", "Maya", "Megan", "Mohammed", "Nadia", "Niamh", "Noah", "Olivia",
    "Omar", "Owen", "Priya", "Rachel", "Ravi", "Rhys", "Rosa", "Ruth", "Sam", "Sana", "Sophie",
    "Tariq", "Tom", "Tomasz", "Una", "Victoria", "Wei", "Yusuf", "Zara", "Zoë",
]  # fmt: skip

LAST_NAMES = [
    "Adeyemi", "Ahmed", "Ali", "Baker", "Banerjee", "Bell", "Byrne", "Campbell", "Chowdhury",
    "Clarke", "Davies", "Doyle", "Evans", "Fernandes", "Fraser", "Gill", "Gordon", "Hughes",
    "Hussain", "Jones", "Kaur", "Kelly", "Khan", "Kowalski", "Lewis", "Lin", "MacLeod",
    "Mensah", "Mitchell", "Murphy", "Nowak", "Nguyen", "O'Brien", "Okafor", "Osei", "Parry",
    "Patel", "Price", "Quinn", "Rahman", "Reid", "Roberts", "Robinson", "Santos", "Shah",
    "Singh", "Stewart", "Sullivan", "Taylor", "Thomas", "Thompson", "Turner", "Walsh", "Ward",
    "Watson", "White", "Wilson", "Wright", "Yilmaz", "Zhang",
]  # fmt: skip

WORK_INTERESTS: dict[str, list[str]] = {
    "Operations": ["lean", "continuous improvement", "inventory", "route planning", "first aid",
                   "manual handling", "5S"],
    "Sales": ["negotiation", "CRM", "prospecting", "public speaking", "customer insight",
              "presentations"],
    "Customer Service": ["de-escalation", "complaint handling", "live chat", "plain English",
                         "customer experience", "call coaching"],
    "Finance": ["Excel", "forecasting", "Power BI", "budgeting", "supplier management",
                "process automation"],
    "People & Culture": ["coaching", "facilitation", "employment law", "wellbeing",
                         "instructional design", "interviewing"],
    "Technology": ["Python", "SQL", "cyber security", "cloud", "data visualisation",
                   "automation", "accessibility"],
}  # fmt: skip

LIFE_INTERESTS = [
    "running", "photography", "cooking", "cycling", "learning Spanish", "mentoring", "podcasts",
    "gardening", "chess", "volunteering", "climbing", "choir", "board games", "football",
    "baking", "reading", "yoga", "woodwork",
]  # fmt: skip

TENURE = [
    "Joined Northwind in {year}.",
    "I have been at Northwind since {year}, most of that time in {department}.",
    "New to Northwind this year and still finding my way around.",
    "Started here in {year} after several years doing the same job elsewhere.",
    "{years} years at Northwind and counting.",
]

ABOUT_LEVEL = {
    STAFF: [
        "Part of the {team} team.",
        "I work in the {team} team, where no two days are the same.",
    ],
    TEAM_LEAD: [
        "I lead a small group in the {team} team and still do the work alongside them.",
        "I look after the day-to-day running of the {team} team.",
    ],
    MANAGER: [
        "I manage the {team} team: planning, one-to-ones and the odd firefight.",
        "I look after the people and the plans in the {team} team.",
    ],
    DIRECTOR: [
        "I am responsible for {department} and the managers who run its teams.",
        "I set the direction for {department} and sit on the operating committee.",
    ],
    EXECUTIVE: [
        "I sit on Northwind's executive team and am accountable for {department}.",
    ],
}

ASK_ME = [
    "Ask me about {work1} or {work2}.",
    "Happy to help anyone with {work1}.",
    "Always keen to swap notes on {work1} and {work2}.",
    "Outside work you will find me {life}.",
]

LIFE_PHRASES = {
    "running": "running along the canal",
    "photography": "out with a camera",
    "cooking": "cooking for far too many people",
    "cycling": "on my bike",
    "learning Spanish": "practising my Spanish",
    "mentoring": "mentoring at a local school",
    "podcasts": "catching up on podcasts",
    "gardening": "on my allotment",
    "chess": "losing at chess",
    "volunteering": "volunteering at the food bank",
    "climbing": "at the climbing wall",
    "choir": "singing in a community choir",
    "board games": "at a board-game café",
    "football": "coaching under-10s football",
    "baking": "baking bread",
    "reading": "reading crime novels",
    "yoga": "at a yoga class",
    "woodwork": "in the shed making furniture",
}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    display_name: str
    role: Role
    bio: str
    interests: list[str]


def email_for(display_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    local = ".".join(
        "".join(ch for ch in part if ch.isalnum()) for part in ascii_name.lower().split()
    )
    return f"{local}@{DOMAIN}"


def _bio(rng: random.Random, role: Role, interests: list[str]) -> str:
    year = rng.randint(2012, 2024)
    about = rng.choice(ABOUT_LEVEL[role.level]).format(
        team=role.team or role.department, department=role.department
    )
    tenure = rng.choice(TENURE).format(year=year, years=2026 - year, department=role.department)
    ask = rng.choice(ASK_ME).format(
        work1=interests[0], work2=interests[1], life=LIFE_PHRASES[interests[2]]
    )
    return f"{about} {tenure} {ask}"


def generate_people(seed: int = DEFAULT_SEED) -> list[DemoPerson]:
    """The 60 people of Northwind, the organisation admin (Alex Morgan) among them."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    others = [role for role in ROLES if role.job_title != ADMIN_TITLE]
    first_names = rng.sample(FIRST_NAMES, len(others))
    last_names = rng.sample(LAST_NAMES, len(others))
    people: list[DemoPerson] = []
    for role in ROLES:
        if role.job_title == ADMIN_TITLE:
            people.append(DemoPerson(ADMIN_EMAIL, ADMIN_NAME, role, ADMIN_BIO, ADMIN_INTERESTS))
            continue
        name = f"{first_names.pop()} {last_names.pop()}"
        interests = [
            *rng.sample(WORK_INTERESTS[role.department], 2),
            rng.choice(LIFE_INTERESTS),
        ]
        people.append(
            DemoPerson(email_for(name), name, role, _bio(rng, role, interests), interests)
        )
    return people
