// Chapter 2's perceptron slider (docs/{ja,en}/02-perceptron.md, section #decision-boundary): three
// range inputs (w1, w2, b) move the line w1*x1 + w2*x2 + b = 0 over the unit square's four inputs,
// shade the side where the perceptron outputs 1 and mark each input by its output, in the language of
// the static figure 02-gate-lines (filled circle = 1, open square = 0), with a live truth table.
//
// The page's markup (<section class="nn-slider" hidden>) holds every word, in the page's language, and the
// presets' numbers (data-w1/-w2/-b of the buttons: tests/test_perceptron_slider.py compares them with
// nnbook.GATE_PARAMS); this script holds none. It does nothing on pages without the widget, needs no
// request (works from file://), and runs again after each page change of Material's instant navigation.
//
// The numbers are kept in tenths (integers, the sliders' step 0.1): a = w1*x1 + w2*x2 + b is then exact,
// so an input on the line gets a = 0 and output 0, as the book's step(0) = 0 says. (In floats,
// 0.1 + 0.2 - 0.3 is 5.6e-17 > 0.) Multiplying every number by 10 changes no output (exercise 3).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var INPUTS = [[0, 0], [1, 0], [0, 1], [1, 1]];  // the order of the chapter's truth tables
  var LIM = [-0.45, 1.45];  // the square drawn around the inputs (nnbook.plot's _P1_LIM)
  var PLOT = 200, LEFT = 34, TOP = 8, BOTTOM = 34, RIGHT = 8;  // SVG user units

  function tenths(value) { return Math.round(parseFloat(value) * 10); }

  function number(t) {  // tenths -> "−1.5", "0.0", "2.0" (a true minus sign)
    return (t < 0 ? "\u2212" : "") + (Math.abs(t) / 10).toFixed(1);
  }

  function preact(p, x) { return p.w1 * x[0] + p.w2 * x[1] + p.b; }  // in tenths, exact
  function output(p, x) { return preact(p, x) > 0 ? 1 : 0; }  // step(a): 1 if a > 0, else 0

  function px(v) { return (v - LIM[0]) / (LIM[1] - LIM[0]) * PLOT; }  // data -> plot units
  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function shadedPolygon(p) {
    // The part of the square where a > 0: one clipping step of the square's polygon (as nnbook.plot).
    var square = [[LIM[0], LIM[0]], [LIM[1], LIM[0]], [LIM[1], LIM[1]], [LIM[0], LIM[1]]];
    var out = [];
    for (var k = 0; k < square.length; k++) {
      var s = square[k], q = square[(k + 1) % square.length];
      var as = preact(p, s), aq = preact(p, q);
      if (as > 0) out.push(s);
      if ((as > 0) !== (aq > 0)) {
        var f = as / (as - aq);
        out.push([s[0] + f * (q[0] - s[0]), s[1] + f * (q[1] - s[1])]);
      }
    }
    return out;
  }

  function draw(svg, p) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var plot = el("svg", {x: LEFT, y: TOP, width: PLOT, height: PLOT, viewBox: "0 0 " + PLOT + " " + PLOT}, svg);
    var y = function (v) { return PLOT - px(v); };  // x2 grows upwards
    [0, 1].forEach(function (v) {  // the grid at 0 and 1
      el("line", {"class": "nn-slider__grid", x1: px(v), x2: px(v), y1: 0, y2: PLOT}, plot);
      el("line", {"class": "nn-slider__grid", y1: y(v), y2: y(v), x1: 0, x2: PLOT}, plot);
    });
    var region = shadedPolygon(p);
    if (region.length) {
      el("polygon", {"class": "nn-slider__region", points: region.map(function (c) {
        return px(c[0]).toFixed(2) + "," + y(c[1]).toFixed(2);
      }).join(" ")}, plot);
    }
    if (p.w1 !== 0 || p.w2 !== 0) {  // the line a = 0, drawn beyond the square (the inner svg clips it)
      var lo = LIM[0] - 1, hi = LIM[1] + 1, ends;
      if (Math.abs(p.w2) >= Math.abs(p.w1)) {
        ends = [lo, hi].map(function (u) { return [u, -(p.w1 * u + p.b) / p.w2]; });
      } else {
        ends = [lo, hi].map(function (v) { return [-(p.w2 * v + p.b) / p.w1, v]; });
      }
      el("line", {"class": "nn-slider__line", x1: px(ends[0][0]), y1: y(ends[0][1]),
                  x2: px(ends[1][0]), y2: y(ends[1][1])}, plot);
    }
    el("rect", {"class": "nn-slider__frame", x: LEFT, y: TOP, width: PLOT, height: PLOT}, svg);
    INPUTS.forEach(function (x) {
      var cx = LEFT + px(x[0]), cy = TOP + y(x[1]), one = output(p, x) === 1;
      var mark = one ? el("circle", {cx: cx, cy: cy, r: 8}, svg)
                     : el("rect", {x: cx - 6.5, y: cy - 6.5, width: 13, height: 13}, svg);
      mark.setAttribute("class", one ? "nn-slider__one" : "nn-slider__zero");
      mark.setAttribute("data-input", x.join(","));
      mark.setAttribute("data-output", one ? "1" : "0");
    });
    [0, 1].forEach(function (v) {  // tick labels and axis names, as the figure's
      el("text", {"class": "nn-slider__tick", x: LEFT + px(v), y: TOP + PLOT + 14, "text-anchor": "middle"}, svg)
        .textContent = String(v);
      el("text", {"class": "nn-slider__tick", x: LEFT - 6, y: TOP + y(v) + 4, "text-anchor": "end"}, svg)
        .textContent = String(v);
    });
    axisName(svg, LEFT + PLOT / 2, TOP + PLOT + 30, "1");
    axisName(svg, 8, TOP + PLOT / 2 + 4, "2");
  }

  function axisName(svg, x, y, index) {  // x₁, x₂ (italic x, subscript digit)
    var t = el("text", {"class": "nn-slider__axis", x: x, y: y, "text-anchor": "middle"}, svg);
    el("tspan", {"font-style": "italic"}, t).textContent = "x";
    el("tspan", {"font-size": "70%", dy: "0.3em"}, t).textContent = index;
  }

  function symbol(name, index) {  // <var>w</var><sub>1</sub> as the page writes it
    var frag = document.createDocumentFragment();
    var v = document.createElement("var");
    v.textContent = name;
    frag.appendChild(v);
    if (index) {
      var s = document.createElement("sub");
      s.textContent = index;
      frag.appendChild(s);
    }
    return frag;
  }

  function equation(node, p) {  // "1.0 x₁ + 0.5 x₂ − 0.5 = 0"
    node.textContent = "";
    var terms = [[p.w1, "x", "1"], [p.w2, "x", "2"], [p.b, null, null]];
    terms.forEach(function (term, k) {
      var t = term[0];
      var sign = k === 0 ? (t < 0 ? "\u2212" : "") : (t < 0 ? " \u2212 " : " + ");
      node.appendChild(document.createTextNode(sign + number(Math.abs(t)) + (term[1] ? "\u2009" : "")));
      if (term[1]) node.appendChild(symbol(term[1], term[2]));
    });
    node.appendChild(document.createTextNode(" = 0"));
  }

  function message(widget, name, gate) {  // a copy of the page's hidden <span data-msg=name>
    var source = widget.querySelector('[data-msg="' + name + '"]');
    var copy = source.cloneNode(true);
    copy.removeAttribute("hidden");
    copy.removeAttribute("data-msg");
    var walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) walker.currentNode.nodeValue = walker.currentNode.nodeValue.replace("{gate}", gate || "");
    return copy;
  }

  function init(widget) {
    if (widget.getAttribute("data-ready")) return;
    widget.setAttribute("data-ready", "1");
    var sliders = {};
    widget.querySelectorAll("input[data-param]").forEach(function (input) { sliders[input.dataset.param] = input; });
    var presets = Array.prototype.slice.call(widget.querySelectorAll("button[data-w1]"));
    var svg = widget.querySelector("svg[data-role=plot]");
    var rows = widget.querySelector("[data-role=table]");
    var eq = widget.querySelector("[data-role=equation]");
    var status = widget.querySelector("[data-role=status]");
    var lastStatus = "";

    function params() {
      return {w1: tenths(sliders.w1.value), w2: tenths(sliders.w2.value), b: tenths(sliders.b.value)};
    }
    function presetParams(button) {
      return {w1: tenths(button.dataset.w1), w2: tenths(button.dataset.w2), b: tenths(button.dataset.b)};
    }
    function outputs(p) { return INPUTS.map(function (x) { return output(p, x); }).join(""); }

    function update() {
      var p = params();
      Object.keys(sliders).forEach(function (k) {
        var shown = widget.querySelector('output[data-for="' + k + '"]');
        if (shown) shown.textContent = number(p[k]);
      });
      draw(svg, p);
      rows.textContent = "";
      INPUTS.forEach(function (x) {
        var tr = document.createElement("tr");
        [String(x[0]), String(x[1]), number(preact(p, x)), String(output(p, x))].forEach(function (text) {
          var td = document.createElement("td");
          td.textContent = text;
          tr.appendChild(td);
        });
        tr.setAttribute("data-output", String(output(p, x)));
        rows.appendChild(tr);
      });
      eq.textContent = "";
      if (p.w1 === 0 && p.w2 === 0) eq.appendChild(message(widget, "noline"));
      else equation(eq, p);
      // Which of the chapter's gates the outputs match (the presets' own truth tables), if any.
      var mine = outputs(p), match = null;
      presets.forEach(function (button) {
        var q = presetParams(button);
        button.setAttribute("aria-pressed", String(q.w1 === p.w1 && q.w2 === p.w2 && q.b === p.b));
        if (!match && outputs(q) === mine) match = button.dataset.gate;
      });
      var key = match ? "match:" + match : "none";
      if (key !== lastStatus) {  // the live region speaks only when the verdict changes
        lastStatus = key;
        status.textContent = "";
        status.appendChild(message(widget, match ? "match" : "none", match));
        status.setAttribute("data-gate", match || "");
      }
    }

    Object.keys(sliders).forEach(function (k) { sliders[k].addEventListener("input", update); });
    presets.forEach(function (button) {
      button.addEventListener("click", function () {
        sliders.w1.value = button.dataset.w1;
        sliders.w2.value = button.dataset.w2;
        sliders.b.value = button.dataset.b;
        update();
      });
    });
    svg.setAttribute("viewBox", "0 0 " + (LEFT + PLOT + RIGHT) + " " + (TOP + PLOT + BOTTOM));
    update();
    widget.hidden = false;
  }

  function initAll() { document.querySelectorAll(".nn-slider").forEach(init); }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(initAll);  // Material: every page load, instant navigation included
  }
  // Also on the first load by itself (init runs once per widget): from file:// Material's own script
  // can stop before document$ emits, and the widget must still work there.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
