/* realpolitik dashboard: the alignment network.
 * Drawn with cytoscape.js when it is installed (npm, by `make install`), else with plotly.js.
 * Nodes sit on a circle grouped by bloc; edge colour runs from conflict (red) through neutral
 * (grey) to cooperation (blue) by mean Goldstein score; edge width grows with event volume. */
"use strict";

window.RP = window.RP || {};

(function (RP) {
  const BLOC_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"];
  const NO_BLOC = "#9e9e9e";

  /** Return a colour for a mean Goldstein score (-10 conflict … +10 cooperation). */
  function toneColour(goldstein) {
    if (goldstein === null || goldstein === undefined) return "#bdbdbd";
    const t = Math.max(-1, Math.min(1, goldstein / 7));
    const grey = [189, 189, 189];
    const end = t < 0 ? [215, 48, 39] : [33, 102, 172];
    const mix = grey.map(function (g, i) { return Math.round(g + (end[i] - g) * Math.abs(t)); });
    return "rgb(" + mix.join(",") + ")";
  }

  function blocColour(bloc) {
    return bloc === null || bloc === undefined ? NO_BLOC : BLOC_COLOURS[bloc % BLOC_COLOURS.length];
  }

  /** Return edge widths scaled by log volume into 1.5 … 12 pixels. */
  function widthScale(edges) {
    const most = Math.max.apply(null, edges.map(function (e) { return e.volume; }).concat([1]));
    return function (volume) { return 1.5 + 10.5 * Math.log1p(volume) / Math.log1p(most); };
  }

  /** Order nodes by bloc then key, and place them on a circle. */
  function circlePositions(nodes, radius) {
    const ordered = nodes.slice().sort(function (a, b) {
      const ba = a.bloc === null ? 99 : a.bloc;
      const bb = b.bloc === null ? 99 : b.bloc;
      return ba - bb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    const positions = {};
    ordered.forEach(function (node, i) {
      const angle = 2 * Math.PI * i / Math.max(ordered.length, 1) - Math.PI / 2;
      positions[node.id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
    return positions;
  }

  function edgeId(edge) {
    return edge.source + "-" + edge.target;
  }

  function drawCytoscape(container, data, onEdge) {
    const width = widthScale(data.edges);
    const positions = circlePositions(data.nodes, 200);
    const elements = [];
    data.nodes.forEach(function (node) {
      elements.push({
        group: "nodes",
        data: { id: node.id, label: node.id, colour: blocColour(node.bloc), size: 18 + 4 * Math.log1p(node.volume) },
        position: positions[node.id],
      });
    });
    data.edges.forEach(function (edge) {
      elements.push({
        group: "edges",
        data: {
          id: edgeId(edge), source: edge.source, target: edge.target,
          colour: toneColour(edge.goldstein_mean), width: width(edge.volume),
        },
      });
    });
    const cy = window.cytoscape({
      container: container,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 30 },
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", label: "data(label)", width: "data(size)",
          height: "data(size)", "font-size": 11, "text-valign": "center", color: "#111",
          "text-outline-color": "#fff", "text-outline-width": 2,
        } },
        { selector: "edge", style: {
          "line-color": "data(colour)", width: "data(width)", "curve-style": "bezier", opacity: 0.85,
        } },
        { selector: "edge:selected", style: {
          opacity: 1, "underlay-color": "#ffcc33", "underlay-opacity": 0.7, "underlay-padding": 5,
        } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#000" } },
      ],
      userZoomingEnabled: true,
    });
    cy.on("tap", "edge", function (evt) {
      const edge = evt.target;
      onEdge(edge.data("source"), edge.data("target"));
    });
    return {
      kind: "cytoscape",
      cy: cy,
      select: function (key) {
        cy.$(":selected").unselect();
        if (key) cy.$id(key).select();
      },
      edgePoint: function (a, b) {
        const edge = cy.$id(a + "-" + b).nonempty() ? cy.$id(a + "-" + b) : cy.$id(b + "-" + a);
        if (edge.empty()) return null;
        const point = edge.renderedMidpoint();
        const box = container.getBoundingClientRect();
        return { x: box.left + point.x, y: box.top + point.y };
      },
    };
  }

  const HANDLE_AT = 0.42;
  /* Click handles sit 42% of the way along each edge, so two edges crossing at their middles
   * (diameters of the circle) keep separate handles. */

  function drawPlotly(container, data, onEdge) {
    const width = widthScale(data.edges);
    const positions = circlePositions(data.nodes, 1);
    const handle = function (edge) {
      const a = positions[edge.source];
      const b = positions[edge.target];
      return { x: a.x + (b.x - a.x) * HANDLE_AT, y: a.y + (b.y - a.y) * HANDLE_AT };
    };
    const traces = data.edges.map(function (edge) {
      const a = positions[edge.source];
      const b = positions[edge.target];
      return {
        x: [a.x, b.x], y: [a.y, b.y], mode: "lines", hoverinfo: "skip", showlegend: false,
        line: { color: toneColour(edge.goldstein_mean), width: width(edge.volume) },
      };
    });
    traces.push({
      x: data.edges.map(function (e) { return handle(e).x; }),
      y: data.edges.map(function (e) { return handle(e).y; }),
      customdata: data.edges.map(function (e) { return [e.source, e.target]; }),
      text: data.edges.map(function (e) {
        return RP.plotlyText(e.source + " – " + e.target + ": " + e.volume + " events, Goldstein " + e.goldstein_mean);
      }),
      mode: "markers", hoverinfo: "text", showlegend: false, name: "edges",
      marker: { size: 12, color: "rgba(0,0,0,0.15)" },
    });
    traces.push({
      x: data.nodes.map(function (n) { return positions[n.id].x; }),
      y: data.nodes.map(function (n) { return positions[n.id].y; }),
      text: data.nodes.map(function (n) { return RP.plotlyText(n.id); }),
      mode: "markers+text", textposition: "top center", hoverinfo: "text", showlegend: false,
      marker: { size: 16, color: data.nodes.map(function (n) { return blocColour(n.bloc); }) },
    });
    const axis = { visible: false, range: [-1.3, 1.3] };
    window.Plotly.newPlot(container, traces, {
      margin: { l: 10, r: 10, t: 10, b: 10 }, xaxis: axis, yaxis: Object.assign({ scaleanchor: "x" }, axis),
      hovermode: "closest",
    }, { displayModeBar: false, responsive: true });
    container.on("plotly_click", function (evt) {
      const point = evt.points && evt.points[0];
      if (point && point.customdata) onEdge(point.customdata[0], point.customdata[1]);
    });
    return {
      kind: "plotly",
      select: function () {},
      edgePoint: function (a, b) {
        const edge = data.edges.find(function (e) {
          return (e.source === a && e.target === b) || (e.source === b && e.target === a);
        });
        if (!edge) return null;
        const at = handle(edge);
        const layout = container._fullLayout;
        const box = container.getBoundingClientRect();
        return {
          x: box.left + layout.xaxis._offset + layout.xaxis.l2p(at.x),
          y: box.top + layout.yaxis._offset + layout.yaxis.l2p(at.y),
        };
      },
    };
  }

  /** Draw the network into ``container``; ``onEdge(a, b)`` is called when an edge is clicked. */
  function draw(container, data, onEdge) {
    RP.clear(container);
    if (window.Plotly && container.data) window.Plotly.purge(container);
    if (!data.nodes.length) {
      container.appendChild(RP.el("p", "muted", "No dyad has enough events in this window."));
      return { kind: "empty", select: function () {}, edgePoint: function () { return null; } };
    }
    const view = window.cytoscape ? drawCytoscape(container, data, onEdge) : drawPlotly(container, data, onEdge);
    container.dataset.renderer = view.kind;
    container.dataset.nodes = data.nodes.map(function (n) { return n.id; }).join(",");
    return view;
  }

  /** Fill the legend with one entry per bloc. */
  function legend(list, blocs) {
    RP.clear(list);
    blocs.blocs.forEach(function (members, i) {
      const item = RP.el("li");
      const swatch = RP.el("span", "swatch");
      swatch.style.backgroundColor = blocColour(i);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode("Bloc " + (i + 1) + ": " + members.join(", ")));
      list.appendChild(item);
    });
  }

  RP.network = { draw: draw, legend: legend, toneColour: toneColour };
})(window.RP);
