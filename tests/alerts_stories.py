"""A scripted news story for the alert acceptance test: Egypt and Ethiopia over the Nile dam,
fourteen articles of cooperation over seven weeks, then a week of accusations and threats.

Written for these tests. Each article's lead sentence holds the one Egypt-to-Ethiopia event it
is meant to code (the last field of each row: its CAMEO root); the other sentences name at
most one country, so they code nothing. A page's headline has no closing punctuation, so the
sentence splitter joins it to the lead: the headlines are short phrases that end in a noun
or participle, which leave the lead's parse alone. Dates are relative to the day the test
runs (``dated``), so the weekly rules, which never look past today or more than four weeks
back from the newest event, see the whole story.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

# fmt: off
# (weeks before the conflict week, weekday 0 = Monday, slug, title, text, intended CAMEO root)
COOPERATION: list[tuple[int, int, str, str, str, str]] = [
    (7, 1, "nile-talks-resume", "Egypt agrees to resume Nile talks",
     "Egypt agreed on Tuesday to resume technical talks with Ethiopia on the filling of the "
     "Grand Ethiopian Renaissance Dam.\nThe negotiations had been frozen since the spring.\n"
     "Irrigation experts said a schedule for the rainy season was the first item.", "03"),
    (7, 3, "cairo-praises-data", "Cairo praises shared reservoir data",
     "Egypt praised Ethiopia on Thursday for sharing daily readings of the reservoir level.\n"
     "The readings arrive each morning at the irrigation ministry in Cairo.\n"
     "Engineers there called the figures accurate and timely.", "05"),
    (6, 1, "ministers-meet-addis", "New round of dam talks prepared",
     "Egypt met with Ethiopia in Addis Ababa on Tuesday to prepare a new round of dam "
     "negotiations.\nThe meeting lasted more than three hours.\n"
     "Diplomats described the mood in the room as relaxed.", "04"),
    (6, 3, "hydrology-memorandum", "A memorandum on river hydrology",
     "Egypt signed a memorandum with Ethiopia on Thursday to exchange hydrological data from "
     "the Blue Nile.\nThe text covers rainfall, river flow and evaporation.\n"
     "A technical committee will review it after one year.", "05"),
    (5, 1, "flood-relief-aid", "Egyptian relief for flooded villages",
     "Egypt sent humanitarian aid to Ethiopia on Tuesday after heavy floods in the Amhara "
     "region.\nCargo planes carried tents, blankets and medicine.\n"
     "Local officials said thousands of families had lost their homes.", "07"),
    (5, 3, "cairo-thanks-addis", "Cairo thanks Addis Ababa for flood warning",
     "Egypt thanked Ethiopia on Thursday for an early warning about rising water behind the "
     "dam.\nThe warning gave farmers in Upper Egypt two extra days to prepare.\n"
     "Water levels at Aswan stayed within the normal range.", "05"),
    (4, 1, "joint-committee-welcomed", "Egypt welcomes joint committee plan",
     "Egypt welcomed on Tuesday a proposal by Ethiopia to create a joint committee on "
     "drought years.\nThe committee would meet every three months.\n"
     "Its first session is planned for the end of the season.", "05"),
    (4, 3, "delegation-hosted-cairo", "Engineers tour the High Dam",
     "Egypt hosted a delegation from Ethiopia in Cairo on Thursday for talks on flood "
     "forecasting.\nThe visitors toured the High Dam at Aswan.\n"
     "They also visited a control room that monitors the river.", "04"),
    (3, 1, "basin-summit-invitation", "Invitation to a river basin summit",
     "Egypt invited Ethiopia on Tuesday to a summit of Nile basin countries in Alexandria.\n"
     "The summit will discuss water sharing in dry years.\n"
     "Organisers expect ministers from nine states.", "02"),
    (3, 3, "power-trade-deal", "Power trade deal signed",
     "Egypt signed a power trade agreement with Ethiopia on Thursday.\n"
     "The power line will cross Sudan.\n"
     "Construction of the line could start within two years.", "05"),
    (2, 1, "engineers-sent", "Egyptian engineers join dam safety review",
     "Egypt pledged technical support to Ethiopia on Tuesday for a review of the dam's "
     "safety.\nA team of twelve engineers will travel next month.\n"
     "The review is expected to take six weeks.", "03"),
    (2, 3, "cooperation-commended", "Egypt commends cooperation on the river",
     "Egypt commended Ethiopia on Thursday for its cooperation during the filling season.\n"
     "Officials said the river had never been so closely watched.\n"
     "Farmers along the delta reported normal water supplies.", "05"),
    (1, 1, "consultations-held", "Consultations on the dry season",
     "Egypt held consultations with Ethiopia on Tuesday about water releases during the dry "
     "season.\nThe talks took place by video link.\n"
     "Both teams agreed to meet again in person.", "04"),
    (1, 3, "summit-thanks", "A friendly statement after the summit",
     "Egypt praised Ethiopia on Thursday for the spirit of its delegation at the basin "
     "summit.\nThe final declaration was adopted without a vote.\n"
     "Next year's summit will be held in Kampala.", "05"),
]

CONFLICT: list[tuple[int, int, str, str, str, str]] = [
    (0, 0, "filling-accusation", "Egypt accuses Ethiopia over sudden filling",
     "Egypt accused Ethiopia on Monday of filling the reservoir without any warning.\n"
     "Water flow at the Sudanese border dropped by a third overnight.\n"
     "The irrigation ministry called an emergency meeting.", "11"),
    (0, 1, "sanctions-threat", "Sanctions threatened",
     "Egypt threatened Ethiopia with sanctions on Tuesday over the filling.\n"
     "The cabinet met late into the night.\n"
     "Markets in Cairo fell sharply on the news.", "13"),
    (0, 2, "filling-condemned", "Egypt condemns unilateral filling",
     "Egypt condemned Ethiopia on Wednesday for the unilateral filling of the dam.\n"
     "Crowds gathered outside the parliament building.\n"
     "Several newspapers printed black front pages.", "11"),
    (0, 3, "schedule-rejected", "Egypt rejects new filling schedule",
     "Egypt rejected Ethiopia's new filling schedule on Thursday.\n"
     "The plan would hold back water for four more months.\n"
     "Engineers warned of shortages in the delta by the spring.", "12"),
    (0, 4, "ambassador-expelled", "Envoy expelled",
     "Egypt expelled Ethiopia's ambassador on Friday.\n"
     "The envoy was given two days to leave the country.\n"
     "Flights between the two capitals were cancelled.", "16"),
    (0, 5, "final-warning", "Border tension rises",
     "Egypt warned Ethiopia on Saturday that it would defend its share of the river by all "
     "means.\nThe statement was read on state television.\n"
     "Troops were seen moving towards the southern border.", "13"),
]
# fmt: on


def conflict_monday(today: date) -> date:
    """Return the Monday of the week before ``today``'s ISO week: the conflict week, whose
    six days all lie before today."""
    return today - timedelta(days=today.weekday(), weeks=1)


def dated(rows: list[tuple[int, int, str, str, str, str]], today: date) -> list[dict[str, Any]]:
    """Return ``rows`` as stories (``watch_helpers`` shape) dated relative to ``today``."""
    monday = conflict_monday(today)
    return [
        {
            "slug": slug,
            "title": title,
            "text": text,
            "root": root,
            "date": (monday - timedelta(weeks=weeks) + timedelta(days=weekday)).isoformat(),
        }
        for weeks, weekday, slug, title, text, root in rows
    ]
