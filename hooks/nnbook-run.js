// The book's Run buttons (hooks/pyodide_run.py, issue 16). This file only draws buttons: the first
// click starts nnbook-run-worker.js (Pyodide, NumPy, nnbook from this site's assets/pyodide/).
"use strict";
(() => {
  const script = document.currentScript;
  const assets = new URL(script.dataset.assets, location.href).href;
  const ja = document.documentElement.lang === "ja";
  const T = ja
    ? { run: "実行", running: "実行中…", loading: "Python を起動中…", match: "一致: ページの出力と同じ", differ: "不一致: ページの出力と違います", none: "（出力なし）", failed: "ブラウザで実行できませんでした: " }
    : { run: "Run", running: "Running…", loading: "Starting Python…", match: "Match: same as the page's output", differ: "Differs from the page's output", none: "(no output)", failed: "Could not run in the browser: " };

  if (location.protocol === "file:") return; // workers cannot start from file://: the offline build shows no buttons

  const style = document.createElement("style");
  style.textContent =
    ".nnbook-run-bar{margin:-0.6em 0 1em}.nnbook-run-button.md-button{padding:.2em 1em;font-size:.7rem;cursor:pointer}" +
    ".nnbook-run-status{margin:.4em 0;font-size:.7rem}.nnbook-run-result[data-match=true] .nnbook-run-status{color:#2e7d32}" +
    ".nnbook-run-result[data-match=false] .nnbook-run-status{color:#c62828}.nnbook-run-result pre{margin:0;font-size:.7rem;" +
    "padding:.6em 1em;background:var(--md-code-bg-color);overflow-x:auto}";
  document.head.append(style);

  const blocks = [...document.querySelectorAll("div.nnbook-run")];
  let worker = null;
  let nextId = 0;
  const pending = new Map();
  let queue = Promise.resolve();

  function send(code, expected) {
    if (worker === null) {
      worker = new Worker(assets + "nnbook-run-worker.js");
      worker.onmessage = (e) => {
        const resolve = pending.get(e.data.id);
        pending.delete(e.data.id);
        resolve(e.data);
      };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ id, assets, code, expected });
    });
  }

  function expectedOf(block) {
    const next = block.nextElementSibling;
    return next && next.classList.contains("output") ? next : null;
  }

  const state = blocks.map((block, index) => {
    const shown = expectedOf(block);
    const bar = document.createElement("div");
    bar.className = "nnbook-run-bar";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button nnbook-run-button";
    button.textContent = T.run;
    const result = document.createElement("div");
    result.className = "nnbook-run-result";
    result.hidden = true;
    bar.append(button, result);
    (shown || block).after(bar);
    const entry = { block, shown, bar, button, result, ran: false, index };
    button.addEventListener("click", () => runUpTo(index));
    return entry;
  });

  async function runOne(entry) {
    entry.button.disabled = true;
    entry.button.textContent = worker === null ? T.loading : T.running;
    const code = entry.block.querySelector("code").textContent;
    const expected = entry.shown ? entry.shown.querySelector("code").textContent : null;
    const reply = await send(code, expected);
    entry.ran = true;
    entry.button.disabled = false;
    entry.button.textContent = T.run;
    entry.result.hidden = false;
    entry.result.replaceChildren();
    const status = document.createElement("p");
    const pre = document.createElement("pre");
    if (reply.failed) {
      status.textContent = T.failed + reply.failed;
      entry.result.dataset.match = "false";
    } else {
      status.textContent = (reply.match ? T.match : T.differ) + " (" + reply.versions + ")";
      pre.textContent = reply.output || T.none;
      entry.result.dataset.match = String(reply.match);
    }
    status.className = "nnbook-run-status";
    entry.result.append(status, pre);
  }

  function runUpTo(index) {
    queue = queue.then(async () => {
      for (const entry of state.slice(0, index)) if (!entry.ran) await runOne(entry);
      await runOne(state[index]);
    });
    return queue;
  }
})();
