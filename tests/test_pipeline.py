"""The pipeline end to end: the seed page, events' evidence, modality, stable ids, batching."""

from __future__ import annotations

import json

import jsonschema
import pytest

from realpolitik.models import Article, event_json_schema


def triples(events):
    return {(e.source.key, e.target.key, e.root) for e in events if not e.negated}


@pytest.fixture(scope="module")
def seed_events(pipeline, shared_dir):
    from realpolitik.clean import LineCleaner, clean_article

    text = (shared_dir / "examples" / "seed_article.txt").read_text(encoding="utf-8")
    article = clean_article(Article(id="seed", text=text, date="2024-10-14"), LineCleaner())
    return article, pipeline(article)


@pytest.mark.parametrize(
    "expected",
    [
        ("RUS", "CHN", "05"),  # voiced support for China; commended China's approach
        ("RUS", "USA", "11"),  # accusing it of exacerbating tensions; condemned provocations
        ("RUS", "NATO", "11"),  # criticized the framework as undermined by NATO
        ("CHN", "TWN", "13"),  # integrating Taiwan, using force if necessary
        ("TWN", "CHN", "12"),  # met with firm rejection from Taiwan
        ("USA", "TWN", "07"),  # approving $567 million in defense aid
        ("CHN", "USA", "11"),  # actions that have drawn Beijing's ire
        ("CHN", "UKR", "02"),  # advocating a peace conference inviting Ukraine and Russia
        ("BRA", "RUS", "02"),  # China, along with Brazil
        ("UKR", "CHN", "12"),  # Zelenskiy has dismissed such proposals
    ],
)
def test_pipeline_seed_has_the_expected_dyads(seed_events, expected):
    _, events = seed_events
    assert expected in triples(events)


def test_pipeline_seed_aid_amount_and_no_event_from_dropped_lines(seed_events):
    article, events = seed_events
    aid = [e for e in events if (e.source.key, e.target.key, e.root) == ("USA", "TWN", "07")]
    assert aid[0].amount is not None and aid[0].amount.value == 567_000_000
    assert aid[0].amount.currency == "USD"
    dropped = {d.text.strip() for d in article.dropped}
    assert dropped, "the cleaner should drop the page furniture"
    assert all(e.sentence.strip() not in dropped for e in events)
    assert not any(e.source.key == e.target.key for e in events)


def test_pipeline_events_validate_and_explain_themselves(seed_events):
    article, events = seed_events
    schema = event_json_schema()
    for event in events:
        jsonschema.validate(json.loads(event.to_json()), schema)
        assert event.evidence.pattern and event.evidence.trigger
        start, end = event.evidence.trigger_span
        assert article.text[start:end].split()[0] == event.evidence.trigger.split()[0]
        s0, s1 = event.span
        assert article.text[s0:s1] == event.sentence


def test_pipeline_event_ids_are_stable(pipeline):
    text = "France condemned Russia's invasion of Ukraine."
    first = [e.event_id for e in pipeline(text, doc_id="x", date="2022-03-01")]
    again = [e.event_id for e in pipeline(text, doc_id="x", date="2022-03-01")]
    assert first and first == again


def test_pipeline_negation_and_intent(pipeline):
    negated = pipeline("Germany did not condemn China.", date="2024-01-01")
    assert negated and all(e.negated for e in negated)
    intended = pipeline("Japan pledged to send humanitarian aid to Turkey.", date="2024-01-01")
    assert any(e.modality == "intended" and e.root == "03" for e in intended)


def test_pipeline_pipe_keeps_order_and_skips_duplicates_and_other_languages(pipeline):
    articles = [
        Article(id="a", text="Egypt called on Israel to allow aid into Gaza.", date="2023-10-16"),
        Article(id="b", text="Egypt called on Israel to allow aid.", duplicate_of="a"),
        Article(id="c", text="La France a condamné la Russie.", language="fr"),
        Article(id="d", text="", date="2023-10-16"),
    ]
    out = list(pipeline.pipe(articles))
    assert [a.id for a, _ in out] == ["a", "b", "c", "d"]
    assert out[0][1] and not out[1][1] and not out[2][1] and not out[3][1]


def test_pipeline_event_date_follows_relative_day(pipeline):
    events = pipeline("On Monday, Russia shelled Ukrainian positions.", date="2024-05-16")
    assert events and events[0].date == "2024-05-13"


def test_pipeline_fatalities_from_casualty_clause(pipeline):
    events = pipeline(
        "Israeli air strikes on Lebanon killed at least six civilians.", date="2024-10-01"
    )
    assert any(e.fatalities == 6 for e in events)


def test_pipeline_location_has_country_and_coordinates(pipeline):
    events = pipeline(
        "Russian forces shelled Ukrainian positions near Kharkiv, killing at least six civilians.",
        date="2024-05-13",
    )
    located = [e for e in events if e.location is not None]
    assert located, events
    place = located[0].location
    assert place.name == "Kharkiv" and place.country == "UKR"
    assert 49 < place.lat < 51 and 35 < place.lon < 37


def test_pipeline_gazetteer_prefers_the_given_country():
    from realpolitik.coder.places import Gazetteer

    gazetteer = Gazetteer.load()
    assert len(gazetteer) > 5000
    assert gazetteer.find("Paris").country == "FRA"
    assert gazetteer.find("nowhere-at-all") is None
    tripoli = gazetteer.find("Tripoli", country="LBN")
    assert tripoli is None or tripoli.country == "LBN"


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("The United States announced a new $275 million military aid package for Ukraine.", "072"),
        ("Japan announced $150 million in humanitarian aid for Sudan.", "073"),
    ],
)
def test_pipeline_announced_aid_is_coded_by_its_kind(pipeline, sentence, code):
    events = pipeline(sentence, date="2024-11-20")
    assert any(e.cameo == code and e.amount is not None for e in events), events


def test_pipeline_two_processes_give_the_same_events_in_order(pipeline):
    texts = [
        "Russia condemned the United States over new sanctions.",
        "The weather was mild.",
        "France praised Germany for its support.",
        "China fired missiles at Taiwan, killing two soldiers.",
        "Egypt called on Israel to allow aid into Gaza.",
    ]
    articles = [Article(id=f"a{i}", text=t, date="2024-01-01") for i, t in enumerate(texts)]
    from realpolitik.distributed.local import code_articles

    one = [(a.id, [e.event_id for e in evs]) for a, evs in pipeline.pipe(articles)]
    coded = code_articles(articles, pipeline, n_process=2)
    two = [(a.id, [e.event_id for e in evs]) for a, evs in coded]
    assert two == one and sum(len(ids) for _, ids in one) >= 4


def test_pipeline_imports_nothing_above_it() -> None:
    """Parallel coding sits above the pipeline: pipeline.py imports no realpolitik.distributed."""
    import ast
    from pathlib import Path

    import realpolitik.pipeline

    tree = ast.parse(Path(realpolitik.pipeline.__file__).read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in modules if m.startswith("realpolitik.distributed")}
