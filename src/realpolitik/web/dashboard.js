/* realpolitik dashboard: filters, loading, and the wiring between the panels.
 * When the first load is complete the page sets ``document.body.dataset.ready = "1"``; each
 * panel marks its own later updates (data-state, data-dyad) so tests and users can tell.
 * The location hash names what the dyad view shows, so it can be linked: ``#dyad=A,B`` (a
 * network edge) or ``#alert=SEQ&dyad=A,B`` (an alert, with its triggering events starred). */
"use strict";

(function (RP) {
  const state = { filters: {}, dyad: null, alert: null, cursor: null, view: null, alerts: null };
  const $ = function (id) { return document.getElementById(id); };
  const KEY = /^[A-Za-z0-9][A-Za-z0-9 ._&'-]{0,63}$/;
  const ALERT_WEEKS_BEFORE = 26;
  const ALERT_WEEKS_AFTER = 4;

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

  /** Return the ISO day ``n`` days after ``day``. */
  function addDays(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  /** Return the days an alert is about (its week, or its day) and the weeks its series shows. */
  function alertWindow(alert) {
    const last = addDays(alert.period_start, /-W\d+$/.test(alert.period) ? 6 : 0);
    return {
      first: alert.period_start, last: last,
      since: addDays(alert.period_start, -7 * ALERT_WEEKS_BEFORE), until: addDays(last, 7 * ALERT_WEEKS_AFTER),
    };
  }

  /** Put ``text`` in the location hash as a new history entry (no reload, no hashchange run). */
  function setHash(text) {
    const hash = text ? "#" + text : "";
    if (location.hash !== hash) history.pushState(null, "", hash || location.pathname + location.search);
  }

  function dyadHash(a, b, alert) {
    const dyad = "dyad=" + encodeURIComponent(a) + "," + encodeURIComponent(b);
    return alert ? "alert=" + alert.seq + "&" + dyad : dyad;
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
    if (state.alert) {
      const w = alertWindow(state.alert);
      Object.assign(params, { since: w.first, until: w.last, quad_class: null });
    }
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
    if (state.alert) markTriggering(body, state.alert);
    state.cursor = data.next_cursor;
    $("events-more").hidden = !data.next_cursor;
    $("events-scope").textContent = (state.dyad ? "between " + state.dyad.join(" and ") : (f.actor ? "of " + f.actor : "")) +
      (state.alert ? " in " + state.alert.period + " (alert " + state.alert.seq + ")" : "");
    $("events-all").hidden = !state.dyad;
    table.dataset.state = "done";
  }

  /** Mark the rows of ``body`` that are triggering events of ``alert``. */
  function markTriggering(body, alert) {
    const ids = new Set((alert.events || []).map(function (e) { return e.event_id; }));
    body.querySelectorAll("tr.event").forEach(function (row) {
      if (!ids.has(row.dataset.eventId) || row.classList.contains("triggering")) return;
      row.classList.add("triggering");
      row.cells[0].appendChild(RP.el("span", "badge", "triggering"));
    });
  }

  /** Show the alert's message and its triggering events (with their sentences) under the series,
   * or hide them when ``alert`` is null. */
  function showTriggering(alert) {
    const box = $("alert-detail");
    const list = $("alert-events");
    RP.clear(list);
    box.hidden = !alert;
    if (!alert) return;
    $("alert-message").textContent = RP.alerts.RULE_NAMES[alert.rule] + ": " + alert.message;
    alert.events.forEach(function (event) { list.appendChild(RP.alerts.triggeringItem(event)); });
    list.dataset.count = String(alert.events.length);
  }

  /** Return the series URL of dyad a–b: the weeks around ``alert``, else the filters' months. */
  function seriesUrl(a, b, alert) {
    const f = state.filters;
    const w = alert ? alertWindow(alert) : { since: f.since, until: f.until };
    return "/api/dyads/" + encodeURIComponent(a) + "/" + encodeURIComponent(b) + "/series" +
      query({ since: w.since, until: w.until, freq: alert ? "week" : "month" });
  }

  /** Return the series stars of the alert's triggering events in dyad a–b. */
  function seriesMarks(alert, a, b) {
    if (!alert) return [];
    return RP.alerts.eventsIn(alert, [a, b]).map(function (e) {
      return { day: e.day, goldstein: e.goldstein, text: e.day + " " + e.source + " " + e.cameo + " " + e.target + ": " + (e.sentence || "") };
    });
  }

  async function showDetail(eventId) {
    const box = $("event-detail");
    const data = await RP.getJSON("/api/events/" + encodeURIComponent(eventId));
    RP.clear(box);
    box.appendChild(RP.detail(data));
    box.hidden = false;
  }

  /** Show the history of dyad a–b and its events (a network edge or an alert was clicked).
   * alert: show the weeks around it, its triggering events starred and listed. */
  async function selectDyad(a, b, alert) {
    state.dyad = [a, b];
    state.alert = alert || null;
    setHash(dyadHash(a, b, state.alert));
    if (state.alerts) state.alerts.mark(state.alert);
    showTriggering(state.alert);
    const series = $("series");
    series.dataset.state = "loading";
    series.dataset.alert = state.alert ? String(state.alert.seq) : "";
    $("series-title").textContent = a + " – " + b;
    try {
      const data = await RP.getJSON(seriesUrl(a, b, state.alert));
      const s = data.summary;
      $("series-summary").textContent = s.events + (s.events === 1 ? " event" : " events") + ", mostly " + s.tone +
        (s.goldstein_mean === null ? "" : ", mean Goldstein " + s.goldstein_mean.toFixed(2)) +
        " (both directions, by " + data.freq + ")";
      RP.series.draw(series, data, seriesMarks(state.alert, a, b));
      await loadEvents(false);
      series.dataset.state = "done";
    } catch (err) {
      $("series-summary").textContent = err.message;
      series.dataset.state = "error";
    }
  }

  /** Open the dyad view on ``alert``: its dyad, else the pair its triggering events share. */
  async function showAlert(alert) {
    const pair = RP.alerts.dyadOf(alert);
    if (!pair) {
      showError("Alert " + alert.seq + " (" + alert.subject + ") names no dyad to show.");
      return;
    }
    $("series-panel").scrollIntoView({ block: "nearest" });
    await selectDyad(pair[0], pair[1], alert);
  }

  /** Forget the selected dyad and alert (the events table then lists every dyad). */
  function clearSelection() {
    state.dyad = null;
    state.alert = null;
    showTriggering(null);
    if (state.alerts) state.alerts.mark(null);
  }

  /** Show what the location hash names: an alert (by seq), a dyad, or (empty) every dyad. */
  async function route(hash) {
    const params = new URLSearchParams(hash.replace(/^#/, ""));
    const seq = params.get("alert");
    const dyad = (params.get("dyad") || "").split(",");
    if (seq && /^\d{1,15}$/.test(seq)) {
      const alert = await RP.alerts.fetchAlert(Number(seq));
      if (alert) return showAlert(alert);
      showError("Alert " + seq + " is not stored.");
    } else if (dyad.length === 2 && KEY.test(dyad[0]) && KEY.test(dyad[1])) {
      return selectDyad(dyad[0], dyad[1]);
    } else if (!seq && state.dyad) {
      clearSelection();
      return loadEvents(false);
    }
  }

  /** Load the alerts panel, then keep it live on the stream. */
  async function loadAlerts() {
    state.alerts = new RP.alerts.Panel($("alerts"), $("alerts-live"), function (alert) {
      showAlert(alert).catch(function (err) { showError(err.message); });
    });
    try {
      await state.alerts.load();
    } catch (err) {
      $("alerts-live").textContent = err.message;
      return;
    }
    state.alerts.listen();
  }

  async function apply() {
    state.filters = readFilters();
    state.cursor = null;
    showError("");
    try {
      await Promise.all([loadNetwork(), loadEvents(false)]);
      if (state.dyad) await selectDyad(state.dyad[0], state.dyad[1], state.alert);
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
      clearSelection();
      setHash("");
      setTimeout(apply, 0);
    });
    $("f-actor").addEventListener("input", suggestActors);
    $("events-more").addEventListener("click", function () {
      loadEvents(true).catch(function (err) { showError(err.message); });
    });
    $("events-all").addEventListener("click", function () {
      clearSelection();
      setHash("");
      loadEvents(false).catch(function (err) { showError(err.message); });
    });
    $("alert-events").addEventListener("click", function (evt) {
      const item = evt.target.closest("li.triggering");
      if (item && !evt.target.closest("a")) showDetail(item.dataset.eventId).catch(function (err) { showError(err.message); });
    });
    window.addEventListener("popstate", function () {
      route(location.hash).catch(function (err) { showError(err.message); });
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
      await Promise.all([loadStats(), apply(), loadAlerts(), RP.feeds.watch($("feeds"), function (err) {
        $("feeds-status").textContent = err.message;
      })]);
      if (location.hash) await route(location.hash);
    } catch (err) {
      showError(err.message);
    }
    document.body.dataset.ready = "1";
  }

  RP.dashboard = { state: state, selectDyad: selectDyad, showAlert: showAlert, apply: apply };
  start();
})(window.RP);
