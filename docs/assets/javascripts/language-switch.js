// The language switcher after instant navigation (navigation.instant; hooks/site_meta.py).
// Material replaces the page's content but keeps the header, so the switcher's links still led to
// the twin of the first page loaded. Each language's root is taken from the switcher of that first,
// full load (hooks/site_meta.py writes it as data-nnbook-root, relative to the page); after every
// instant navigation the links are set to the same path under each root. Offline (file://) Material
// loads every page in full, and the links the build wrote are kept.
(() => {
  const links = [...document.querySelectorAll("a.md-select__link[data-nnbook-root]")];
  if (!links.length || typeof document$ === "undefined") return;
  const roots = links.map(link => new URL(link.dataset.nnbookRoot, location.href).href);
  let first = true;
  document$.subscribe(() => {
    if (first) { first = false; return; }
    const here = location.href.split("#")[0].split("?")[0];
    const own = roots.filter(root => here.startsWith(root)).sort((a, b) => b.length - a.length)[0];
    if (!own) return;
    const rest = here.slice(own.length);
    links.forEach((link, k) => { link.href = roots[k] + rest; });
  });
})();
