// Renders the book's math with KaTeX at build time, for hooks/katex_render.py.
//
// One long-lived process per build: it reads one JSON request per line on stdin and answers each with
// one JSON line on stdout, in order.
//   request:  {"items": [{"tex": "x^2", "display": false}, ...]}   (all the math of one page)
//   answer:   {"items": [{"html": "<span class=\"katex\">...", "error": null}, ...]}
// A formula KaTeX cannot parse gets "error" (the message) and, in "html", KaTeX's own red rendering of
// the source, so a non-strict build still shows where the mistake is.
// The first line written is {"katex": "<version>"}, so the hook knows the version it talks to.
"use strict";

let katex;
try {
  // KaTeX's own dist/katex.min.js (npm package katex, MIT), vendored next to this script; the site serves
  // the CSS and fonts of the same version (docs/assets/katex; tests/test_katex.py checks the versions).
  katex = require(require("path").join(__dirname, "vendor", "katex.min.js"));
} catch (error) {
  process.stderr.write(`cannot load hooks/vendor/katex.min.js (${error.message})\n`);
  process.exit(3);
}
const readline = require("readline");

// The same options for every formula; part of the hook's cache key (see OPTIONS in katex_render.py).
const OPTIONS = { output: "htmlAndMathml", strict: "warn", trust: false };

function render(item) {
  const options = { ...OPTIONS, displayMode: Boolean(item.display) };
  try {
    return { html: katex.renderToString(item.tex, { ...options, throwOnError: true }), error: null };
  } catch (error) {
    if (!(error instanceof katex.ParseError)) throw error;
    return { html: katex.renderToString(item.tex, { ...options, throwOnError: false }), error: error.message };
  }
}

process.stdout.write(JSON.stringify({ katex: katex.version }) + "\n");
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const request = JSON.parse(line);
  process.stdout.write(JSON.stringify({ items: request.items.map(render) }) + "\n");
});
