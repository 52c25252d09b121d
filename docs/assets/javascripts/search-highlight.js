// Highlighting of Japanese search words on the page a result opens (search.highlight).
// Material's search splits a run of kanji in the query into the pieces its index holds (TinySegmenter
// cut 活性化関数 into 活性 / 化関 / 数 when the index was built) and passes those pieces to the page in
// the result link's ?h=, so the page marked 化関 and every 数 instead of the word typed. Here each
// result link's ?h= starts with the query's kanji runs themselves, longest first (Material's
// highlighter tries the words in order, so a whole run is marked where it appears), and drops the
// one-character pieces cut out of a run. Words without kanji keep Material's terms.
(() => {
  if (window.__nnbookSearchHighlight) return;  // once, whatever instant navigation re-runs
  window.__nnbookSearchHighlight = true;
  const box = document.querySelector("input.md-search__input");
  const list = document.querySelector(".md-search-result__list");
  if (!box || !list) return;
  const KANJI = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]+/g;  // 々 too (人々)

  function terms(h, query) {
    const runs = [...new Set(query.match(KANJI) || [])].filter(run => run.length > 1);
    if (!runs.length) return h;
    runs.sort((a, b) => b.length - a.length);
    const rest = h.split(/\s+/).filter(term => term && !(term.length < 2 && runs.some(run => run.includes(term))));
    return [...new Set([...runs, ...rest])].join(" ");
  }

  function rewrite() {
    const query = box.value;
    for (const link of list.querySelectorAll("a.md-search-result__link")) {
      const url = new URL(link.href);
      const h = url.searchParams.get("h");
      if (h === null) continue;
      const better = terms(h, query);
      if (better !== h) {
        url.searchParams.set("h", better);
        link.href = url.href;
      }
    }
  }

  new MutationObserver(rewrite).observe(list, { childList: true, subtree: true });
})();
