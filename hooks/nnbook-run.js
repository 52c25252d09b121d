// The book's Run buttons (hooks/pyodide_run.py, issue 16). This file only draws buttons: the first
// click starts nnbook-run-worker.js (Pyodide, NumPy, nnbook from this site's assets/pyodide/).
// Under each runnable block: Run, Edit (the code becomes a text box) and Reset page (a fresh namespace and
// the original code), then the browser's output, right above the page's checked output.
"use strict";
(() => {
  if (location.protocol === "file:") return; // a Worker cannot start from file://: the offline build has no buttons
  const script = document.currentScript;
  const assets = new URL(script.dataset.assets, location.href).href;
  const ja = document.documentElement.lang === "ja";
  const T = ja
    ? {
        run: "実行", edit: "編集", original: "元のコードに戻す", reset: "ページをリセット",
        running: "実行中…", loading: "ブラウザで Python を起動中…(初回だけ約 17 MB を読み込みます)",
        match: "ページの出力と一致しました", differ: "ページの出力と違います",
        edited: "編集したコードの出力です(ページの出力とは比べていません)",
        fpflags: "この出力はページと違いますが、想定どおりです。WebAssembly には浮動小数点の例外フラグがないので、ブラウザの NumPy はオーバーフローに気づけず、警告を出しません。ページの出力はパソコン上の NumPy のものです。",
        sklearn: "このブロックはブラウザでは実行できません。手書き数字のデータを読み込むのに scikit-learn を使いますが、ブラウザで動く Python には入っていないためです。ノートブックか手元のパソコンで実行してください。",
        sklearnAgain: "このブロックもブラウザでは実行できません(scikit-learn が必要です。上の最初の注記を見てください)。",
        none: "(出力なし)", failed: "ブラウザで実行できませんでした: ", code: "コード(編集できます)", output: "ブラウザでの出力",
        resetDone: "ページをリセットしました。次の実行は新しい名前空間で始まります。",
      }
    : {
        run: "Run", edit: "Edit", original: "Original code", reset: "Reset page",
        running: "Running…", loading: "Starting Python in your browser… (about 17 MB, loaded once)",
        match: "Same as the page's output", differ: "Differs from the page's output",
        edited: "Output of your edited code (not compared with the page)",
        fpflags: "This output differs from the page, as expected: WebAssembly has no floating-point exception flags, so NumPy in the browser cannot notice the overflow and gives no warning. The page shows NumPy's output on a computer.",
        sklearn: "This block does not run in the browser: it loads the digit images with scikit-learn, which the browser's Python does not include. Run it in the notebook or on your computer.",
        sklearnAgain: "This block does not run in the browser either: it needs scikit-learn (see the first note above).",
        none: "(no output)", failed: "Could not run in the browser: ", code: "Code (editable)", output: "Output in your browser",
        resetDone: "The page was reset: the next run starts in a fresh namespace.",
      };

  const style = document.createElement("style");
  style.textContent = `
.nnbook-run-bar{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem;margin:-.6em 0 1em}
.md-typeset .nnbook-run-bar .md-button{margin:0;padding:.2em .9em;font-size:.7rem;cursor:pointer}
.md-typeset .nnbook-run-bar .md-button:disabled{cursor:progress;opacity:.7}
.md-typeset .nnbook-run-bar .md-button:focus-visible,.nnbook-run-edit:focus-visible{outline:.15rem solid var(--md-accent-fg-color);outline-offset:.15rem}
.nnbook-run-result{flex-basis:100%;min-width:0}
.nnbook-run-result:not(:empty){border-left:.2rem solid var(--md-default-fg-color--lighter);padding-left:.6rem}
.nnbook-run-result[data-match=true]{border-left-color:#00c853}
.nnbook-run-result[data-match=false]{border-left-color:#ff5252}
.nnbook-run-result[data-match=note]{border-left-color:var(--md-accent-fg-color)}
.md-typeset .nnbook-run-status{margin:.2em 0;font-size:.7rem;color:var(--md-default-fg-color--light)}
.md-typeset .nnbook-run-result pre{margin:.2em 0 0}
.md-typeset .nnbook-run-note{flex-basis:100%;margin:0;font-size:.7rem;color:var(--md-default-fg-color--light);border-left:.2rem solid var(--md-default-fg-color--lighter);padding-left:.6rem}
.nnbook-run-edit{display:block;box-sizing:border-box;width:100%;margin:0 0 1em;padding:.77em 1.18em;font-family:var(--md-code-font-family);font-size:.85em;line-height:1.4;color:var(--md-code-fg-color);background:var(--md-code-bg-color);border:.05rem solid var(--md-default-fg-color--lighter);border-radius:.1rem;resize:vertical;tab-size:4}
`;
  document.head.append(style);

  let worker = null;
  let generation = 0; // a reset makes the runs queued before it stop
  let nextId = 0;
  const pending = new Map();
  let queue = Promise.resolve();
  let versions = "";

  function send(message) {
    if (worker === null) {
      worker = new Worker(assets + "nnbook-run-worker.js");
      worker.onmessage = (e) => {
        const resolve = pending.get(e.data.id);
        pending.delete(e.data.id);
        if (resolve) resolve(e.data);
      };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ id, assets, ...message });
    });
  }

  const textOf = (el) => el.querySelector("code").textContent.replace(/\n$/, "");

  function button(label, cls) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "md-button " + cls;
    b.textContent = label;
    return b;
  }

  let sklearnNoted = false;
  const state = [...document.querySelectorAll("div.nnbook-run")].map((block, index) => {
    const next = block.nextElementSibling;
    const shown = next && next.classList.contains("output") ? next : null;
    const entry = {
      block, shown, index, ran: false, original: textOf(block), editor: null,
      pycon: block.classList.contains("nnbook-run-pycon"),
      fpflags: block.classList.contains("nnbook-run-fpflags"),
      sklearn: block.classList.contains("nnbook-run-sklearn"),
    };
    const bar = document.createElement("div");
    bar.className = "nnbook-run-bar";
    entry.bar = bar;
    block.after(bar); // right under its block, above the page's checked output
    if (entry.sklearn) {
      const note = document.createElement("p");
      note.className = "nnbook-run-note";
      note.setAttribute("role", "note");
      note.textContent = sklearnNoted ? T.sklearnAgain : T.sklearn;
      sklearnNoted = true;
      bar.append(note);
      return entry;
    }
    entry.run = button(T.run, "md-button--primary nnbook-run-button");
    entry.edit = button(T.edit, "nnbook-run-edit-button");
    entry.reset = button(T.reset, "nnbook-run-reset-button");
    entry.reset.hidden = true;
    entry.result = document.createElement("div");
    entry.result.className = "nnbook-run-result";
    entry.result.setAttribute("role", "status"); // a live region that may carry a label (a bare div may not)
    entry.result.setAttribute("aria-live", "polite");
    entry.result.setAttribute("aria-label", T.output);
    bar.append(entry.run, entry.edit, entry.reset, entry.result);
    entry.run.addEventListener("click", () => runUpTo(index));
    entry.edit.addEventListener("click", () => (entry.editor ? closeEditor(entry) : openEditor(entry)));
    entry.reset.addEventListener("click", resetPage);
    return entry;
  });
  const runnable = state.filter((e) => !e.sklearn);

  function openEditor(entry) {
    const area = document.createElement("textarea");
    area.className = "nnbook-run-edit";
    area.spellcheck = false;
    area.setAttribute("autocapitalize", "off");
    area.setAttribute("aria-label", T.code);
    area.value = entry.original;
    area.rows = Math.min(30, entry.original.split("\n").length + 1);
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runUpTo(entry.index); }
    });
    entry.block.hidden = true;
    entry.block.after(area);
    entry.editor = area;
    entry.edit.textContent = T.original;
    area.focus();
  }

  function closeEditor(entry) {
    if (!entry.editor) return;
    entry.editor.remove();
    entry.editor = null;
    entry.block.hidden = false;
    entry.edit.textContent = T.edit;
  }

  function codeOf(entry) {
    return entry.editor ? entry.editor.value : entry.original;
  }

  function resetPage() {
    generation++;
    if (worker !== null) worker.terminate();
    worker = null;
    for (const [, resolve] of pending) resolve({ reset: true });
    pending.clear();
    queue = Promise.resolve();
    for (const entry of runnable) {
      closeEditor(entry);
      entry.ran = false;
      entry.run.disabled = false;
      entry.run.textContent = T.run;
      entry.reset.hidden = true;
      entry.result.replaceChildren();
      delete entry.result.dataset.match;
    }
    const first = runnable[0];
    if (first) {
      const p = document.createElement("p");
      p.className = "nnbook-run-status";
      p.textContent = T.resetDone;
      first.result.append(p);
      first.run.focus();
    }
  }

  async function runOne(entry, gen) {
    entry.run.disabled = true;
    entry.run.textContent = worker === null ? T.loading : T.running;
    const code = codeOf(entry);
    const compare = code === entry.original;
    const expected = entry.shown ? textOf(entry.shown) : null;
    const reply = await send({ code, expected, compare, pycon: entry.pycon });
    if (reply.reset || gen !== generation) return false;
    if (reply.versions) versions = reply.versions;
    entry.ran = true;
    entry.run.disabled = false;
    entry.run.textContent = T.run;
    for (const e of runnable) e.reset.hidden = false;
    const status = document.createElement("p");
    status.className = "nnbook-run-status";
    const pre = document.createElement("pre");
    const out = document.createElement("code");
    pre.append(out);
    let match;
    if (reply.failed) {
      status.textContent = T.failed + reply.failed;
      match = "false";
    } else {
      out.textContent = reply.output.replace(/\n$/, "") || T.none;
      if (!compare) { status.textContent = T.edited; match = "edited"; }
      else if (reply.match) { status.textContent = T.match; match = "true"; }
      else if (entry.fpflags) { status.textContent = T.fpflags; match = "note"; }
      else { status.textContent = T.differ; match = "false"; }
      status.textContent += " · " + versions;
    }
    entry.result.dataset.match = match;
    entry.result.replaceChildren(status, ...(reply.failed ? [] : [pre]));
    return true;
  }

  function runUpTo(index) {
    const gen = generation;
    const target = state[index];
    queue = queue.then(async () => {
      for (const entry of runnable) {
        if (entry.index >= index) break;
        if (!entry.ran && !(await runOne(entry, gen))) return;
      }
      if (gen === generation) await runOne(target, gen);
    });
    return queue;
  }
})();
