"""Argument constructions of news reports (issue 13, part 2).

Every sentence was written for these tests; none comes from an evaluation file. Each case names
an event that must be coded (source, root, target) or a pair that must not be.
"""

from __future__ import annotations

import pytest

from realpolitik.evaluate import actor_ids

DATE = "2021-06-01"


def _triples(nlp, sentence: str) -> set[tuple[str, str, str]]:  # noqa: ANN001
    out = set()
    for event in nlp(sentence, date=DATE):
        if event.negated:
            continue
        for source in actor_ids(event.source):
            for target in actor_ids(event.target):
                out.add((source, event.root, target))
    return out


CODED = [
    # the parties to a treaty, not the capital it is named after
    ("Russia and Ukraine signed the Minsk II agreement in 2015.", ("RUS", "05", "UKR")),
    # national societies of an international body made of them
    (
        "The Palestine Red Crescent Society accused Israel of blocking ambulances.",
        ("PSE", "11", "ISR"),
    ),
    # targets in place phrases and directions
    ("Greece fired shells at posts in Turkey.", ("GRC", "19", "TUR")),
    ("Turkey launched an offensive into north-eastern Syria.", ("TUR", "19", "SYR")),
    ("Israel carried out strikes on Yemen.", ("ISR", "19", "YEM")),
    ("Russia massed troops along the border with Ukraine.", ("RUS", "15", "UKR")),
    (
        "Yesterday Armenia fired rockets aimed at a radar station in Azerbaijan.",
        ("ARM", "19", "AZE"),
    ),
    # coordination and lists
    ("The UN and the US criticised Serbia and Kosovo.", ("USA", "11", "XKX")),
    (
        "Estonia, Latvia and Lithuania joined the coalition led by Britain.",
        ("LVA", "06", "GBR"),
    ),
    (
        "Japan's foreign minister and his Chinese and Indian counterparts met in Tokyo.",
        ("JPN", "04", "IND"),
    ),
    ("Indian and Australian firms signed a memorandum on rail links.", ("AUS", "05", "IND")),
    # relative and reduced clauses, passives with agents
    (
        "Spain and Italy keep a policy of sending back migrant boats, which France has criticised.",
        ("FRA", "11", "ESP"),
    ),
    (
        "Germany launched a naval mission to guard the sea lanes which was joined by Norway.",
        ("NOR", "06", "DEU"),
    ),
    ("Canada, strongly backed by Mexico, pushed the plan.", ("MEX", "05", "CAN")),
    ("Brazil was angered by the decision of Argentina.", ("BRA", "11", "ARG")),
    # event nouns, mutual events and listed parties
    ("Poland and Belarus exchanged fire along the border on Tuesday.", ("POL", "19", "BLR")),
    (
        "Armenia shelled Azerbaijan on Monday. Both countries put their militaries on high alert.",
        ("ARM", "15", "AZE"),
    ),
    ("Mexico condemned the invasion of Panama by the United States.", ("MEX", "11", "USA")),
    ("Talks between Ottawa and Paris resumed on Monday.", ("CAN", "04", "FRA")),
    (
        "Egypt brokered the accords that normalized relations between Sudan and Chad.",
        ("SDN", "05", "TCD"),
    ),
    # quoted and reported appeals
    (
        '"I count on Turkey to act with restraint," the NATO Secretary-General said.',
        ("NATO", "02", "TUR"),
    ),
    ("The Iraqi premier recommended the American troops withdraw.", ("IRQ", "02", "USA")),
    ("Ghana blamed the fear of aggression from Togo.", ("GHA", "11", "TGO")),
    ("Washington wants Beijing to stop its military drills.", ("USA", "10", "CHN")),
    ("The Kenyan president wants Somalia's currency to stabilise.", ("KEN", "10", "SOM")),
    # an attack named again keeps its target; an admission targets what it admits
    (
        "Rocket attacks on the Saudi embassy in Yemen killed two guards; officials said the "
        "strikes were carried out by Hezbollah.",
        ("LBN", "19", "SAU"),
    ),
    (
        "Officials from Iran admitted their forces had shot down an Iraqi airliner.",
        ("IRN", "01", "IRQ"),
    ),
    # visits, yielding, capitals as governments
    (
        "The Peruvian minister told a visiting Chilean delegation that Lima would sign.",
        ("CHL", "04", "PER"),
    ),
    ("Athens expelled the Libyan ambassador over the agreement.", ("GRC", "16", "LBY")),
    ("The Portuguese relinquished control of Macau to China in 1999.", ("PRT", "08", "CHN")),
    # announced attacks are threats
    ("Iran plans to attack American bases in Iraq.", ("IRN", "13", "USA")),
]

NOT_CODED = [
    # "according to" names where a claim comes from: a preposition, no act
    (
        "Brazil is likely to adopt a cautious coffee policy, according to a report by a London "
        "coffee broker.",
        ("BRA", "01", "GBR"),
    ),
    (
        "According to the U.S. embassy in Beijing, the man died in February; Chinese officials "
        "called him a foreigner.",
        ("CHN", "05", "USA"),
    ),
    # a treaty named after the capital where it was signed is not that country
    ("Sweden joined the Paris Agreement.", ("SWE", "05", "FRA")),
    ("Russia and Ukraine signed the Minsk II agreement in 2015.", ("RUS", "05", "BLR")),
    # a country's own Red Cross or Red Crescent society is that country's, not the ICRC
    (
        "The Palestine Red Crescent Society accused Israel of blocking ambulances.",
        ("ICRC", "11", "ISR"),
    ),
    ("A plan backed by the British Red Cross was rejected by Britain.", ("GBR", "12", "ICRC")),
    # topics of consultation are not the people met
    (
        "Egypt's minister and his Greek counterpart met in Cairo to discuss Libya-Chad relations.",
        ("EGY", "04", "TCD"),
    ),
    # money, possibilities and plans are not acts
    ("China has invested nine billion US dollars in hospitals.", ("CHN", "06", "USA")),
    ("China could impose sanctions on Australia.", ("CHN", "16", "AUS")),
    ("Iran plans to attack American bases in Iraq.", ("IRN", "19", "USA")),
    # wanting to act oneself is no demand; cutting a deficit is not cutting trade
    ("Russia wants to improve relations with France.", ("RUS", "10", "FRA")),
    ("Italy pressed for a way of cutting its trade deficit with Egypt.", ("ITA", "16", "EGY")),
    # what an attitude word is against is no party ("anti-Seoul leaflets")
    ("Japan seized anti-Seoul leaflets from a Chinese trawler.", ("JPN", "17", "KOR")),
    # sports results are not fights
    ("In the football World Cup, Brazil defeated Serbia 2-0.", ("BRA", "19", "SRB")),
    # a region is a place, never a party
    ("Germany sent frigates to patrol the Persian Gulf.", ("DEU", "15", "Persian Gulf")),
    # a recipient's modifier is not the thing given
    ("The United States handed Soviet arms negotiators a draft treaty.", ("USA", "07", "SUN")),
]


@pytest.mark.parametrize(("sentence", "event"), CODED)
def test_news_construction_is_coded(pipeline, sentence, event) -> None:  # noqa: ANN001
    found = _triples(pipeline, sentence)
    assert event in found, f"{event} not in {sorted(found)}"


@pytest.mark.parametrize(("sentence", "event"), NOT_CODED)
def test_news_construction_is_not_coded(pipeline, sentence, event) -> None:  # noqa: ANN001
    found = _triples(pipeline, sentence)
    assert event not in found, f"{event} wrongly coded: {sorted(found)}"


def test_topic_words_are_data() -> None:
    from realpolitik.coder.arguments import ArgumentWords

    words = ArgumentWords.load()
    assert "relation" in words.topic_nouns and "dollar" in words.non_actor_heads
    assert "delegation" in words.delegation_nouns and "spokesman" in words.agent_nouns_for


def test_backoff_codes_a_clause_no_pattern_covers(pipeline) -> None:  # noqa: ANN001
    """A clause with two actors and a verb no pattern covers is coded by the back-off."""
    if pipeline.coder.backoff is None:
        pytest.skip("the back-off model package is not installed")
    assert "lavish" not in pipeline.lexicon.by_verb, "pick a verb no pattern covers"
    events = pipeline("Peru lavished praise on Chile.", date=DATE)
    modelled = [e for e in events if e.evidence.rule == "model"]
    assert [(e.source.country, e.root, e.target.country) for e in modelled] == [
        ("PER", "05", "CHL")
    ]
    assert modelled[0].evidence.pattern.startswith("model: like ")
    assert 0 < modelled[0].confidence < 1


@pytest.mark.parametrize(
    "sentence",
    ["Peru could lavish praise on Chile.", "Peru signed an agreement to lavish praise on Chile."],
)
def test_backoff_codes_no_possible_act(pipeline, sentence) -> None:  # noqa: ANN001
    """The back-off's clauses get the modality patterns get: a possible act is no event."""
    if pipeline.coder.backoff is None:
        pytest.skip("the back-off model package is not installed")
    assert [e for e in pipeline(sentence, date=DATE) if e.evidence.rule == "model"] == []


def test_backoff_can_be_switched_off() -> None:
    import realpolitik
    from realpolitik.settings import Settings

    nlp = realpolitik.load(Settings(coder_backoff=False))
    assert nlp.coder.backoff is None
    assert not [e for e in nlp("Peru lavished praise on Chile.") if e.evidence.rule == "model"]


@pytest.mark.parametrize(
    ("date", "day"), [("9999-12-31", "9999-12-30"), ("0001-01-01", "0001-01-01")]
)
def test_relative_dates_at_the_calendar_edges_keep_their_events(pipeline, date, day) -> None:  # noqa: ANN001
    """'Yesterday' a day before year 1 cannot be computed: the article's date stands."""
    events = pipeline("Yesterday Russia condemned Ukraine.", date=date)
    assert [(e.root, e.date) for e in events] == [("11", day)]
