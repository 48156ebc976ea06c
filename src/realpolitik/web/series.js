/* realpolitik dashboard: one dyad's history with plotly.js — events per period stacked by
 * QuadClass, and the mean Goldstein score on a second axis. */
"use strict";

window.RP = window.RP || {};

(function (RP) {
  const QUADS = [
    ["verbal_coop", "verbal cooperation", "#92c5de"],
    ["material_coop", "material cooperation", "#2166ac"],
    ["verbal_conflict", "verbal conflict", "#f4a582"],
    ["material_conflict", "material conflict", "#b2182b"],
  ];

  /** Plot a series answer of /api/dyads/{a}/{b}/series into ``container``. */
  function draw(container, data) {
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
    window.Plotly.react(container, traces, {
      barmode: "stack", margin: { l: 45, r: 45, t: 10, b: 40 }, height: 320,
      legend: { orientation: "h", y: -0.25 },
      xaxis: { type: "category", automargin: true },
      yaxis: { title: { text: "events" }, rangemode: "tozero" },
      yaxis2: { title: { text: "Goldstein" }, overlaying: "y", side: "right", range: [-10, 10] },
    }, { displayModeBar: false, responsive: true });
    container.dataset.dyad = data.source + "-" + data.target;
    container.dataset.periods = String(data.periods.length);
    container.dataset.events = String(data.summary.events);
  }

  RP.series = { draw: draw };
})(window.RP);
