"""Test stories: a wire story, its syndicated copies as other sites print them, other stories."""

from __future__ import annotations

import html

WIRE = [
    "Engineers in the port city of Valmora began draining the flooded tunnels of the old metro "
    "line on Thursday, three days after a storm surge pushed seawater into the underground "
    "network and forced the closure of eleven stations.",
    "The city's transport authority said pumps brought in from two neighbouring provinces were "
    "removing about four million litres of water an hour, and that the worst affected section, "
    "between the harbour and the central market, could stay closed until the end of the month.",
    "\u201cWe are working around the clock, but salt water is unforgiving for signalling "
    "equipment,\u201d said Ilse Marquardt, the authority's chief engineer, speaking at a depot "
    "where crews were drying out cable drums.",
    "About 180,000 people use the line on a normal weekday. Buses replaced trains on the closed "
    "section, and officials urged commuters to travel outside the morning peak while the "
    "temporary service was expanded.",
    "Insurers have not yet estimated the cost of the damage. A report commissioned by the city "
    "in 2019 warned that the tunnels sat below the projected high-water mark and recommended "
    "flood gates at three entrances, but only one was ever installed.",
    "Opposition councillors called for an independent inquiry into why the remaining gates were "
    "never built, while the mayor said the priority was to reopen the line safely before "
    "assigning blame.",
    "Meteorologists expect another spell of strong onshore winds early next week, and the "
    "authority said sandbags would be placed at the entrances of the reopened stations as a "
    "precaution until the forecast improved.",
    "The storm also cut power to about 40,000 homes along the coast; the grid operator said all "
    "but a few hundred had been reconnected by Wednesday night.",
]

OTHER = [
    "A regional orchestra that lost its concert hall to a fire two years ago will perform its "
    "first full season in a converted tram depot this autumn, its director announced on Monday.",
    "The depot, a brick building from the 1920s, was rebuilt with a timber shell inside the old "
    "walls to give the musicians an acoustic that reviewers at the test concerts called warm and "
    "surprisingly clear.",
    "\u201cWe played in school gyms and churches for two winters, and the audience came with us "
    "every time,\u201d said the conductor, Teodor Lindahl, who has led the ensemble since 2011.",
    "The season opens with a programme of Nordic symphonies and closes in May with a children's "
    "opera written by a local composer about the history of the tram line.",
    "Ticket prices will stay at the level they were before the fire, helped by a grant from the "
    "cultural fund and a campaign in which about 3,000 residents bought a seat plaque.",
    "The old hall, which burned after an electrical fault, is being demolished, and the land "
    "will be used for social housing under a plan approved by the council last spring.",
]


def copy_of_wire() -> list[str]:
    """The wire story as another site prints it: dateline, re-typed quotes, cut, a local line."""
    paragraphs = [p.replace("\u201c", '"').replace("\u201d", '"') for p in WIRE[:6]]
    paragraphs[0] = "VALMORA, March 14 (Reuters) - " + paragraphs[0]
    paragraphs[3] = paragraphs[3].replace("officials urged", "officials have urged")
    paragraphs.insert(4, "Readers in the northern districts can check the replacement bus "
                         "timetable on our travel page, which is updated every morning.")
    return paragraphs


def follow_up() -> list[str]:
    """A different story that recalls the wire story by quoting its first paragraph."""
    return OTHER[:3] + ["In other news from the week: \u201c" + WIRE[0] + "\u201d"] + OTHER[3:]


def page(site: str, title: str, paragraphs: list[str], links: str = "") -> bytes:
    """An article page in ``site``'s own template (navigation, teasers, newsletter box, footer)."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f" - {site}</title><meta property='og:type' content='article'></head><body>"
        f"<header><a href='/'>{site}</a><nav><a href='/world/'>World</a> "
        f"<a href='/business/'>Business</a> <a href='/sport/'>Sport</a></nav></header>"
        f"<main><article><h1>{html.escape(title)}</h1><p class='byline'>By {site} staff</p>"
        f"<time datetime='2026-03-14T09:00:00Z'>14 March 2026</time>{body}</article>"
        f"<aside class='newsletter'><p>Sign up for the {site} daily briefing.</p></aside>"
        f"{links}</main><footer><p>\u00a9 2026 {site}. All rights reserved.</p></footer>"
        "</body></html>"
    ).encode()
