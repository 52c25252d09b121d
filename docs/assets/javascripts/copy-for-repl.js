// Copied Python code pastes into a plain python3 REPL, not only into a file or Jupyter.
// The classic REPL (Python 3.10-3.12) ends an indented block at the first blank line, so a class
// whose methods are separated by blank lines breaks there. When a code block's copy button is
// clicked, the copied text drops the blank lines that are followed by an indented line (inside a
// block: the code means the same) and ends with a newline (which closes a block that ends the copy).
// Material's clipboard uses a button's data-clipboard-text when it has one; this listener runs in the
// capture phase, before Material's, and sets it from the text Material would copy.
(function () {
  function replSafe(text) {
    var lines = text.replace(/\s+$/, "").split("\n");
    var kept = [];
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].trim() === "") {
        var j = i + 1;
        while (j < lines.length && lines[j].trim() === "") j++;
        if (j < lines.length && /^\s/.test(lines[j])) continue;
      }
      kept.push(lines[i]);
    }
    return kept.join("\n") + "\n";
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-clipboard-target]");
    if (!button) return;
    var code = document.querySelector(button.getAttribute("data-clipboard-target"));
    if (!code || code.closest(".output")) return;  // a code block (the shown outputs have no button anyway)
    code.setAttribute("data-md-copying", "");  // as Material does: hides prompts and output of consoles
    var text = code.innerText;
    code.removeAttribute("data-md-copying");
    button.setAttribute("data-clipboard-text", replSafe(text));
  }, true);
})();
