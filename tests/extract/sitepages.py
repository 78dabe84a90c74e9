"""Pages of one made-up site whose sidebar teasers read like article prose (for site learning)."""

from __future__ import annotations

from html import escape

SITE = "https://www.northern-herald.example"

TEASERS = [
    ("Water rates", "The council has again delayed its decision on water rates, leaving households "
     "uncertain about their bills, and the longer it waits, the harder the choice becomes."),
    ("Schools first", "Whatever the budget says, the state of our school buildings should come "
     "first, because children cannot learn in classrooms where the roof leaks, a reader writes."),
    ("A river reborn", "Ten years after the clean-up began, otters are back in the river, and the "
     "lesson for other towns is that patience, money and local pride can still work together."),
]

STORIES = [
    ("Harbour wall repairs begin after winter storms",
     ["Repairs to the harbour wall began on Monday, three months after winter storms tore a "
      "twenty-metre gap in the old stone structure and flooded the fish market.",
      "Engineers said the work, which will cost about two million pounds, should be finished "
      "before the summer season, when the harbour is busiest with pleasure boats.",
      "Fishermen, who have been landing their catch at a neighbouring port, welcomed the start "
      "of the work but said the delay had cost them thousands in fuel."]),
    ("New bus routes link villages to the hospital",
     ["Three new bus routes will connect outlying villages to the district hospital from next "
      "month, the transport authority announced on Tuesday.",
      "Patients and staff had complained for years that the only direct service ran twice a "
      "day, forcing many to rely on taxis or lifts from relatives.",
      "The routes will be funded for two years, after which the authority will decide whether "
      "to keep them based on passenger numbers."]),
    ("Library extension wins architecture prize",
     ["The extension to the town library, built from local timber and recycled brick, has won "
      "a regional architecture prize for public buildings.",
      "Judges praised the reading room, which overlooks the castle gardens, and the way the "
      "new wing uses daylight to cut heating and lighting costs.",
      "The library has seen visitor numbers rise by a third since the extension opened, with "
      "the children's section proving especially popular."]),
    ("Farmers warn of poor harvest after wet spring",
     ["Farmers across the valley have warned that the wettest spring on record could halve "
      "this year's potato harvest, with many fields still waterlogged in June.",
      "The regional farmers' union said members were facing higher costs for seed and fuel, "
      "while prices at market had barely changed in two years.",
      "Some growers have switched to quicker crops in the hope of salvaging something from the "
      "season, the union said."]),
]


def sidebar(teasers: list[tuple[str, str]]) -> str:
    """Teasers as headline + prose paragraph, with no link-heavy or class hints."""
    items = "".join(
        f'<div class="item"><h4>{escape(t)}</h4><p>{escape(text)}</p></div>' for t, text in teasers
    )
    return f'<div class="more"><h3>Opinion</h3>{items}</div>'


def page(title: str, paragraphs: list[str], teasers: list[tuple[str, str]] = TEASERS) -> str:
    """One article page of the site: the story, then the opinion teasers in the same column."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>'
        f'<div class="content"><h1>{escape(title)}</h1><div class="text">{body}</div>'
        f"{sidebar(teasers)}</div></body></html>"
    )


def url(index: int) -> str:
    """URL of the index-th story."""
    return f"{SITE}/news/2024/05/{index + 10}/story-number-{index}-of-the-day"
