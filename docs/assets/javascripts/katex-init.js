// Render the formulas pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \] in span/div.arithmatex.
// KaTeX is served from assets/katex (copied from the npm package `katex`): no request leaves the site.
// document$ is Material's page observable: it fires on the first load and after instant navigation.
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false,
    });
  }
});
