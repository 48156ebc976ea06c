/* realpolitik dashboard: the feeds panel, from /api/feeds — per feed its URL, last fetch, HTTP
 * status, items seen and ingested, and errors with the last one. Reloaded every minute. */
"use strict";

window.RP = window.RP || {};

(function (RP) {
  const REFRESH_MS = 60000;
  const EMPTY = "no feeds watched — see docs/watch.md";

  /** Return the table row of one feed. */
  function feedRow(feed) {
    const row = RP.el("tr", "feed");
    row.dataset.feedId = feed.id;
    const url = RP.el("td", "url", feed.url);
    url.title = feed.id + ", polled every " + feed.every + " s" + (feed.next_due ? ", next " + feed.next_due : "");
    row.appendChild(url);
    row.appendChild(RP.el("td", "day", feed.last_fetch ? feed.last_fetch.replace("T", " ").slice(0, 19) : "never"));
    const status = feed.last_status;
    const ok = status !== null && status >= 200 && status < 400;
    row.appendChild(RP.el("td", ok ? "status ok" : "status bad", status === null ? "—" : status));
    const items = RP.el("td", "items", feed.items_seen + " seen");
    items.appendChild(RP.el("div", "muted", feed.items_ingested + " ingested"));
    row.appendChild(items);
    const errors = RP.el("td", feed.errors ? "errors bad" : "errors", feed.errors +
      (feed.failures ? " (" + feed.failures + " in a row)" : ""));
    if (feed.last_error) errors.appendChild(RP.el("div", "muted last-error", feed.last_error));
    row.appendChild(errors);
    return row;
  }

  /** Fill ``table`` from /api/feeds. */
  async function load(table) {
    table.dataset.state = "loading";
    const data = await RP.getJSON("/api/feeds");
    const body = table.tBodies[0];
    RP.clear(body);
    data.feeds.forEach(function (feed) { body.appendChild(feedRow(feed)); });
    if (!data.feeds.length) {
      const row = RP.el("tr", "empty");
      const cell = RP.el("td", "muted", EMPTY);
      cell.colSpan = 5;
      row.appendChild(cell);
      body.appendChild(row);
    }
    table.dataset.count = String(data.feeds.length);
    table.dataset.state = "done";
  }

  /** Load ``table`` now and every REFRESH_MS; ``onError(err)`` hears failures. */
  function watch(table, onError) {
    const run = function () { return load(table).catch(onError); };
    setInterval(run, REFRESH_MS);
    return run();
  }

  RP.feeds = { load: load, watch: watch, EMPTY: EMPTY };
})(window.RP);
