"""What Northwind's people have been talking about in each space: posts, answers and replies.

A thread names its author by job title (people.ROLES) when a particular person should write it,
otherwise the loader picks a member who has accepted the rules. Times are days before loading,
so the demo always has the last ninety days of history that insights read.
"""

from dataclasses import dataclass, field

from afterclass.spaces.models import AnonymousQuestions

# The author of an announcement: the space's first moderator (or its owner).
MODERATOR = "moderator"


@dataclass(frozen=True)
class Reply:
    body: str
    by_asker: bool = False


@dataclass(frozen=True)
class Flag:
    """A member reports a comment to the space's moderators (moderation.ReportReason)."""

    reason: str
    text: str = ""


@dataclass(frozen=True)
class Answer:
    """A top-level comment; on a question, an answer."""

    body: str
    replies: tuple[Reply, ...] = ()
    votes: int = 0
    helped: int = 0
    accepted: bool = False
    by: str | None = None
    # Each flag is raised by a different member, and stays open for the moderators' queue.
    reports: tuple[Flag, ...] = ()
    # Hours after the question (or the answer before it); None: some time within 30 hours.
    # Insights judge a space by how fast its questions are answered, so some spaces say.
    after_hours: float | None = None


@dataclass(frozen=True)
class Picture:
    """A picture drawn by code (a scene of demo.media.SCENES) with its alt text."""

    scene: str
    alt: str
    text: tuple[str, ...] = ()  # the words on the sign, when the scene has one


@dataclass(frozen=True)
class Document:
    """A one-page PDF attached to a resource."""

    name: str
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Thread:
    kind: str
    title: str
    body: str
    days_ago: int
    link_url: str = ""
    anonymous: bool = False
    by: str | None = None
    answers: tuple[Answer, ...] = ()
    reactions: dict[str, int] = field(default_factory=dict)
    # Who marks the accepted answer: the asker, or a moderator tidying up an old question.
    accepted_by_moderator: bool = False
    pictures: tuple[Picture, ...] = ()  # an image post's pictures
    document: Document | None = None  # a resource's file

    @property
    def has_files(self) -> bool:
        return bool(self.pictures or self.document)


@dataclass(frozen=True)
class Conversations:
    anonymous_questions: str = AnonymousQuestions.OFF
    threads: tuple[Thread, ...] = ()


NEW_MANAGERS = Conversations(
    anonymous_questions=AnonymousQuestions.MEMBERS,
    threads=(
        Thread(
            "announcement",
            "Welcome to the circle: how to get the most from it",
            "Hello and welcome! A few things that make this space work well:\n\n"
            "- **Ask early.** A question asked in week one saves a difficult month later.\n"
            "- **You can ask anonymously.** Tick *ask anonymously* on a question; only the "
            "moderators can see who asked.\n"
            "- **Mark the answer that helped** so the next new manager finds it quickly.\n\n"
            "Individual cases still go to your HR business partner.",
            days_ago=88,
            by=MODERATOR,
            answers=(
                Answer("Thanks for setting this up. Glad to have somewhere to ask the basics."),
                Answer("Looking forward to learning from everyone here."),
            ),
            reactions={"like": 6, "celebrate": 3},
        ),
        Thread(
            "question",
            "How do I raise lateness with someone I get on well with?",
            "One of my team is often ten to fifteen minutes late. Their work is good and we "
            "get on well, which is exactly why I keep putting it off. How do I raise it "
            "without it feeling like a telling-off?",
            days_ago=76,
            anonymous=True,
            answers=(
                Answer(
                    "Keep it about the facts and the effect: *\"You've been in after 9:10 four "
                    'times this fortnight, and the morning handover starts without you."* Then '
                    "ask what is going on. More often than not there is a reason (school run, "
                    "bus times) and you can agree something together.",
                    replies=(
                        Reply("That wording helps a lot, thank you.", by_asker=True),
                        Reply("Same here: asking *what's going on* first changed the tone."),
                    ),
                    votes=5,
                    helped=4,
                    accepted=True,
                ),
                Answer(
                    "Do it soon and in private. The longer you wait, the bigger it feels for "
                    "both of you.",
                    votes=2,
                ),
                Answer(
                    "If it continues after a first chat, the attendance policy has a clear next "
                    "step; your HR business partner can walk you through it.",
                    votes=1,
                ),
            ),
            reactions={"helped": 5, "like": 2},
        ),
        Thread(
            "question",
            "What do you actually talk about in a first one-to-one?",
            "I have inherited a team of six and I'm starting one-to-ones next week. Beyond "
            '"how\'s it going?", what do you cover in the first one?',
            days_ago=64,
            answers=(
                Answer(
                    "I use three questions for the first one:\n\n"
                    "1. What do you enjoy most about your job?\n"
                    "2. What gets in the way?\n"
                    "3. How do you like to receive feedback?\n\n"
                    "Then I mostly listen and take notes.",
                    votes=6,
                    helped=5,
                    accepted=True,
                ),
                Answer(
                    "Agree how often you will meet and that it is *their* time, not a status "
                    "update. Status goes in the team meeting.",
                    replies=(Reply("Yes, this was the biggest change for my team."),),
                    votes=3,
                ),
            ),
            reactions={"helped": 4},
        ),
        Thread(
            "discussion",
            "The feedback model that finally worked for me",
            "After a few awkward attempts I have settled on **situation, behaviour, impact**: "
            "describe when it happened, what the person did, and the effect it had. It keeps "
            "me away from judging the person and it works for praise as well as problems.\n\n"
            "What do others use?",
            days_ago=51,
            answers=(
                Answer(
                    'SBI here too. I add a question at the end, *"How did you see it?"*, so it '
                    "becomes a conversation.",
                    replies=(Reply("Nice addition, I'm stealing that."),),
                ),
                Answer(
                    "I find I use it more for positive feedback now. People remember specific "
                    "praise far longer than a general *well done*."
                ),
                Answer("We practised this on Stepping into Management; good to see it in use."),
            ),
            reactions={"insightful": 5, "helped": 3, "like": 2},
        ),
        Thread(
            "resource",
            "Managing sickness absence: the ACAS guide",
            "A clear, neutral guide to handling short and long-term sickness absence. Read it "
            "alongside our own absence policy before a return-to-work meeting.",
            days_ago=45,
            link_url="https://www.acas.org.uk/absence-from-work",
            reactions={"helped": 4, "like": 1},
        ),
        Thread(
            "question",
            "How do you say no to a senior stakeholder on your team's behalf?",
            'A director regularly asks my team for "quick" reports that take half a day each. '
            "How have you pushed back without damaging the relationship?",
            days_ago=33,
            answers=(
                Answer(
                    'Offer a choice rather than a no: *"We can do this by Friday if the '
                    'stock report moves to next week. Which matters more?"* It makes the cost '
                    "visible.",
                    votes=4,
                    helped=2,
                ),
                Answer(
                    "Keep a simple log of ad-hoc requests for a month. The numbers make the "
                    "conversation much easier.",
                    votes=2,
                ),
            ),
            reactions={"like": 3},
        ),
        Thread(
            "question",
            "Is it normal to feel like I'm doing two jobs?",
            "I still have most of my old work and now the team as well. Did it settle down "
            "for you, or did you have to hand things over deliberately?",
            days_ago=9,
            anonymous=True,
            answers=(
                Answer(
                    "It settled for me once I wrote down everything I still did from my old "
                    "job and agreed with my manager which three things to hand over, and to "
                    "whom. It felt slow for a month and then it was a relief.",
                    by="Transport Manager",
                    after_hours=2.5,
                    votes=4,
                    helped=3,
                    accepted=True,
                ),
                Answer(
                    "Block two mornings a week for the team and protect them. The rest of "
                    "the work fits round them, not the other way round.",
                    by="Engineering Manager",
                    after_hours=3,
                    votes=2,
                ),
            ),
            reactions={"helped": 3},
        ),
        Thread(
            "discussion",
            "What I wish I had known in my first month as a manager",
            "Mine: you don't have to have the answer straight away. *\"Let me come back to you "
            'tomorrow"* is a perfectly good reply.',
            days_ago=20,
            answers=(
                Answer("That your calendar fills up unless you block time for your own work."),
                Answer(
                    "That the team watches how you react to bad news more than anything you "
                    "say in meetings.",
                    replies=(Reply("So true. Stay calm, ask questions, then act."),),
                ),
                Answer("To ask for a mentor. It took me a year to do it."),
            ),
            reactions={"like": 7, "insightful": 2},
        ),
        Thread(
            "question",
            "Any tools for planning a team's workload across shifts?",
            "We plan the rota in a spreadsheet and it breaks every time someone is off. What "
            "do other teams use?",
            days_ago=3,
            by="Warehouse Shift Lead",
            answers=(
                Answer(
                    "The service desk moved to the shift planner in the HR portal last year. "
                    "Absences flow in from the holiday system, so the gaps show up on their own.",
                    by="Service Desk Manager",
                    after_hours=1.5,
                    replies=(
                        Reply(
                            "I didn't know the portal had one. Trying it this week.", by_asker=True
                        ),
                    ),
                    votes=3,
                    helped=2,
                    accepted=True,
                ),
                Answer(
                    "Whatever the tool, plan cover for the two busiest days first and fill "
                    "the rest afterwards. It saved our transport rota.",
                    by="Transport Manager",
                    after_hours=4,
                    votes=1,
                ),
            ),
            reactions={"helped": 2},
        ),
        Thread(
            "question",
            "How do you run a team meeting people actually want to come to?",
            "Our weekly meeting has become a round of status updates that everyone could have "
            "read in an e-mail. What has worked for your teams?",
            days_ago=25,
            by="Key Accounts Manager",
            answers=(
                Answer(
                    "Status goes in a shared note before the meeting; the meeting is only for "
                    "decisions and problems. Ours went from an hour to twenty minutes.",
                    by="Engineering Manager",
                    after_hours=1.5,
                    votes=5,
                    helped=4,
                    accepted=True,
                ),
                Answer(
                    "Let someone different run it each week. People turn up for each other.",
                    by="Customer Experience Manager",
                    after_hours=2,
                    votes=2,
                ),
            ),
            reactions={"helped": 3, "like": 2},
        ),
        Thread(
            "question",
            "How do I delegate work I can do faster myself?",
            "I keep doing the analysis myself because it takes me an hour and would take "
            "someone new a day. I know it does not scale. How did you get past this?",
            days_ago=16,
            by="Data Team Lead",
            answers=(
                Answer(
                    "Count the day as training, not as a cost. Do it together once, then let "
                    "them do it while you review. By the third time it takes them an hour too.",
                    by="Warehouse Manager",
                    after_hours=2,
                    replies=(Reply("Framing it as training helps. Thank you.", by_asker=True),),
                    votes=4,
                    helped=3,
                    accepted=True,
                ),
                Answer(
                    "Start with the work you least enjoy: it is easier to let go of.",
                    by="Procurement Manager",
                    after_hours=5,
                    votes=2,
                ),
            ),
            reactions={"helped": 4},
        ),
        Thread(
            "question",
            "Someone disagrees with every decision in our meetings",
            "One experienced person challenges every decision, in front of the whole team. "
            "Some of the challenges are useful, but the meetings stall. How would you handle "
            "it?",
            days_ago=12,
            by="Service Desk Manager",
            answers=(
                Answer(
                    "Talk to them one-to-one first: thank them for the challenges that "
                    "helped, and agree how to raise the rest, for example before the meeting.",
                    by=MODERATOR,
                    after_hours=3,
                    votes=3,
                    helped=2,
                    accepted=True,
                ),
                Answer(
                    "Give them a role: ask them to look for the risks in a plan before it is "
                    "shared. Challengers often make the best reviewers.",
                    by="Key Accounts Manager",
                    after_hours=6,
                    votes=3,
                ),
            ),
            reactions={"insightful": 2, "helped": 2},
        ),
        Thread(
            "question",
            "First appraisal round as a manager: where do I start?",
            "Appraisals open next month and I have five to write. What should I do now so "
            "that they are fair and not a rush?",
            days_ago=6,
            by="Customer Experience Manager",
            answers=(
                Answer(
                    "Go back through your one-to-one notes now and list two examples for each "
                    "person. If you can't find two, that's a conversation to have before the "
                    "appraisal, not in it.",
                    by="Transport Manager",
                    after_hours=1,
                    votes=3,
                    helped=3,
                    accepted=True,
                ),
                Answer(
                    "Ask each person to write their own summary first. It shows you where "
                    "you see things differently.",
                    by="Data Team Lead",
                    after_hours=4,
                    votes=2,
                ),
            ),
            reactions={"helped": 3},
        ),
        Thread(
            "question",
            "A new starter joins my team on Monday: what makes a good first week?",
            "It's the first person I have hired. I want their first week to be better than "
            "mine was.",
            days_ago=1,
            by="Procurement Manager",
            answers=(
                Answer(
                    "Have their laptop, badge and logins ready before they arrive, and give "
                    "them a buddy who isn't you. Lunch with the team on day one.",
                    by="Warehouse Shift Lead",
                    after_hours=2,
                    votes=1,
                ),
            ),
        ),
        Thread(
            "resource",
            "First one-to-one: question sheet",
            "The questions from the thread on first one-to-ones, on one page. Print it or keep "
            "it open during the conversation, and skip what does not fit the person.",
            days_ago=50,
            by=MODERATOR,
            document=Document(
                "first-one-to-one-questions.pdf",
                "First one-to-one: question sheet",
                (
                    "Before: book 45 minutes somewhere quiet, and say it is a getting-to-know-you "
                    "chat, not a review.",
                    "",
                    "Getting to know each other",
                    "- What do you enjoy most about your job?",
                    "- What gets in the way of doing your best work?",
                    "- How do you like to receive feedback: in the moment, or saved for our "
                    "one-to-ones?",
                    "",
                    "Working together",
                    "- What did a previous manager do that helped you?",
                    "- How often would you like to meet, and for how long?",
                    "- What should I know about you that is not in your file?",
                    "",
                    "Close",
                    "- Agree one thing each of you will do before the next one-to-one.",
                    "- Write down the date of the next one before you leave the room.",
                ),
            ),
            reactions={"helped": 5, "like": 2},
        ),
    ),
)

EXCEL_FOLLOW_UP = Conversations(
    threads=(
        Thread(
            "announcement",
            "Week 1 practice task: XLOOKUP on a made-up price list",
            "Download nothing, type it yourself: a table of ten product codes and prices, and "
            "a list of orders with codes. Use **XLOOKUP** to bring the price into each order "
            "and show *not found* for unknown codes. Post how you did it by Friday.",
            days_ago=85,
            by="Trainer",
            answers=(
                Answer("Done! The *if_not_found* argument is so much tidier than IFERROR."),
                Answer("Took me a while but got there. Posting my version below."),
            ),
            reactions={"like": 5},
        ),
        Thread(
            "discussion",
            "My week 1 solution, with a fallback for unknown codes",
            '```\n=XLOOKUP([@Code], Prices[Code], Prices[Price], "not found")\n```\n\n'
            "Using a Table means the formula fills down by itself when I add orders.",
            days_ago=83,
            answers=(
                Answer(
                    "Nice. You can also use `match_mode` 2 for wildcard codes like `AB*`.",
                    replies=(Reply("Didn't know that, thanks!"),),
                ),
            ),
            reactions={"helped": 3, "insightful": 2},
        ),
        Thread(
            "question",
            "Why does my VLOOKUP return #N/A when the value is clearly there?",
            "Both cells show `10452`, but VLOOKUP says #N/A. I've checked the range twice.",
            days_ago=71,
            answers=(
                Answer(
                    "Nine times out of ten one of them is text and the other a number, or "
                    "there's a trailing space. Try `=ISNUMBER(A2)` on both, and wrap the lookup "
                    "value in `TRIM()`.",
                    replies=(
                        Reply(
                            "It was a trailing space from the export. Fixed, thank you!",
                            by_asker=True,
                        ),
                    ),
                    votes=6,
                    helped=5,
                    accepted=True,
                ),
                Answer("Also check the sheet isn't set to manual calculation.", votes=1),
            ),
            reactions={"helped": 6},
        ),
        Thread(
            "question",
            "My pivot table doesn't pick up new rows",
            "Every week I paste new data under the old and the pivot table ignores it. Do I "
            "have to change the range each time?",
            days_ago=57,
            answers=(
                Answer(
                    "Turn the data into a Table first (**Ctrl+T**), then point the pivot at the "
                    "Table's name. New rows are included when you refresh.",
                    votes=5,
                    helped=4,
                    accepted=True,
                ),
            ),
            reactions={"helped": 3},
        ),
        Thread(
            "resource",
            "Microsoft's guide to XLOOKUP",
            "The official reference with examples for every argument. Good to keep open "
            "while doing the week 1 task.",
            days_ago=80,
            by="Trainer",
            link_url="https://support.microsoft.com/en-gb/office/xlookup-function-b7fd680e-6d10"
            "-43e6-84f9-88eae8bf5929",
            reactions={"helped": 4},
        ),
        Thread(
            "announcement",
            "Week 3 practice task: clean a messy export",
            "A made-up export with merged cells, dates stored as text and spare spaces. Tidy "
            "it into one clean Table using Power Query or formulas, and tell us which steps "
            "you took.",
            days_ago=43,
            by="Trainer",
            answers=(Answer("Power Query's *Trim* and *Change type* did most of it for me."),),
            reactions={"like": 4},
        ),
        Thread(
            "resource",
            "What is Power Query? A short introduction",
            "If week 3 made you curious about Power Query, start here.",
            days_ago=42,
            link_url="https://learn.microsoft.com/en-us/power-query/power-query-what-is-power-query",
            reactions={"like": 2, "helped": 2},
        ),
        Thread(
            "question",
            "How do I highlight a whole row based on one cell?",
            'I\'d like every row where *Status* is "Overdue" to turn amber.',
            days_ago=26,
            answers=(
                Answer(
                    "Select the whole table, *Conditional formatting → New rule → Use a "
                    'formula*, and enter `=$F2="Overdue"`. The `$` keeps the column fixed.',
                    votes=3,
                    helped=2,
                ),
            ),
            reactions={"helped": 2},
        ),
        Thread(
            "question",
            "Best way to compare two supplier statements?",
            "I have our ledger and the supplier's statement, both as made-up lists of invoice "
            "numbers and amounts. What is the quickest way to see what is missing on each side?",
            days_ago=6,
        ),
        Thread(
            "resource",
            "Pivot tables cheat sheet",
            "One page to keep next to your keyboard: building a pivot table, grouping dates, "
            "showing values as a % of the total, and refreshing when the data changes. It "
            "follows session 3 of the course.",
            days_ago=54,
            by="Trainer",
            document=Document(
                "pivot-tables-cheat-sheet.pdf",
                "Pivot tables cheat sheet",
                (
                    "Excel & data skills course, session 3. Practise on made-up data only.",
                    "",
                    "1. Start with a clean table: one header row, no blank rows or merged cells.",
                    "   Press Ctrl+T to make it a table, so new rows are included automatically.",
                    "2. Insert > PivotTable, choose 'New worksheet', then drag fields:",
                    "   Rows: what you group by (region, product). Values: what you add up.",
                    "3. Group dates: right-click a date in Rows > Group > Months and Years.",
                    "4. Percentages: Values field > Show Values As > % of Grand Total.",
                    "5. Count instead of sum: Values field settings > Summarise by > Count.",
                    "6. Filter with slicers: PivotTable Analyse > Insert Slicer.",
                    "7. New data? Data > Refresh All (Ctrl+Alt+F5). Pivots do not update alone.",
                    "",
                    "Common mistakes",
                    "- Numbers stored as text are counted, not summed: convert them first.",
                    "- A blank in the date column stops date grouping: fill or remove it.",
                    "- Typing over a pivot table's cells is lost at the next refresh.",
                ),
            ),
            answers=(
                Answer(
                    "Printed and pinned up. The refresh reminder alone has saved me twice.",
                    helped=2,
                ),
            ),
            reactions={"helped": 6, "like": 3},
        ),
        Thread(
            "resource",
            "Lookup errors: what they mean and the fix",
            "The lookup errors that came up most in the practice tasks, each with what it "
            "means and how to fix it: #N/A, wrong matches from approximate lookups, and "
            "numbers stored as text.",
            days_ago=24,
            by="Data Analyst",
            document=Document(
                "lookup-errors.pdf",
                "Lookup errors: what they mean and the fix",
                (
                    "#N/A - the value was not found.",
                    "   Check for spaces (use TRIM) and for codes stored as text in one list only.",
                    '   XLOOKUP can say so: =XLOOKUP(A2,Codes,Prices,"not found").',
                    "",
                    "A wrong price with no error - an approximate match was used.",
                    "   VLOOKUP's last argument must be FALSE (or 0) for an exact match.",
                    "",
                    "#REF! - the column number is larger than the table.",
                    "   Count the columns again, or switch to XLOOKUP, which has no column number.",
                    "",
                    "Numbers that look right but never match - numbers stored as text.",
                    "   Select the column, Data > Text to Columns > Finish converts them.",
                    "",
                    "#SPILL! - a formula's results would overwrite cells that are not empty.",
                    "   Clear the cells below, or move the formula.",
                ),
            ),
            reactions={"helped": 4},
        ),
    ),
)

CUSTOMER_SERVICE_TIPS = Conversations(
    threads=(
        Thread(
            "announcement",
            "How this stream works",
            "One tip per post, 280 characters at most. Add a tag like #calls or #chat. If a "
            "tip helped you, press *This helped me*: the most helpful tips go into the "
            "induction pack each quarter.",
            days_ago=87,
            by=MODERATOR,
            reactions={"like": 8},
        ),
        Thread(
            "update",
            "",
            "#calls When a customer is angry, let them finish before you say anything. Then "
            "repeat back the one thing they most want fixed. Thanks to Priya for this one.",
            days_ago=82,
            answers=(Answer("Works every time, especially on delivery complaints."),),
            reactions={"helped": 9, "like": 3},
        ),
        Thread(
            "update",
            "",
            "#systems In the CRM, Ctrl+Shift+F searches every field, including old order "
            "notes. Much faster than the customer search box.",
            days_ago=70,
            reactions={"helped": 7, "insightful": 2},
        ),
        Thread(
            "update",
            "",
            "#chat Send one short message at a time on live chat. Long blocks of text get "
            "skimmed and customers ask again.",
            days_ago=61,
            reactions={"helped": 4, "like": 2},
        ),
        Thread(
            "update",
            "",
            "#complaints Say what you *will* do and by when, not what you can't. \"I'll call "
            'you back by 3pm with an update" beats "I can\'t do anything until the depot '
            'replies".',
            days_ago=48,
            answers=(
                Answer(
                    "And then call at 2:55!",
                    replies=(Reply("Ha, yes. Under-promise, over-deliver."),),
                ),
            ),
            reactions={"helped": 8, "like": 4},
        ),
        Thread(
            "update",
            "",
            "#systems When the returns portal is down, log the return on the paper form in "
            "the shared drive and put RETURNS-DOWN in the case note. Team leads batch them "
            "later.",
            days_ago=35,
            reactions={"helped": 5},
        ),
        Thread(
            "update",
            "",
            "#calls Smile when you answer. It sounds silly, but customers hear it.",
            days_ago=22,
            reactions={"like": 6, "helped": 2},
        ),
        Thread(
            "update",
            "",
            "#chat Copy the customer's own words for the problem into your reply. They feel "
            "heard and there is less back and forth.",
            days_ago=12,
            reactions={"insightful": 3, "helped": 3},
        ),
        Thread(
            "update",
            "",
            "#complaints Before transferring a call, tell the customer who they are going to "
            "and why. Warm transfers halve the repeat explanations.",
            days_ago=4,
            reactions={"helped": 2},
        ),
    ),
)

SITE_SAFETY = Conversations(
    threads=(
        Thread(
            "announcement",
            "What makes a good safety photo",
            "Show the good practice or the fix, not people. Say **where** (site and aisle), "
            "**what** you see, and **what changed**. Crop out faces and number plates before "
            "posting.",
            days_ago=60,
            by=MODERATOR,
            answers=(
                Answer("Could we add the date the fix was made too?"),
                Answer("Good idea; please add it to the caption when you know it."),
            ),
            reactions={"like": 5},
        ),
        Thread(
            "image",
            "",
            "**Leeds DC, aisle 12.** The pedestrian walkway between the racking has been "
            "repainted. The old lines had worn away where the forklift route crosses; they are "
            "now 100 mm wide and the walking figure is back on the floor.",
            days_ago=84,
            pictures=(
                Picture(
                    "walkway",
                    "A warehouse aisle between two blue and orange racks, with two fresh yellow "
                    "lines marking a walkway and a white walking figure painted on the floor.",
                    ("PEDESTRIANS",),
                ),
            ),
            answers=(Answer("Much easier to see at the start of a night shift. Thanks!"),),
            reactions={"like": 6},
        ),
        Thread(
            "image",
            "",
            "**Bradford, goods-in, door 4.** The fire exit was half blocked by returned cages. "
            "Cages now have their own marked bay and the hatching in front of the door is fresh. "
            "Fixed on the 3rd.",
            days_ago=77,
            pictures=(
                Picture(
                    "fire-exit",
                    "A green fire exit sign with a running figure and an arrow above a grey "
                    "door; yellow hatching on the floor in front of the door is clear.",
                ),
                Picture(
                    "hazard-sign",
                    "A yellow warning triangle on a white sign reading: keep clear, fire exit.",
                    ("KEEP CLEAR", "FIRE EXIT"),
                ),
            ),
            answers=(
                Answer(
                    "Could we get the same hatching at door 7? Same problem there.",
                    replies=(Reply("On the list for next week.", by_asker=True),),
                ),
            ),
            reactions={"like": 5, "helped": 2},
        ),
        Thread(
            "image",
            "",
            "**Leeds DC.** New charging area for the reach trucks: chargers on the wall, a "
            "hatched bay so nobody parks in front of them, and goggles at the end of the row.",
            days_ago=69,
            by="Health & Safety Lead",
            pictures=(
                Picture(
                    "charging-area",
                    "Four battery chargers on a wall under a sign reading battery charging area, "
                    "with a yellow and black hatched bay marked on the floor in front of them.",
                    ("BATTERY CHARGING AREA",),
                ),
                Picture(
                    "hazard-sign",
                    "A yellow warning triangle on a white sign reading: battery acid, wear "
                    "goggles.",
                    ("BATTERY ACID", "WEAR GOGGLES"),
                ),
            ),
            answers=(Answer("Is the eyewash station on the same wall?"),),
            reactions={"like": 4, "celebrate": 2},
        ),
        Thread(
            "image",
            "",
            "**Doncaster yard.** Maximum stacking height painted on the empty-pallet wall at "
            "1.8 m. Stacks were reaching well above head height; now the limit is obvious from "
            "across the yard.",
            days_ago=58,
            pictures=(
                Picture(
                    "pallet-stack",
                    "Three stacks of wrapped pallets against a wall, all below a red line "
                    "labelled maximum height 1.8 metres.",
                    ("MAX HEIGHT 1.8 m",),
                ),
            ),
            reactions={"like": 3, "helped": 1},
        ),
        Thread(
            "image",
            "",
            "**Bradford, loading bay 2.** The spill kit now stands next to the diesel tank with "
            "a new label. In last month's drill nobody could find it behind the bins.",
            days_ago=47,
            pictures=(
                Picture(
                    "spill-kit",
                    "A yellow bin labelled spill kit, oil and chemical, standing beside a closed "
                    "roller door.",
                ),
                Picture(
                    "hazard-sign",
                    "A yellow warning triangle on a white sign reading: diesel, no naked flames.",
                    ("DIESEL", "NO NAKED FLAMES"),
                ),
            ),
            answers=(
                Answer(
                    "Good move. Worth checking the pads inside too: ours had been used and not "
                    "replaced."
                ),
            ),
            reactions={"like": 5},
        ),
        Thread(
            "image",
            "",
            "**Transport office, Leeds.** The planners' desks after the workstation "
            "assessments: screens raised to eye height, cables tied along the back of the desk, "
            "footrests for those who asked.",
            days_ago=39,
            pictures=(
                Picture(
                    "workstation",
                    "A tidy desk with a monitor at eye height, a keyboard and mouse, a small "
                    "plant, and an office chair pushed under it.",
                ),
                Picture(
                    "workstation",
                    "The same kind of desk from another side, with the cables tied in a single "
                    "run along the back edge.",
                    ("Cables tied away",),
                ),
            ),
            answers=(
                Answer("Ask for an assessment if you have not had one; it takes twenty minutes."),
            ),
            reactions={"like": 4, "helped": 2},
        ),
        Thread(
            "image",
            "",
            "**Doncaster, mezzanine stairs.** The fire point was hidden behind empty totes. "
            "The totes went back to the returns cage, and the extinguisher had its monthly "
            "check the same day (tag on the bracket).",
            days_ago=30,
            by="Health & Safety Lead",
            pictures=(
                Picture(
                    "extinguisher",
                    "A red fire extinguisher on a wall bracket under a red sign reading fire "
                    "point, with a white inspection tag marked OK.",
                ),
            ),
            reactions={"like": 3},
        ),
        Thread(
            "image",
            "",
            "**Leeds yard gate.** Hi-vis station with numbered pegs. Visitors were walking into "
            "the yard without vests; now the vests hang right at the gate and the sign says why.",
            days_ago=21,
            pictures=(
                Picture(
                    "hi-vis-station",
                    "Yellow and orange hi-vis vests hanging on numbered pegs under a sign reading "
                    "hi-vis beyond this point.",
                ),
            ),
            answers=(
                Answer("Could the visitors' sign-in sheet mention it too?"),
                Answer(
                    "Is anyone selling a second-hand bike? Mine went from the rack by the gate "
                    "last week.",
                    reports=(Flag("off_topic"),),
                ),
            ),
            reactions={"like": 6, "celebrate": 1},
        ),
        Thread(
            "image",
            "",
            "**Bradford mezzanine.** The step down at the end of the walkway now has a warning "
            "sign and a yellow nosing. Two near misses were reported there in the autumn.",
            days_ago=13,
            pictures=(
                Picture(
                    "walkway",
                    "A mezzanine walkway between racks, marked with yellow lines and a white "
                    "walking figure.",
                    ("MEZZANINE WALKWAY",),
                ),
                Picture(
                    "hazard-sign",
                    "A yellow warning triangle on a white sign reading: mind the step.",
                    ("MIND", "THE STEP"),
                ),
            ),
            answers=(
                Answer(
                    "20% off boots and hi-vis at my cousin's workwear shop this month. Message "
                    "me for the code!",
                    reports=(
                        Flag("spam"),
                        Flag("breaks_rules", "Advertising a shop; this board is for safety."),
                    ),
                ),
            ),
            reactions={"like": 4, "helped": 1},
        ),
        Thread(
            "image",
            "",
            "**Doncaster, by the canteen.** Fire exit and fire point checked and clear before "
            "Monday's toolbox talk. For the new starters: this is what good looks like.",
            days_ago=6,
            by=MODERATOR,
            pictures=(
                Picture(
                    "fire-exit",
                    "A green fire exit sign above a door with clear yellow hatching in front.",
                ),
                Picture(
                    "extinguisher",
                    "A red fire extinguisher on its bracket under a fire point sign, its "
                    "inspection tag marked OK.",
                ),
                Picture(
                    "hi-vis-station",
                    "Hi-vis vests on numbered pegs by the canteen door.",
                    ("HI-VIS FOR THE YARD",),
                ),
            ),
            reactions={"like": 5},
        ),
        Thread(
            "image",
            "",
            "**Leeds DC, dock 6.** The roof leak is fixed. Until the floor is fully dry the "
            "wet-floor sign stays at both ends of the dock.",
            days_ago=2,
            pictures=(
                Picture(
                    "hazard-sign",
                    "A yellow warning triangle on a white sign reading: wet floor.",
                    ("WET", "FLOOR"),
                ),
            ),
            reactions={"like": 2},
        ),
    ),
)

# Busy in its first weeks, quiet since the team went back to its weekly call: nobody has
# posted for over six weeks and nobody reads it, so insights recommend scaling it down.
HR_BUSINESS_PARTNERS = Conversations(
    threads=(
        Thread(
            "announcement",
            "Agreed interpretations now live in the policy library",
            "Everything we agreed last quarter, including flexible working for shift teams, is "
            "written up in the HR policy library. Please point managers there.",
            days_ago=74,
            by=MODERATOR,
            reactions={"like": 3},
        ),
        Thread(
            "discussion",
            "Flexible working requests from shift workers",
            "We are seeing more requests for fixed shifts from warehouse teams. How are we each "
            "weighing the business case so that decisions are consistent across sites?",
            days_ago=66,
            answers=(
                Answer(
                    "I ask the manager to show the effect on shift cover over a month, not just "
                    "one week. It makes the conversation more concrete.",
                    replies=(Reply("Agreed; I'll add that to our checklist."),),
                ),
                Answer("A three-month trial period has worked well in Transport."),
            ),
            reactions={"insightful": 3},
        ),
        Thread(
            "question",
            "Compassionate leave for extended family: how are we applying it?",
            "The policy says *close family*. A manager asked whether that covers a grandparent "
            "who raised the employee. What would you advise?",
            days_ago=57,
            answers=(
                Answer(
                    "I'd read *close family* by the relationship, not the title. If they were "
                    "raised by them, that is close family.",
                    votes=3,
                    accepted=True,
                ),
                Answer("Same view. Let's add an example to the policy FAQ.", votes=1),
            ),
            reactions={"helped": 2},
        ),
        Thread(
            "resource",
            "ACAS: disciplinary procedure step by step",
            "A useful refresher before supporting a manager through a first disciplinary.",
            days_ago=47,
            link_url="https://www.acas.org.uk/disciplinary-procedure-step-by-step",
            reactions={"helped": 2},
        ),
    ),
)

ONBOARDING_2025 = Conversations(
    threads=(
        Thread(
            "announcement",
            "Welcome to Northwind!",
            "This space is yours for your first ninety days. Ask anything, however small, and "
            "complete each week's onboarding activity before Friday's check-in.",
            days_ago=90,
            by=MODERATOR,
            answers=(
                Answer("Thank you! Excited to get started."),
                Answer("Hello from the Field sales team."),
            ),
            reactions={"like": 7, "celebrate": 4},
        ),
        Thread(
            "discussion",
            "Introduce yourself",
            "Tell us your name, your team and one thing you did before Northwind. I'll start: "
            "I design the learning programmes and I used to teach secondary science.",
            days_ago=89,
            by="Learning Designer",
            answers=(
                Answer("Hi! I drive a forklift in the Leeds warehouse; before this, a bakery."),
                Answer(
                    "Service desk here. I used to fix laptops in a university.",
                    replies=(Reply("Welcome! We'll be sending you lots of tickets."),),
                ),
                Answer("Live chat advisor, previously in retail for six years."),
            ),
            reactions={"like": 6},
        ),
        Thread(
            "question",
            "How do I book a desk in the head office?",
            "I'm in on Tuesdays and Thursdays. Is there a system, or do I just turn up?",
            days_ago=84,
            answers=(
                Answer(
                    "Use the *Desk booking* tile on the intranet home page. Book by 4pm the "
                    "day before.",
                    votes=4,
                    helped=3,
                    accepted=True,
                ),
            ),
            reactions={"helped": 4},
        ),
        Thread(
            "question",
            "Where do I find my payslip?",
            "My first payday is next week and I don't know where payslips appear.",
            days_ago=70,
            answers=(
                Answer(
                    "In the HR portal under *My pay*. It appears two days before payday.",
                    votes=3,
                    accepted=True,
                ),
            ),
            accepted_by_moderator=True,
            reactions={"helped": 3},
        ),
        Thread(
            "resource",
            "Your first 90 days checklist",
            "Everything to do in your first three months, week by week.",
            days_ago=88,
            by=MODERATOR,
            link_url="https://intranet.example.org/onboarding/first-90-days",
            reactions={"helped": 5},
        ),
        Thread(
            "question",
            "Is there a staff discount scheme?",
            "Someone mentioned discounts at the induction but I didn't catch the details.",
            days_ago=52,
        ),
    ),
)

# Read across the organisation, but its questions wait: most of the recent ones got no answer
# within 48 hours, so insights recommend assigning answerers.
WELLBEING = Conversations(
    anonymous_questions=AnonymousQuestions.EVERYONE,
    threads=(
        Thread(
            "announcement",
            "Support that is there for you",
            "The Employee Assistance Programme is free, confidential and open 24 hours a day. "
            "Our mental health first aiders are listed on the intranet. This space is for "
            "sharing ideas, not for crises: if you need urgent help, call the EAP or 999.",
            days_ago=86,
            by=MODERATOR,
            reactions={"like": 9, "helped": 3},
        ),
        Thread(
            "question",
            "How do you switch off after a late shift?",
            "I finish at 10pm and lie awake until two. What helps others wind down?",
            days_ago=58,
            anonymous=True,
            answers=(
                Answer(
                    "A short walk before going in the house, and no phone for the first half "
                    "hour. It took a couple of weeks to make a difference.",
                    replies=(Reply("I'll try the walk. Thank you.", by_asker=True),),
                    votes=4,
                    helped=3,
                    accepted=True,
                ),
                Answer("Writing tomorrow's to-do list before leaving work helps me.", votes=2),
            ),
            reactions={"helped": 4},
        ),
        Thread(
            "discussion",
            "Walking meetings: who has tried them?",
            "We've started doing our weekly one-to-ones as a walk round the business park. "
            "Anyone else? Any downsides?",
            days_ago=40,
            answers=(
                Answer("Love them, but keep a notebook handy for actions."),
                Answer(
                    "Not great in the rain! We have an indoor fallback route.",
                    replies=(Reply("An indoor route is a great idea."),),
                ),
            ),
            reactions={"like": 5, "insightful": 1},
        ),
        Thread(
            "resource",
            "NHS Every Mind Matters",
            "Free, practical tips for sleep, stress and low mood, with a short quiz that builds "
            "a personal plan.",
            days_ago=30,
            by=MODERATOR,
            link_url="https://www.nhs.uk/every-mind-matters/",
            reactions={"helped": 4},
        ),
        Thread(
            "question",
            "Screen time tips for long data-entry days?",
            "My eyes are tired by mid-afternoon. What do people do?",
            days_ago=17,
            answers=(
                Answer(
                    "The 20-20-20 rule: every 20 minutes look at something 20 feet away for "
                    "20 seconds.",
                    votes=3,
                    helped=2,
                    after_hours=5,
                ),
                Answer("Ask for a workstation assessment; they adjusted my screen height."),
            ),
        ),
        Thread(
            "question",
            "Does the cycle-to-work scheme cover e-bikes?",
            "I'd like to start cycling to the warehouse but it's eleven miles each way. Can the "
            "scheme be used for an electric bike, and is there a limit?",
            days_ago=24,
            by="Warehouse Operative",
        ),
        Thread(
            "question",
            "Night shifts and young children: how do you manage sleep?",
            "I'm on nights for the next three months and we have a two-year-old. Any routines "
            "that work for other parents?",
            days_ago=21,
            anonymous=True,
            answers=(
                Answer(
                    "Sorry this took a while to get a reply. Blackout blind, earplugs and a "
                    "fixed 'do not disturb' sleep block agreed with whoever is at home.",
                    after_hours=80,
                    votes=1,
                ),
            ),
        ),
        Thread(
            "question",
            "Is there a quiet room at the Leeds site?",
            "Sometimes I need ten minutes away from the noise between calls. Is there "
            "anywhere set aside for that?",
            days_ago=12,
            by="Transport Planner",
        ),
        Thread(
            "question",
            "Is there a lunchtime walking group?",
            "I've seen people heading out together at lunch. Can anyone join?",
            days_ago=9,
            by="Account Coordinator",
            answers=(
                Answer(
                    "Yes! We leave reception at 12:30 on Tuesdays and Thursdays, thirty "
                    "minutes round the park. Just turn up.",
                    by="Trainer",
                    after_hours=3,
                    helped=2,
                ),
            ),
        ),
        Thread(
            "question",
            "Standing desks: worth asking for one?",
            "My back aches after long days at the desk. Has anyone asked for a standing desk, "
            "and did it help?",
            days_ago=2,
            by="Live Chat Advisor",
        ),
        Thread(
            "question",
            "Is it OK to ask for a later start for a few weeks?",
            "Things at home are difficult right now and mornings are the hardest part.",
            days_ago=5,
            anonymous=True,
        ),
    ),
)

CONVERSATIONS: dict[str, Conversations] = {
    "new-managers-circle": NEW_MANAGERS,
    "excel-data-skills-follow-up": EXCEL_FOLLOW_UP,
    "quick-tips-customer-service": CUSTOMER_SERVICE_TIPS,
    "site-safety-photo-board": SITE_SAFETY,
    "hr-business-partners": HR_BUSINESS_PARTNERS,
    "onboarding-cohort-2025": ONBOARDING_2025,
    "wellbeing-at-work": WELLBEING,
}
