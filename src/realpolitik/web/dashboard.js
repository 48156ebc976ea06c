/* realpolitik dashboard: filters, loading, and the wiring between the panels.
 * When the first load is complete the page sets ``document.body.dataset.ready = "1"``; each
 * panel marks its own later updates (data-state, data-dyad) so tests and users can tell. */
"use strict";

(function (RP) {
  const state = { filters: {}, dyad: null, cursor: null, view: null };
  const $ = function (id) { return document.getElementById(id); };

  /** Return the current filter values from the form. */
  function readFilters() {
    const f = {};
    const since = $("f-since").value;
    const until = $("f-until").value;
    const quad = $("f-quad").value;
    const actor = $("f-actor").value.trim();
    if (since) f.since = since;
    if (until) f.until = until;
    if (quad) f.quad_class = quad;
    if (actor) f.actor = actor;
    return f;
  }

  function query(params) {
    const search = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") search.set(k, params[k]);
    });
    const text = search.toString();
    return text ? "?" + text : "";
  }

  function showError(message) {
    $("filter-error").textContent = message || "";
  }

  async function loadStats() {
    const s = await RP.getJSON("/api/stats");
    $("stats").textContent = s.events.toLocaleString("en") + " events from " +
      s.articles.toLocaleString("en") + " articles, " + s.dyads.toLocaleString("en") + " dyads" +
      (s.first_day ? ", " + s.first_day + " to " + s.last_day : "");
  }

  async function loadNetwork() {
    const f = state.filters;
    const data = await RP.getJSON("/api/network" + query({ since: f.since, until: f.until }));
    state.view = RP.network.draw($("network"), data, selectDyad);
    RP.network.legend($("legend"), data.blocs);
    state.view.select(f.actor);
    $("network").dataset.state = "done";
  }

  async function loadEvents(append) {
    const f = state.filters;
    const params = { since: f.since, until: f.until, quad_class: f.quad_class, limit: 50 };
    if (state.dyad) params.dyad = state.dyad.join(",");
    else params.actor = f.actor;
    if (append) params.cursor = state.cursor;
    const table = $("events");
    table.dataset.state = "loading";
    const data = await RP.getJSON("/api/events" + query(params));
    const body = table.tBodies[0];
    if (!append) RP.clear(body);
    data.events.forEach(function (event) { body.appendChild(RP.eventRow(event, true)); });
    if (!body.rows.length) {
      const row = RP.el("tr");
      const cell = RP.el("td", "muted", "No events match.");
      cell.colSpan = 5;
      row.appendChild(cell);
      body.appendChild(row);
    }
    state.cursor = data.next_cursor;
    $("events-more").hidden = !data.next_cursor;
    $("events-scope").textContent = state.dyad ? "between " + state.dyad.join(" and ") : (f.actor ? "of " + f.actor : "");
    $("events-all").hidden = !state.dyad;
    table.dataset.state = "done";
  }

  async function showDetail(eventId) {
    const box = $("event-detail");
    const data = await RP.getJSON("/api/events/" + encodeURIComponent(eventId));
    RP.clear(box);
    box.appendChild(RP.detail(data));
    box.hidden = false;
  }

  /** Show the history of dyad a–b and its events (called when a network edge is clicked). */
  async function selectDyad(a, b) {
    state.dyad = [a, b];
    const f = state.filters;
    const series = $("series");
    series.dataset.state = "loading";
    $("series-title").textContent = a + " – " + b;
    try {
      const data = await RP.getJSON("/api/dyads/" + encodeURIComponent(a) + "/" + encodeURIComponent(b) +
        "/series" + query({ since: f.since, until: f.until, freq: "month" }));
      const s = data.summary;
      $("series-summary").textContent = s.events + (s.events === 1 ? " event" : " events") + ", mostly " + s.tone +
        (s.goldstein_mean === null ? "" : ", mean Goldstein " + s.goldstein_mean.toFixed(2)) +
        " (both directions, by month)";
      RP.series.draw(series, data);
      await loadEvents(false);
      series.dataset.state = "done";
    } catch (err) {
      $("series-summary").textContent = err.message;
      series.dataset.state = "error";
    }
  }

  async function apply() {
    state.filters = readFilters();
    state.cursor = null;
    showError("");
    try {
      await Promise.all([loadNetwork(), loadEvents(false)]);
      if (state.dyad) await selectDyad(state.dyad[0], state.dyad[1]);
    } catch (err) {
      showError(err.message);
    }
  }

  let actorTimer = null;
  function suggestActors() {
    clearTimeout(actorTimer);
    actorTimer = setTimeout(async function () {
      const q = $("f-actor").value.trim();
      try {
        const data = await RP.getJSON("/api/actors" + query({ q: q, limit: 20 }));
        const list = $("actor-list");
        RP.clear(list);
        data.actors.forEach(function (a) {
          const option = RP.el("option");
          option.value = a.key;
          option.label = (a.name || a.key) + " (" + a.events + " events)";
          list.appendChild(option);
        });
      } catch (err) {
        showError(err.message);
      }
    }, 250);
  }

  let codeTimer = null;
  let codeRun = 0;
  async function codeText() {
    const text = $("code-text").value;
    const status = $("code-status");
    const table = $("code-events");
    const body = table.tBodies[0];
    const run = ++codeRun;
    if (!text.trim()) {
      RP.clear(body);
      status.textContent = "";
      return;
    }
    table.dataset.state = "loading";
    status.textContent = "Coding…";
    try {
      const payload = { text: text };
      if ($("code-date").value) payload.date = $("code-date").value;
      const data = await RP.getJSON("/api/code", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
      });
      if (run !== codeRun) return;
      RP.clear(body);
      data.events.forEach(function (event) { body.appendChild(RP.eventRow(event, false)); });
      status.textContent = data.events.length + " event" + (data.events.length === 1 ? "" : "s");
      table.dataset.state = "done";
    } catch (err) {
      if (run !== codeRun) return;
      status.textContent = err.message;
      table.dataset.state = "error";
    }
  }

  function wire() {
    $("filters").addEventListener("submit", function (evt) { evt.preventDefault(); apply(); });
    $("filters").addEventListener("reset", function () {
      state.dyad = null;
      setTimeout(apply, 0);
    });
    $("f-actor").addEventListener("input", suggestActors);
    $("events-more").addEventListener("click", function () {
      loadEvents(true).catch(function (err) { showError(err.message); });
    });
    $("events-all").addEventListener("click", function () {
      state.dyad = null;
      loadEvents(false).catch(function (err) { showError(err.message); });
    });
    $("events").addEventListener("click", function (evt) {
      const row = evt.target.closest("tr.event");
      if (row) showDetail(row.dataset.eventId).catch(function (err) { showError(err.message); });
    });
    $("code-text").addEventListener("input", function () {
      clearTimeout(codeTimer);
      codeTimer = setTimeout(codeText, 700);
    });
    $("code-run").addEventListener("click", function () {
      clearTimeout(codeTimer);
      codeText();
    });
  }

  async function start() {
    wire();
    try {
      await Promise.all([loadStats(), apply()]);
    } catch (err) {
      showError(err.message);
    }
    document.body.dataset.ready = "1";
  }

  RP.dashboard = { state: state, selectDyad: selectDyad, apply: apply };
  start();
})(window.RP);
