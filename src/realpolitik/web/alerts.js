/* realpolitik dashboard: the alerts panel. Loads /api/alerts (newest first), then stays live on
 * the Server-Sent Events stream /api/alerts/stream: a new alert is added at the top. The
 * browser's EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed.
 * Every piece of alert data reaches the page through textContent (RP.el). */
"use strict";

window.RP = window.RP || {};

(function (RP) {
  const RULE_NAMES = {
    dyad_shift: "dyad shift",
    first_conflict: "first conflict",
    bloc_change: "bloc change",
    volume_spike: "volume spike",
  };

  /* How each alert metric reads: its label and how its value is written. */
  const METRICS = {
    goldstein: { label: "weekly mean Goldstein", format: signed },
    conflict_share: { label: "weekly conflict share", format: percent },
    volume: { label: "weekly unique events", format: whole },
  };

  const PAGE = 50;

  function signed(value) { return (value >= 0 ? "+" : "−") + Math.abs(value).toFixed(2); }
  function percent(value) { return Math.round(value * 100) + "%"; }
  function zScore(value) { return (value >= 0 ? "+" : "−") + Math.abs(value).toFixed(1); }
  function whole(value) { return String(Math.round(value * 10) / 10); }

  /** Return the one-line headline figures of an alert (value against its history, robust z). */
  function headline(alert) {
    const f = alert.figures || {};
    const metric = METRICS[f.metric];
    if (metric && typeof f.value === "number" && typeof f.baseline === "number") {
      return metric.label + " " + metric.format(f.value) + " vs usual " + metric.format(f.baseline) +
        (typeof f.z === "number" ? " (robust z " + zScore(f.z) + ")" : "");
    }
    if (f.metric === "material_conflict") {
      return f.value + " material-conflict event" + (f.value === 1 ? "" : "s") +
        ", the first in " + f.days_without + " days";
    }
    if (f.metric === "bloc") {
      return "bloc " + (f.from_bloc || []).join(", ") + " → " + (f.to_bloc || []).join(", ");
    }
    return alert.message;
  }

  /** Return the dyad [a, b] an alert is about: its subject SRC>TGT, else the pair most of its
   * triggering events share (an actor's alert), else null. */
  function dyadOf(alert) {
    if (alert.subject.indexOf(">") > 0) return alert.subject.split(">");
    const counts = {};
    let best = null;
    (alert.events || []).forEach(function (event) {
      if (!event.source || !event.target || event.source === event.target) return;
      const key = event.source + ">" + event.target;
      counts[key] = (counts[key] || 0) + 1;
      if (best === null || counts[key] > counts[best]) best = key;
    });
    return best ? best.split(">") : null;
  }

  /** Return the triggering events of ``alert`` that lie in dyad ``pair`` (either direction). */
  function eventsIn(alert, pair) {
    return (alert.events || []).filter(function (event) {
      return (event.source === pair[0] && event.target === pair[1]) ||
        (event.source === pair[1] && event.target === pair[0]);
    });
  }

  /** Return "YYYY-MM-DD HH:MM" from an ISO timestamp. */
  function shortTime(iso) {
    return iso ? iso.replace("T", " ").slice(0, 16) : "";
  }

  /** Return the table row of one alert. */
  function alertRow(alert) {
    const row = RP.el("tr", "alert");
    row.dataset.seq = String(alert.seq);
    row.dataset.subject = alert.subject;
    row.dataset.rule = alert.rule;
    row.tabIndex = 0;
    const when = RP.el("td", "day", shortTime(alert.created_at));
    when.appendChild(RP.el("div", "muted", alert.period));
    row.appendChild(when);
    row.appendChild(RP.el("td", "rule", RULE_NAMES[alert.rule] || alert.rule));
    row.appendChild(RP.el("td", "actor", alert.subject.replace(">", " → ")));
    const figures = RP.el("td", "figures", headline(alert));
    figures.title = alert.message;
    row.appendChild(figures);
    const n = (alert.events || []).length;
    const count = RP.el("td", "count", n);
    count.title = n + " triggering event" + (n === 1 ? "" : "s") + " of " +
      ((alert.figures || {}).n_events || n) + " in the period";
    row.appendChild(count);
    return row;
  }

  /** Return the list item of one triggering event: day, actors, code, Goldstein, sentence. */
  function triggeringItem(event) {
    const item = RP.el("li", "triggering");
    item.dataset.eventId = event.event_id;
    const head = RP.el("div", "head");
    head.appendChild(RP.el("span", "badge", "triggering"));
    head.appendChild(document.createTextNode(" " + event.day + " · " + event.source + " → " + event.target + " · "));
    head.appendChild(RP.el("span", "cameo", event.cameo));
    head.appendChild(document.createTextNode(
      (event.goldstein === null ? "" : " · Goldstein " + event.goldstein) + " · " +
      event.num_mentions + (event.num_mentions === 1 ? " report" : " reports")));
    item.appendChild(head);
    item.appendChild(RP.el("div", "sentence", event.sentence || "(no sentence stored)"));
    if (event.url && /^https?:\/\//i.test(event.url)) {
      const link = RP.el("a", "muted", event.title || event.url);
      link.href = event.url;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      item.appendChild(link);
    }
    return item;
  }

  /** Build the alerts panel on ``table``; ``onSelect(alert)`` is called when a row is chosen. */
  function Panel(table, status, onSelect) {
    this.table = table;
    this.status = status;
    this.onSelect = onSelect;
    this.bySeq = {};
    this.newest = 0;
    this.source = null;
    const panel = this;
    const choose = function (evt) {
      const row = evt.target.closest("tr.alert");
      if (row && (evt.type === "click" || evt.key === "Enter")) onSelect(panel.bySeq[row.dataset.seq]);
    };
    table.addEventListener("click", choose);
    table.addEventListener("keydown", choose);
  }

  /** Show ``alert`` in the table (at the top when ``live``); a seq already shown is skipped. */
  Panel.prototype.add = function (alert, live) {
    if (this.bySeq[alert.seq]) return;
    this.bySeq[alert.seq] = alert;
    this.newest = Math.max(this.newest, alert.seq);
    const body = this.table.tBodies[0];
    const empty = body.querySelector("tr.empty");
    if (empty) body.removeChild(empty);
    const row = alertRow(alert);
    if (live) {
      row.classList.add("new");
      body.insertBefore(row, body.firstChild);
    } else {
      body.appendChild(row);
    }
    this.table.dataset.count = String(body.querySelectorAll("tr.alert").length);
  };

  /** Load the newest page of stored alerts. */
  Panel.prototype.load = async function () {
    this.table.dataset.state = "loading";
    const data = await RP.getJSON("/api/alerts?limit=" + PAGE);
    const body = this.table.tBodies[0];
    RP.clear(body);
    this.bySeq = {};
    data.alerts.forEach(function (alert) { this.add(alert, false); }, this);
    if (!data.alerts.length) {
      const row = RP.el("tr", "empty");
      const cell = RP.el("td", "muted", "No alerts stored yet: realpolitik alerts check or a watcher with alert rules stores them (see docs/alerts.md).");
      cell.colSpan = 5;
      row.appendChild(cell);
      body.appendChild(row);
    }
    this.table.dataset.count = String(data.alerts.length);
    this.table.dataset.state = "done";
  };

  /** Open the stream after the newest alert shown; new alerts go on top as they arrive. */
  Panel.prototype.listen = function () {
    const panel = this;
    const source = new EventSource("/api/alerts/stream?after=" + this.newest);
    this.source = source;
    source.addEventListener("alert", function (evt) {
      panel.add(JSON.parse(evt.data), true);
    });
    source.onopen = function () {
      panel.status.textContent = "live";
      panel.table.dataset.live = "open";
    };
    source.onerror = function () {
      panel.status.textContent = source.readyState === EventSource.CLOSED ? "stream closed" : "reconnecting…";
      panel.table.dataset.live = "retrying";
    };
  };

  /** Mark the row of ``alert`` (or none) as the one shown in the dyad view. */
  Panel.prototype.mark = function (alert) {
    this.table.querySelectorAll("tr.alert.selected").forEach(function (row) { row.classList.remove("selected"); });
    if (!alert) return;
    const row = this.table.querySelector("tr.alert[data-seq='" + Number(alert.seq) + "']");
    if (row) row.classList.add("selected");
  };

  /** Return the stored alert with sequence number ``seq`` (null when there is none). */
  async function fetchAlert(seq) {
    const data = await RP.getJSON("/api/alerts?limit=1&cursor=" + (seq + 1));
    const alert = data.alerts[0];
    return alert && alert.seq === seq ? alert : null;
  }

  RP.alerts = {
    Panel: Panel, headline: headline, dyadOf: dyadOf, eventsIn: eventsIn,
    triggeringItem: triggeringItem, fetchAlert: fetchAlert, RULE_NAMES: RULE_NAMES,
  };
})(window.RP);
