"""Words the generated people, spaces and posts are made of: plain English about learning at
work, so that search has common words (found everywhere) and rarer ones (found in a few)."""

from __future__ import annotations

import random
from html import escape

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Amara",
    "Anders",
    "Aroha",
    "Beatriz",
    "Bruno",
    "Chen",
    "Chiara",
    "Dara",
    "Dmitri",
    "Elif",
    "Emeka",
    "Esther",
    "Farah",
    "Felix",
    "Grace",
    "Hamid",
    "Hana",
    "Ines",
    "Ivan",
    "Jamal",
    "Jana",
    "Kai",
    "Kofi",
    "Lara",
    "Leon",
    "Liam",
    "Lucia",
    "Malik",
    "Maya",
    "Mei",
    "Nadia",
    "Nikos",
    "Noor",
    "Olga",
    "Omar",
    "Priya",
    "Quinn",
    "Rafael",
    "Rina",
    "Sami",
    "Sara",
    "Sven",
    "Tariq",
    "Tomas",
    "Uma",
    "Vera",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Abara",
    "Berg",
    "Costa",
    "Dahl",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Mensah",
    "Novak",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Sato",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Moreau",
    "Nakamura",
    "Olsen",
    "Pereira",
    "Ruiz",
    "Schmidt",
    "Singh",
    "Tran",
    "Walsh",
]
DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Operations",
    "Support",
    "Legal",
    "Research",
    "Design",
    "Logistics",
    "Procurement",
    "Quality",
    "Training",
    "Facilities",
    "Security",
    "Strategy",
]
TEAMS = [
    "North",
    "South",
    "East",
    "West",
    "Platform",
    "Growth",
    "Core",
    "Field",
    "Central",
    "Partner",
]
JOB_TITLES = (
    "Analyst",
    "Engineer",
    "Specialist",
    "Coordinator",
    "Consultant",
    "Advisor",
    "Designer",
    "Officer",
)
TOPICS = [
    "onboarding",
    "feedback",
    "retrospectives",
    "coaching",
    "negotiation",
    "budgeting",
    "forecasting",
    "accessibility",
    "security",
    "privacy",
    "hiring",
    "mentoring",
    "presentations",
    "writing",
    "estimation",
    "testing",
    "deployment",
    "customer-interviews",
    "pricing",
    "roadmaps",
    "facilitation",
    "leadership",
    "delegation",
    "planning",
    "safety",
    "compliance",
    "reporting",
    "dashboards",
    "spreadsheets",
    "automation",
    "documentation",
]
COMMON = [
    "the",
    "team",
    "we",
    "our",
    "how",
    "what",
    "when",
    "learn",
    "learning",
    "work",
    "meeting",
    "project",
    "idea",
    "question",
    "help",
    "colleagues",
    "time",
    "week",
    "practice",
    "share",
    "example",
    "next",
    "better",
    "first",
    "new",
    "tried",
    "worked",
    "useful",
    "people",
    "customers",
    "process",
    "plan",
    "good",
    "way",
    "think",
    "need",
]
RARE = [
    "kaizen",
    "heuristic",
    "playbook",
    "cadence",
    "triage",
    "backlog",
    "kanban",
    "postmortem",
    "okr",
    "runbook",
    "handover",
    "shadowing",
    "checklist",
    "rubric",
    "wiki",
    "sprint",
    "standup",
    "persona",
    "journey",
    "cohort",
    "capstone",
]
PLAIN = [
    "and",
    "to",
    "of",
    "in",
    "for",
    "with",
    "on",
    "about",
    "from",
    "this",
    "that",
    "it",
    "is",
    "was",
    "be",
    "can",
    "will",
    "would",
    "could",
    "have",
    "has",
    "it's",
    "really",
    "also",
    "still",
    "just",
    "more",
    "most",
    "some",
    "many",
    "every",
]


def sentence(rng: random.Random, words: int) -> str:
    picked = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.45:
            picked.append(rng.choice(COMMON))
        elif roll < 0.85:
            picked.append(rng.choice(PLAIN))
        elif roll < 0.97:
            picked.append(rng.choice(TOPICS))
        else:
            picked.append(rng.choice(RARE))
    return " ".join(picked).capitalize() + "."


def paragraph(rng: random.Random, low: int, high: int) -> str:
    """A paragraph of `low` to `high` words."""
    total = rng.randint(low, high)
    parts = []
    while total > 0:
        size = min(total, rng.randint(6, 14))
        parts.append(sentence(rng, size))
        total -= size
    return " ".join(parts)


def title(rng: random.Random, topic: str) -> str:
    pattern = rng.randrange(5)
    if pattern == 0:
        return f"How do you approach {topic} in your team?"
    if pattern == 1:
        return f"What we learned about {topic} this {rng.choice(('week', 'month', 'quarter'))}"
    if pattern == 2:
        return f"A {rng.choice(RARE)} for {topic}"
    if pattern == 3:
        return f"Tips on {topic} and {rng.choice(TOPICS)}"
    return f"Question about {topic}: {rng.choice(COMMON)} {rng.choice(COMMON)}"


def as_html(text: str) -> str:
    """What the Markdown renderer makes of one plain paragraph."""
    return f"<p>{escape(text, quote=False)}</p>"
