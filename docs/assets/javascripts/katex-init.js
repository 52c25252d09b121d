// Render the book's formulas with KaTeX, served from assets/katex (copied from the npm package `katex`):
// no request leaves the site. document$ is Material's page observable: it fires on the first load and
// after instant navigation.
// - Markdown pages: pymdownx.arithmatex (generic mode) leaves \( \) and \[ \] in span/div.arithmatex.
// - Notebook pages (mkdocs-jupyter): markdown cells keep their $ and $$ delimiters.
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
  for (const element of body.querySelectorAll(".jupyter-wrapper .jp-MarkdownOutput, .jupyter-wrapper .text_cell_render")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false,
    });
  }
});
