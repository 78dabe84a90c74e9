"""Deterministic prose for the demo site: names, headlines, paragraphs, comments, teasers."""

from __future__ import annotations

import random

FIRST = ("Amina Lot Maria Tomas Hiro Sara Daniel Ines Kofi Lena Omar Priya Jonas Elif Mateo "
         "Nadia Pavel Chloe Ravi Sofia").split()
LAST = ("Khan Berger Okafor Silva Tanaka Lindqvist Moreau Haddad Novak Rossi Mensah Iyer "
        "Schmidt Costa Duarte Ahmed Walsh Kowalski Brennan Aziz").split()
PLACES = ("the capital", "the northern provinces", "the coastal city", "the river valley",
          "the border region", "the industrial belt", "the old harbour district",
          "the southern highlands", "the eastern suburbs", "the delta farmlands")
ACTORS = ("the finance ministry", "opposition leaders", "the central bank", "local officials",
          "union representatives", "the city council", "independent analysts",
          "the regional governor", "a parliamentary committee", "hospital administrators",
          "researchers at the national university", "shipping companies", "farmers' groups",
          "the electoral commission", "small business owners")
TOPICS = ("the new budget", "water rationing", "the rail expansion", "fuel subsidies",
          "the teachers' strike", "a proposed tax on imports", "the flood defence plan",
          "rising food prices", "the vaccination drive", "the port privatisation",
          "electricity tariffs", "the housing shortage", "a long-delayed census",
          "the reform of pensions", "the airport contract")
VERBS = ("criticised", "defended", "questioned", "welcomed", "warned against", "delayed",
         "approved", "rejected", "reviewed", "backed")
OUTCOMES = ("could cost the treasury billions over the next decade",
            "would leave thousands of families without support",
            "has already pushed up prices in several markets",
            "may not survive a vote in parliament next month",
            "was drafted without consulting the people most affected",
            "is expected to take at least three years to complete",
            "drew hundreds of protesters to the streets on Saturday",
            "has divided the governing coalition",
            "was welcomed cautiously by international lenders",
            "remains unclear after weeks of negotiations")
QUOTES = ("We cannot keep postponing decisions that affect every household",
          "The numbers simply do not add up, and everyone in the room knows it",
          "This is the first step, not the last, and we will be judged on delivery",
          "People here have waited long enough for a straight answer",
          "Nobody asked us before the plan was announced",
          "We expect the situation to improve before the end of the year",
          "There is no quick fix, but doing nothing is not an option")
SECTIONS = (("world", "World"), ("politics", "Politics"), ("business", "Business"),
            ("science", "Science"), ("culture", "Culture"))
TAGS = ("economy", "elections", "climate", "health", "energy", "transport", "education",
        "housing", "agriculture", "technology", "courts", "labour")


def sentence(rng: random.Random) -> str:
    """One plausible news sentence."""
    form = rng.randrange(6)
    actor, topic = rng.choice(ACTORS), rng.choice(TOPICS)
    if form == 0:
        text = f"{actor} {rng.choice(VERBS)} {topic} on {rng.choice(DAYS)}"
    elif form == 1:
        text = f"critics say {topic} {rng.choice(OUTCOMES)}"
    elif form == 2:
        text = f"in {rng.choice(PLACES)}, {actor} said {topic} {rng.choice(OUTCOMES)}"
    elif form == 3:
        text = f"\u201c{rng.choice(QUOTES)},\u201d said {person(rng)}, a spokesperson for {actor}"
    elif form == 4:
        text = (f"figures released by {actor} show that {rng.randint(3, 97)} per cent of "
                f"residents in {rng.choice(PLACES)} are affected by {topic}")
    else:
        text = (f"{actor} and {rng.choice(ACTORS)} are due to meet again after talks on {topic} "
                f"ended without agreement")
    return text[0].upper() + text[1:] + "."


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def paragraph(rng: random.Random, sentences: tuple[int, int] = (2, 4)) -> str:
    """A paragraph of a few sentences."""
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def person(rng: random.Random) -> str:
    """A person's full name."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def headline(rng: random.Random) -> str:
    """A headline, title-ish case."""
    form = rng.randrange(4)
    actor, topic = rng.choice(ACTORS), rng.choice(TOPICS)
    if form == 0:
        text = f"{actor} {rng.choice(VERBS)} {topic}"
    elif form == 1:
        text = f"Questions grow over {topic} in {rng.choice(PLACES)}"
    elif form == 2:
        text = f"What {topic} means for {rng.choice(PLACES)}"
    else:
        text = f"{actor} split over {topic} as deadline nears"
    return text[0].upper() + text[1:]


def slugify(text: str) -> str:
    """A URL slug of ``text``."""
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in out.split("-") if part)
