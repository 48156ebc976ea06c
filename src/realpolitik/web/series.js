/* realpolitik dashboard: one dyad's history with plotly.js — events per period stacked by
 * QuadClass, and the mean Goldstein score on a second axis; an alert's triggering events are
 * starred on that axis, in the period holding their day. */
"use strict";

window.RP = window.RP || {};

(function (RP) {
  const QUADS = [
    ["verbal_coop", "verbal cooperation", "#92c5de"],
    ["material_coop", "material cooperation", "#2166ac"],
    ["verbal_conflict", "verbal conflict", "#f4a582"],
    ["material_conflict", "material conflict", "#b2182b"],
  ];

  const MARK_COLOUR = "#ffb000";

  /** Return the index of the period holding ``day`` (periods are sorted by first day), or -1. */
  function periodOf(periods, day) {
    let found = -1;
    periods.forEach(function (p, i) { if (p.period <= day) found = i; });
    return found;
  }

  /** Return the plotly trace starring ``marks`` ({day, goldstein, text}) in their periods. */
  function markTrace(data, x, marks) {
    const placed = marks.filter(function (m) { return periodOf(data.periods, m.day) >= 0; });
    return {
      type: "scatter", mode: "markers", name: "triggering events", yaxis: "y2",
      x: placed.map(function (m) { return x[periodOf(data.periods, m.day)]; }),
      y: placed.map(function (m) { return m.goldstein === null ? 0 : m.goldstein; }),
      text: placed.map(function (m) { return RP.plotlyText(m.text); }),
      hoverinfo: "text",
      marker: { symbol: "star", size: 16, color: MARK_COLOUR, line: { color: "#000", width: 1 } },
    };
  }

  /** Plot a series answer of /api/dyads/{a}/{b}/series into ``container``.
   * marks: events to star ({day, goldstein, text}); none when absent. */
  function draw(container, data, marks) {
    const label = data.freq === "month" ? function (p) { return p.period.slice(0, 7); } : function (p) { return p.period; };
    const x = data.periods.map(label);
    const traces = QUADS.map(function (q) {
      return {
        type: "bar", name: q[1], x: x, marker: { color: q[2] },
        y: data.periods.map(function (p) { return p[q[0]]; }),
      };
    });
    traces.push({
      type: "scatter", mode: "lines+markers", name: "mean Goldstein", yaxis: "y2", x: x,
      y: data.periods.map(function (p) { return p.goldstein_mean; }),
      line: { color: "#333" }, connectgaps: false,
    });
    const starred = marks && marks.length ? markTrace(data, x, marks) : null;
    if (starred) traces.push(starred);
    window.Plotly.react(container, traces, {
      barmode: "stack", margin: { l: 45, r: 45, t: 10, b: 40 }, height: 320,
      legend: { orientation: "h", y: -0.25 },
      xaxis: data.freq === "month" ? { type: "category", automargin: true } : { type: "date", automargin: true },
      yaxis: { title: { text: "events" }, rangemode: "tozero" },
      yaxis2: { title: { text: "Goldstein" }, overlaying: "y", side: "right", range: [-10, 10] },
    }, { displayModeBar: false, responsive: true });
    container.dataset.dyad = data.source + "-" + data.target;
    container.dataset.periods = String(data.periods.length);
    container.dataset.events = String(data.summary.events);
    container.dataset.marked = String(starred ? starred.x.length : 0);
  }

  RP.series = { draw: draw };
})(window.RP);
