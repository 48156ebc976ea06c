"""Alert rules on constructed stores: each fires on its condition and stays quiet on steady
data; cool-downs; stable ids; figures over unique events, not mentions; coded rule errors."""

from __future__ import annotations

from datetime import date

import pytest

from alerts_helpers import (
    ACCUSE,
    CONSULT,
    COOPERATE,
    FIGHT,
    THREATEN,
    Builder,
    day_of,
    new_store,
    steady,
)
from realpolitik.alerts import AlertConfig, check_alerts, list_alerts
from realpolitik.errors import AlertError

TODAY = date(2026, 12, 1)


def config(**rules: object) -> AlertConfig:
    """Return the defaults with only the named rules on (others off)."""
    names = ("dyad_shift", "first_conflict", "bloc_change", "volume_spike")
    mapping = {"rules": {n: rules.get(n, False) for n in names}}
    if "actors" in rules:
        mapping["actors"] = rules["actors"]
    return AlertConfig.from_mapping(mapping)


def test_alerts_shift_fires_once_with_unique_event_figures(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    steady(b, "RUS", "CHN", range(8))
    for weekday, code in ((0, THREATEN), (2, ACCUSE), (4, FIGHT)):
        for outlet in ("one.example", "two.example"):  # every event reported twice
            b.add("RUS", "CHN", day_of(8, weekday), code, outlet=outlet)
    b.write(store)
    alerts = check_alerts(store, config(dyad_shift=True), today=TODAY)
    assert [(a.rule, a.subject, a.period) for a in alerts] == [
        ("dyad_shift", "RUS>CHN", "2026-W31")
    ]
    alert = alerts[0]
    assert alert.figures["n_events"] == 3  # six articles, three unique events
    assert abs(alert.figures["z"]) > 3
    assert alert.figures["metrics"]["goldstein"]["z"] < -3
    assert alert.figures["metric"] == "goldstein"  # the larger move of the two
    assert alert.figures["value"] == pytest.approx((-4.4 - 2.0 - 10.0) / 3, abs=1e-3)
    assert alert.figures["baseline"] == pytest.approx(3.4)
    assert alert.figures["metrics"]["conflict_share"]["value"] == 1.0
    assert len(alert.events) == 3
    assert {e["num_mentions"] for e in alert.events} == {2}
    assert all(e["sentence"] and e["url"].startswith("https://") for e in alert.events)
    assert {e["cameo"] for e in alert.events} == {"130", "112", "190"}
    assert check_alerts(store, config(dyad_shift=True), today=TODAY) == []


def test_alerts_shift_quiet_on_steady_and_noisy_data(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    for week in range(10):  # cooperation with ordinary week-to-week variety
        code = CONSULT if week % 3 else COOPERATE
        for weekday in (0, 2, 4):
            b.add("USA", "GBR", day_of(week, weekday), code)
        if week % 4 == 1:
            b.add("USA", "GBR", day_of(week, 6), ACCUSE)
    b.write(store)
    assert check_alerts(store, AlertConfig.from_mapping(None), today=TODAY) == []


def test_alerts_shift_cooldown_and_stable_ids(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    steady(b, "RUS", "CHN", range(8))
    b.write(store)
    cfg = config(dyad_shift=True)
    assert check_alerts(store, cfg, today=TODAY) == []
    for week in (8, 9, 10):  # three hostile weeks: one condition
        steady(b, "RUS", "CHN", range(week, week + 1), code=THREATEN)
        b.write(store)
        check_alerts(store, cfg, today=TODAY)
    stored = list_alerts(store)
    assert [(a.subject, a.period) for a in stored] == [("RUS>CHN", "2026-W31")]
    store.backend.execute("DELETE FROM alert_state")  # as after losing the watermark
    assert check_alerts(store, cfg, today=TODAY) == []
    assert [a.alert_id for a in list_alerts(store)] == [stored[0].alert_id]
    for week in range(11, 16):  # back to normal, then hostile again past the cool-down
        steady(b, "RUS", "CHN", range(week, week + 1))
    steady(b, "RUS", "CHN", range(16, 17), code=THREATEN)
    b.write(store)
    again = check_alerts(store, cfg, today=TODAY)
    assert [a.period for a in again] == ["2026-W39"]


def test_alerts_volume_spike(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    for week in range(8):
        for n, target in enumerate(("GBR", "FRA", "DEU", "JPN")):
            for weekday in (0, 3, 5):
                b.add("USA", target, day_of(week, weekday), COOPERATE, n=n)
    b.write(store)
    cfg = config(volume_spike=True)
    assert check_alerts(store, cfg, today=TODAY) == []
    for target in ("GBR", "FRA", "DEU", "JPN", "ITA", "CAN", "AUS", "KOR"):
        for weekday in range(7):
            b.add("USA", target, day_of(8, weekday), COOPERATE)
    b.write(store)
    alerts = check_alerts(store, cfg, today=TODAY)
    assert [(a.rule, a.subject) for a in alerts] == [("volume_spike", "USA")]
    assert alerts[0].figures["n_events"] == 32  # daily reports link into 2-day events
    assert alerts[0].figures["baseline"] == 12
    assert len(alerts[0].events) == 20


def test_alerts_first_conflict_between_watched_actors(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    steady(b, "IND", "PAK", range(3), code=ACCUSE)
    b.add("ISR", "LBN", day_of(3, 1), FIGHT)  # not watched
    b.write(store)
    cfg = config(first_conflict=True, actors=["IND", "PAK"])
    assert check_alerts(store, cfg, today=TODAY) == []
    b.add("PAK", "IND", day_of(3, 2), FIGHT)
    b.write(store)
    alerts = check_alerts(store, cfg, today=TODAY)
    assert [(a.rule, a.subject, a.period) for a in alerts] == [
        ("first_conflict", "PAK>IND", day_of(3, 2))
    ]
    assert alerts[0].events[0]["cameo"] == "190"
    b.add("IND", "PAK", day_of(3, 5), FIGHT)  # retaliation days later: the same condition
    b.write(store)
    assert check_alerts(store, cfg, today=TODAY) == []


def test_alerts_bloc_change(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    west, east = ("USA", "GBR", "FRA"), ("RUS", "CHN", "IRN")
    for week in range(8):
        camps = (west, east) if week < 4 else (("USA", "GBR"), ("RUS", "CHN", "IRN", "FRA"))
        for camp in camps:
            for i, a in enumerate(camp):
                for other in camp[i + 1 :]:
                    steady(b, a, other, range(week, week + 1), code=CONSULT)
        for a in camps[0]:
            for other in camps[1]:
                steady(b, a, other, range(week, week + 1), code=THREATEN)
    b.write(store)
    cfg = config(bloc_change=True)
    alerts = check_alerts(store, cfg, today=date.fromisoformat(day_of(7, 6)))
    assert [(a.rule, a.subject) for a in alerts] == [("bloc_change", "FRA")]
    assert alerts[0].figures["to_bloc"] == ["CHN", "FRA", "IRN", "RUS"]
    assert alerts[0].events


def test_alerts_bloc_quiet_when_blocs_hold(tmp_path):
    store = new_store(tmp_path)
    b = Builder()
    for week in range(8):
        for camp in (("USA", "GBR", "FRA"), ("RUS", "CHN", "IRN")):
            for i, a in enumerate(camp):
                for other in camp[i + 1 :]:
                    steady(b, a, other, range(week, week + 1), code=CONSULT)
        steady(b, "USA", "RUS", range(week, week + 1), code=THREATEN)
        steady(b, "GBR", "CHN", range(week, week + 1), code=THREATEN)
    b.write(store)
    cfg = config(bloc_change=True)
    assert check_alerts(store, cfg, today=date.fromisoformat(day_of(7, 6))) == []


@pytest.mark.parametrize(
    ("mapping", "fragment"),
    [
        ({"rules": {"dyad_shift": {"k": 0}}}, "rules.dyad_shift.k"),
        ({"rules": {"no_such_rule": {}}}, "unknown key 'no_such_rule'"),
        ({"rules": {"volume_spike": {"history_weeks": 2.5}}}, "history_weeks"),
        ({"actors": "RUS"}, "actors"),
        ({"webhook": {"url": 5}}, "webhook.url"),
    ],
)
def test_alerts_config_errors_are_coded(mapping, fragment):
    with pytest.raises(AlertError) as info:
        AlertConfig.from_mapping(mapping, path="feeds.yaml")
    assert info.value.code == "E740"
    assert fragment in str(info.value) and "feeds.yaml" in str(info.value)


def test_alerts_config_file_and_switches(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds: []\nalerts:\n  actors: [RUS, UKR]\n  rules:\n    bloc_change: false\n"
        "    dyad_shift: {k: 4}\n",
        encoding="utf-8",
    )
    cfg = AlertConfig.from_file(path)
    assert cfg.actors == ("RUS", "UKR")
    assert cfg.dyad_shift.k == 4.0 and cfg.dyad_shift.history_weeks == 12
    assert cfg.enabled_rules() == ["dyad_shift", "first_conflict", "volume_spike"]
    missing = tmp_path / "nope.yaml"
    with pytest.raises(AlertError) as info:
        AlertConfig.from_file(missing)
    assert info.value.code == "E741"
