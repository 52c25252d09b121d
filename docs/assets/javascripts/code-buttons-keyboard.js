// Copy buttons reachable with Tab although Material mounts them lazily (content.lazy in mkdocs.yml).
// Material adds a code block's copy button when the block first comes into view, so a keyboard user
// pressing Tab above a block that is still below the screen skipped its button (the browser moved the
// focus past the block, and only then scrolled it into view). When the next stop of Tab (Shift+Tab:
// the previous one) is such a block, this script scrolls the block into view, waits for Material's
// button and focuses it, as the browser would have done had the button been there.
(() => {
  if (window.__nnbookCodeButtonsKeyboard) return;  // once, whatever instant navigation re-runs
  window.__nnbookCodeButtonsKeyboard = true;
  const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const CODE = "article pre > code";

  const copyable = code => !code.closest(".no-copy") && !code.closest("details:not([open])");
  const mounted = code => code.parentElement.querySelector(":scope > .md-code__nav");
  const visible = el => [...el.getClientRects()].some(r => r.width > 0 && r.height > 0);
  // Tab's stops in document order, plus the blocks whose button is still to come.
  const isStop = el => el.matches(CODE) && !mounted(el) ? copyable(el) : el.tabIndex >= 0 && visible(el);

  function button(code) {
    const nav = mounted(code);
    return nav && nav.querySelector("button.md-code__button[data-md-type='copy'], button.md-clipboard");
  }

  document.addEventListener("keydown", event => {
    if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey) return;
    const stops = [...document.querySelectorAll(`${FOCUSABLE}, ${CODE}`)].filter(isStop);
    const here = document.activeElement;
    let k = stops.indexOf(here);
    if (k < 0) {  // focus inside something that is not a stop itself: place it by document order
      k = stops.findIndex(el => here.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
      k = k < 0 ? stops.length : k;
      if (!event.shiftKey) k -= 1;
    }
    const next = stops[k + (event.shiftKey ? -1 : 1)];
    if (!next || !next.matches(CODE) || mounted(next)) return;
    event.preventDefault();
    next.parentElement.scrollIntoView({ block: "nearest" });
    const started = performance.now();
    (function wait() {
      const target = button(next);
      if (target) {
        target.focus();
      } else if (performance.now() - started < 1000) {
        requestAnimationFrame(wait);
      } else {  // no button came: go on to the stop after the block
        const after = stops[k + (event.shiftKey ? -2 : 2)];
        if (after) after.focus();
      }
    })();
  }, true);
})();
