"""Records: JSON round trip, stable ids, and the Event JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from realpolitik.models import (
    Actor,
    Amount,
    Article,
    DroppedLine,
    Event,
    Evidence,
    Location,
    event_json_schema,
)


def make_event(**overrides) -> Event:
    fields = dict(
        event_id=Event.make_id("doc1", 0, "RUSGOV", "USA", "111"),
        doc_id="doc1",
        date="2024-10-14",
        sentence_index=0,
        sentence="Lavrov condemned the United States.",
        span=[0, 35],
        source=Actor(text="Lavrov", name="Sergei Lavrov", code="RUSGOV", country="RUS", role="GOV"),
        target=Actor(text="the United States", name="United States", code="USA", country="USA"),
        cameo="111",
        root="11",
        quad_class=3,
        goldstein=-2.0,
        plover="ACCUSE",
        location=Location(name="Taiwan Strait", country="TWN"),
        amount=Amount(value=567e6, currency="USD", text="$567 million"),
        evidence=Evidence(pattern="condemn", trigger="condemned", trigger_span=[7, 16]),
    )
    fields.update(overrides)
    return Event(**fields)


def test_models_event_round_trip():
    event = make_event()
    again = Event.from_json(event.to_json())
    assert again == event
    assert isinstance(again.source, Actor) and again.source.key == "RUS"
    assert again.amount.value == 567e6


def test_models_event_validates_against_schema():
    jsonschema.validate(json.loads(make_event().to_json()), event_json_schema())


@pytest.mark.parametrize(
    "bad",
    [{"root": "21"}, {"quad_class": 5}, {"modality": "maybe"}, {"date": "14/10/2024"}],
)
def test_models_schema_rejects_bad_values(bad):
    record = json.loads(make_event().to_json())
    record.update(bad)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, event_json_schema())


def test_models_event_id_is_stable_and_key_sensitive():
    a = Event.make_id("doc", 1, "RUS", "CHN", "051")
    assert a == Event.make_id("doc", 1, "RUS", "CHN", "051")
    assert a != Event.make_id("doc", 1, "CHN", "RUS", "051")
    assert a != Event.make_id("doc", 2, "RUS", "CHN", "051")


def test_models_article_round_trip_with_dropped_lines():
    article = Article(id="a", text="Body.", dropped=[DroppedLine("Buy now", "advert", 3)])
    again = Article.from_json(article.to_json())
    assert again == article
    assert isinstance(again.dropped[0], DroppedLine)


def test_models_article_id_ignores_whitespace_only():
    assert Article.make_id("Russia  condemned\nit.") == Article.make_id("Russia condemned it.")
    assert Article.make_id("Russia condemned it.") != Article.make_id("China condemned it.")


def test_models_actor_key_prefers_country_then_org():
    assert Actor(text="NATO", code="IGOWSTNAT", org="NATO").key == "NATO"
    assert Actor(text="Lavrov", country="RUS", code="RUSGOV").key == "RUS"
    assert Actor(text="someone").key is None
