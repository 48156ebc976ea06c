"""Analytics: dyad series, the alignment network, blocs and shifts."""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from realpolitik.analysis import (
    alignment_network,
    detect_shifts,
    dyad_series,
    dyad_table,
    find_blocs,
    parse_day,
    parse_until,
    summarize,
)
from realpolitik.analysis.blocs import signed_modularity
from realpolitik.analysis.periods import FIRST_DAY, LAST_DAY
from realpolitik.errors import StoreError
from realpolitik.models import Article
from realpolitik.settings import Settings
from realpolitik.store import open_store
from store_helpers import make_event

COOP = {"cameo": "051", "quad_class": 1, "goldstein": 3.4}
AID = {"cameo": "070", "quad_class": 2, "goldstein": 7.0}
ACCUSE = {"cameo": "111", "quad_class": 3, "goldstein": -2.0}
FIGHT = {"cameo": "190", "quad_class": 4, "goldstein": -10.0}


def _write(store, events_by_day: list[tuple[str, str, str, dict]], *, article: str = "a") -> None:
    events = [
        make_event(s, t, doc_id=article, index=i, date=day, **kind)
        for i, (s, t, day, kind) in enumerate(events_by_day)
    ]
    store.write([(Article(id=article, text=article), events)], coder_version="v")


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "analysis.db"), settings=Settings()) as opened:
        yield opened


def test_analysis_dyad_series_by_month_and_week(store):
    _write(
        store,
        [
            ("RUS", "CHN", "2024-01-03", COOP),
            ("RUS", "CHN", "2024-01-04", AID),
            ("RUS", "CHN", "2024-03-10", ACCUSE),
            ("CHN", "RUS", "2024-03-11", COOP),
            ("RUS", "USA", "2024-01-05", FIGHT),
        ],
    )
    monthly = dyad_series(store, "RUS", "CHN", freq="month")
    assert list(monthly.index) == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    jan = monthly.loc["2024-01-01"]
    assert (jan["events"], jan["verbal_coop"], jan["material_coop"]) == (2, 1, 1)
    assert jan["goldstein_sum"] == pytest.approx(10.4) and jan["goldstein_mean"] == pytest.approx(
        5.2
    )
    assert jan["balance"] == 1.0
    assert monthly.loc["2024-02-01", "events"] == 0 and np.isnan(
        monthly.loc["2024-02-01", "balance"]
    )
    assert monthly.loc["2024-03-01", "balance"] == -1.0
    both = dyad_series(store, "RUS", "CHN", freq="month", directed=False)
    assert both.loc["2024-03-01", "events"] == 2 and both.loc["2024-03-01", "balance"] == 0.0
    weekly = dyad_series(
        store, "RUS", "CHN", freq="week", since=date(2024, 1, 1), until=date(2024, 1, 31)
    )
    assert weekly.index[0] == pd.Timestamp("2024-01-01") and len(weekly) == 5
    assert weekly["events"].sum() == 2
    assert summarize(monthly)["tone"] == "cooperation"
    assert summarize(dyad_series(store, "RUS", "USA"))["tone"] == "conflict"
    assert summarize(dyad_series(store, "USA", "RUS"))["tone"] == "none"


def test_analysis_dyad_series_day_fills_window(store):
    _write(store, [("RUS", "CHN", "2024-01-03", COOP)])
    daily = dyad_series(
        store, "RUS", "CHN", freq="day", since=date(2024, 1, 1), until=date(2024, 1, 5)
    )
    assert list(daily["events"]) == [0, 0, 1, 0, 0]
    with pytest.raises(StoreError) as err:
        dyad_series(store, "RUS", "CHN", freq="fortnight")
    assert err.value.code == "E507"


def test_analysis_parse_window_bounds():
    assert parse_day("2024") == date(2024, 1, 1)
    assert parse_day("2024-02") == date(2024, 2, 1)
    assert parse_until("2024-02") == date(2024, 2, 29)
    assert parse_until("2023") == date(2023, 12, 31)
    with pytest.raises(StoreError) as err:
        parse_day("yesterday", name="since")
    assert err.value.code == "E507" and "since" in str(err.value)


def _two_blocs(store) -> None:
    west, east = ["USA", "GBR", "FRA", "DEU"], ["RUS", "CHN", "IRN", "PRK"]
    rows = []
    day = date(2024, 1, 1)
    for camp in (west, east):
        for i, a in enumerate(camp):
            for b in camp[i + 1 :]:
                rows += [(a, b, day.isoformat(), COOP)] * 3 + [(b, a, day.isoformat(), AID)]
    for a in west:
        for b in east:
            rows += [(a, b, day.isoformat(), ACCUSE), (b, a, day.isoformat(), FIGHT)]
    rows += [("USA", "CHN", day.isoformat(), COOP)]  # one friendly exchange across camps
    _write(store, rows)


def test_analysis_network_edges_and_weights(store):
    _two_blocs(store)
    graph = alignment_network(store, min_events=1, count="mentions")
    assert isinstance(graph, nx.Graph) and not graph.is_directed()
    edge = graph.edges["RUS", "CHN"]
    assert edge["volume"] == 4 and edge["goldstein_mean"] == pytest.approx((3 * 3.4 + 7) / 4)
    assert edge["weight"] == edge["goldstein_mean"] and edge["signed_weight"] > 0
    assert graph.edges["USA", "RUS"]["signed_weight"] < 0
    assert graph.nodes["USA"]["volume"] == sum(
        d["volume"] for *_, d in graph.edges("USA", data=True)
    )
    directed = alignment_network(store, min_events=1, directed=True, count="mentions")
    assert directed.is_directed() and directed.edges["RUS", "CHN"]["volume"] == 3
    # unique events: the three same-day cooperation reports are one event, the aid another
    events = alignment_network(store, min_events=1)
    assert events.edges["RUS", "CHN"]["volume"] == 2
    assert events.edges["RUS", "CHN"]["goldstein_mean"] == pytest.approx((3.4 + 7) / 2)
    busiest = dyad_table(store, limit=3)
    assert len(busiest) == 3 and busiest["volume"].is_monotonic_decreasing
    assert alignment_network(store, min_events=5).number_of_edges() == 0
    assert alignment_network(store, since=date(2025, 1, 1)).number_of_nodes() == 0


def test_analysis_blocs_split_a_synthetic_two_camp_network(store):
    _two_blocs(store)
    blocs = find_blocs(alignment_network(store, min_events=1))
    assert sorted(map(sorted, blocs.blocs)) == [
        ["CHN", "IRN", "PRK", "RUS"],
        ["DEU", "FRA", "GBR", "USA"],
    ]
    assert blocs.modularity > 0.3
    assert blocs.bloc_of("RUS") == blocs.bloc_of("CHN") != blocs.bloc_of("USA")
    assert blocs.bloc_of("BRA") is None


def test_analysis_blocs_three_camps_and_all_friends():
    graph = nx.Graph()
    camps = [["A1", "A2", "A3"], ["B1", "B2", "B3"], ["C1", "C2", "C3"]]
    for camp in camps:
        for i, a in enumerate(camp):
            for b in camp[i + 1 :]:
                graph.add_edge(a, b, signed_weight=5.0)
    for x, y in [(0, 1), (1, 2), (0, 2)]:
        for a in camps[x]:
            for b in camps[y]:
                graph.add_edge(a, b, signed_weight=-3.0)
    blocs = find_blocs(graph, max_k=5)
    assert sorted(map(sorted, blocs.blocs)) == camps
    friends = nx.complete_graph(["X", "Y", "Z", "W"])
    nx.set_edge_attributes(friends, 2.0, "signed_weight")
    assert find_blocs(friends).blocs == [["W", "X", "Y", "Z"]]
    foes = nx.Graph()
    foes.add_edge("P", "Q", signed_weight=-4.0)
    assert sorted(find_blocs(foes).blocs) == [["P"], ["Q"]]


def test_analysis_signed_modularity_prefers_the_true_split():
    matrix = np.array([[0, 1, -1, -1], [1, 0, -1, -1], [-1, -1, 0, 1], [-1, -1, 1, 0]], float)
    good = signed_modularity(matrix, np.array([0, 0, 1, 1]))
    bad = signed_modularity(matrix, np.array([0, 1, 0, 1]))
    assert good > 0 > bad
    assert signed_modularity(matrix, np.zeros(4, dtype=int)) == pytest.approx(0.0)


def _weekly_history(store, *, weeks: int, shift_week: int) -> None:
    rows = []
    start = date(2024, 1, 1)
    for week in range(weeks):
        day = (start + timedelta(weeks=week)).isoformat()
        kinds = [FIGHT, FIGHT, ACCUSE, FIGHT] if week == shift_week else [COOP, COOP, AID]
        rows += [("RUS", "CHN", day, k) for k in kinds]
        rows += [("GBR", "FRA", day, COOP), ("GBR", "FRA", day, COOP), ("GBR", "FRA", day, COOP)]
    _write(store, rows)


def test_analysis_shifts_flag_the_break_and_list_its_drivers(store):
    _weekly_history(store, weeks=14, shift_week=11)
    shifts = detect_shifts(store, freq="week", window=6, z=2.5, min_events=3, count="mentions")
    assert len(shifts) == 1
    shift = shifts.iloc[0]
    assert (shift["source"], shift["target"], shift["period"]) == ("RUS", "CHN", "2024-03-18")
    assert shift["direction"] == "conflict" and shift["z"] <= -2.5 and shift["events"] == 4
    assert shift["baseline"] == pytest.approx((2 * 3.4 + 7) / 3, abs=1e-3)
    drivers = shift["drivers"]
    assert [d["goldstein"] for d in drivers] == [-10.0, -10.0, -10.0, -2.0]
    assert all(d["day"] == "2024-03-18" for d in drivers)


def test_analysis_shifts_respect_window_actor_and_thresholds(store):
    _weekly_history(store, weeks=14, shift_week=11)
    opts = {"freq": "week", "window": 6, "count": "mentions"}
    assert detect_shifts(store, z=2.5, min_events=5, **opts).empty
    assert detect_shifts(store, z=2.5, actor="GBR", **opts).empty
    assert detect_shifts(store, since=date(2024, 3, 25), **opts).empty
    later = detect_shifts(store, since=date(2024, 3, 1), **opts)
    assert list(later["period"]) == ["2024-03-18"]
    assert detect_shifts(store, drivers=2, **opts).iloc[0]["drivers"].__len__() == 2
    # unique events: a week's same-day reports of one root are one event (2 a week, 2 in
    # the break), too few for min_events=3; with 2 the break still stands out
    assert detect_shifts(store, freq="week", window=6, min_events=3).empty
    events = detect_shifts(store, freq="week", window=6, min_events=2, z=2.5)
    assert list(events["period"]) == ["2024-03-18"] and events.iloc[0]["events"] == 2
    assert {d["num_mentions"] for d in events.iloc[0]["drivers"]} == {3, 1}
    with pytest.raises(StoreError) as err:
        detect_shifts(store, count="reports")
    assert err.value.code == "E507"


def test_analysis_empty_store(store):
    assert dyad_series(store, "RUS", "CHN").empty
    assert alignment_network(store).number_of_nodes() == 0
    assert find_blocs(alignment_network(store)).blocs == []
    assert detect_shifts(store).empty


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("9999-12-31", None),
        (None, "9999-12"),
        ("0001-01-01", None),
        ("1677-09-20", "1677-09-21"),
        ("0001", "9999"),
    ],
)
def test_analysis_window_at_the_calendar_edges(store, since, until):
    """Bounds pandas cannot hold select what the nearest representable day selects."""
    _weekly_history(store, weeks=14, shift_week=11)
    first, last = parse_day(since, name="since"), parse_until(until)
    inside = (first or FIRST_DAY) <= date(2024, 2, 1) <= (last or LAST_DAY)
    for freq in ("day", "week", "month"):
        series = dyad_series(store, "RUS", "CHN", freq=freq, since=first, until=last)
        assert (series["events"].sum() > 0) == inside
    graph = alignment_network(store, since=first, until=last, min_events=1)
    assert graph.has_edge("RUS", "CHN") == inside
    shifts = detect_shifts(store, freq="week", window=6, since=first, until=last)
    unbounded = detect_shifts(store, freq="week", window=6)
    assert len(shifts) == (len(unbounded) if inside else 0)


def test_analysis_bounds_clamp_to_the_representable_range():
    assert parse_day("0001-01-01") == FIRST_DAY
    assert parse_until("9999-12") == LAST_DAY
    assert parse_until(date(9999, 12, 31)) == LAST_DAY
    assert parse_day(date(2024, 5, 6)) == date(2024, 5, 6)
    assert parse_until("2024-02") == date(2024, 2, 29)
    with pytest.raises(StoreError) as err:
        parse_until("2024-13")
    assert err.value.code == "E507" and "until" in str(err.value)


@pytest.mark.parametrize(
    "args",
    [
        ["dyad", "RUS", "CHN", "--since", "0001-01-01", "--freq", "week"],
        ["dyad", "RUS", "CHN", "--until", "1677-09-20"],
        ["network", "--until", "9999-12"],
        ["blocs", "--since", "9999-12-31"],
        ["shifts", "--since", "0001-01-01"],
        ["shifts", "--until", "9999-12"],
    ],
)
def test_analysis_cli_verbs_at_the_calendar_edges(store, tmp_path, runner, args):
    from realpolitik.cli import app

    _weekly_history(store, weeks=14, shift_week=11)
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "analysis.db")])
    assert result.exit_code == 0, result.output
    assert result.exception is None
