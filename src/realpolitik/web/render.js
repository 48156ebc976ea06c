/* realpolitik dashboard: DOM helpers and event rows.
 * Every piece of data reaches the page through textContent or element attributes set one by
 * one; markup in article text therefore shows as text and never runs. */
"use strict";

window.RP = window.RP || {};

(function (RP) {
  const QUAD_NAMES = {
    1: "verbal cooperation", 2: "material cooperation",
    3: "verbal conflict", 4: "material conflict",
  };

  /** Create an element with optional class and text (text is set with textContent). */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** Remove every child of a node. */
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Fetch JSON from our own API; throw an Error carrying the API's message on failure. */
  async function getJSON(url, options) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options || {}));
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error ? body.error.message : response.status + " " + response.statusText;
      throw new Error(message);
    }
    return body;
  }

  /** Return a sentence as a fragment with the source, trigger and target spans in <mark>s. */
  function highlighted(sentence, marks) {
    const fragment = document.createDocumentFragment();
    let at = 0;
    (marks || []).forEach(function (mark) {
      if (mark.start < at || mark.end > sentence.length) return;
      fragment.appendChild(document.createTextNode(sentence.slice(at, mark.start)));
      const span = el("mark", "m-" + mark.kind, sentence.slice(mark.start, mark.end));
      span.title = mark.kind;
      fragment.appendChild(span);
      at = mark.end;
    });
    fragment.appendChild(document.createTextNode(sentence.slice(at)));
    return fragment;
  }

  /** Return a table cell naming an actor: its key, with the coded name as a tooltip. */
  function actorCell(actor) {
    const key = actor.country || actor.org || "?";
    const cell = el("td", "actor", key);
    cell.title = [actor.text, actor.name, actor.code].filter(Boolean).join(" · ");
    return cell;
  }

  /** Return a table cell describing the event code. */
  function eventCell(event) {
    const cell = el("td", "q" + event.quad_class);
    cell.appendChild(el("span", "cameo", event.cameo));
    cell.appendChild(document.createTextNode(" " + (event.cameo_name || "")));
    cell.title = "QuadClass " + event.quad_class + " (" + QUAD_NAMES[event.quad_class] + ")" +
      (event.goldstein === null ? "" : ", Goldstein " + event.goldstein) +
      (event.negated ? ", negated" : "") + ", " + event.modality;
    return cell;
  }

  /** Return a table row for one event. withDay: add the day column first. */
  function eventRow(event, withDay) {
    const row = el("tr", "event");
    row.dataset.eventId = event.event_id;
    if (withDay) row.appendChild(el("td", "day", event.day || event.date || ""));
    row.appendChild(actorCell(event.source));
    row.appendChild(eventCell(event));
    row.appendChild(actorCell(event.target));
    const sentence = el("td", "sentence");
    sentence.appendChild(highlighted(event.sentence, event.marks));
    if (event.num_mentions) sentence.appendChild(el("div", "reports muted", reports(event)));
    row.appendChild(sentence);
    return row;
  }

  /** Return "N reports from M sources" for a unique event. */
  function reports(event) {
    const n = event.num_mentions;
    const m = event.num_sources;
    return n + (n === 1 ? " report" : " reports") + " from " + m + (m === 1 ? " source" : " sources");
  }

  /** Return the list of an event's mentions: outlet, day and sentence, linked to the article. */
  function mentionList(mentions) {
    const list = el("ol", "mentions");
    mentions.forEach(function (mention) {
      const item = el("li", "mention");
      const article = mention.article || {};
      const head = [mention.outlet, article.date || mention.day, article.title].filter(Boolean).join(" · ");
      if (article.url && /^https?:\/\//i.test(article.url)) {
        const link = el("a", null, head);
        link.href = article.url;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        item.appendChild(link);
      } else {
        item.appendChild(el("span", null, head));
      }
      const quote = el("div", "sentence");
      quote.appendChild(highlighted(mention.sentence, mention.marks));
      item.appendChild(quote);
      list.appendChild(item);
    });
    return list;
  }

  /** Return a list describing one event's evidence and source article. */
  function detail(data) {
    const event = data.event;
    const article = data.article;
    const box = el("div", "detail");
    box.appendChild(el("h3", null, "Event " + event.event_id));
    if (event.num_mentions) {
      box.appendChild(el("p", "reports", reports(event) + " (" + event.num_articles +
        (event.num_articles === 1 ? " article" : " articles") + "), first seen " +
        event.first_seen + ", last seen " + event.last_seen));
    }
    const facts = el("dl");
    const add = function (name, value) {
      if (value === null || value === undefined || value === "") return;
      facts.appendChild(el("dt", null, name));
      facts.appendChild(el("dd", null, value));
    };
    add("Pattern", event.evidence.pattern);
    add("Trigger", event.evidence.trigger);
    add("Rule", event.evidence.rule);
    add("Confidence", event.confidence);
    add("Modality", event.modality + (event.negated ? " (negated)" : ""));
    add("PLOVER", event.plover);
    if (article) {
      add("Article", article.title || article.id);
      add("Published", article.date);
      add("Source", article.source);
    }
    box.appendChild(facts);
    if (article && article.url && /^https?:\/\//i.test(article.url)) {
      const link = el("a", null, article.url);
      link.href = article.url;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      box.appendChild(link);
    }
    if (data.mentions && data.mentions.length) {
      box.appendChild(el("h4", null, "Reports"));
      box.appendChild(mentionList(data.mentions));
    }
    return box;
  }

  /** Escape text for plotly labels (plotly reads a few HTML-like tags in its strings). */
  function plotlyText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  RP.el = el;
  RP.clear = clear;
  RP.getJSON = getJSON;
  RP.highlighted = highlighted;
  RP.eventRow = eventRow;
  RP.detail = detail;
  RP.plotlyText = plotlyText;
  RP.QUAD_NAMES = QUAD_NAMES;
})(window.RP);
