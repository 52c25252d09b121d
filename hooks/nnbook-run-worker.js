// Web Worker of the book's Run buttons (hooks/pyodide_run.py): Pyodide with NumPy and nnbook, all from
// the site's own assets/pyodide/ folder. One worker per page, so one namespace per page.
"use strict";

const RUNNER = `
import contextlib, io, os, sys, tempfile, traceback, types, warnings

os.chdir(tempfile.mkdtemp(prefix="nnbook-page-"))
_page = types.ModuleType("__main__")
_page.__dict__["__builtins__"] = __builtins__
sys.modules["__main__"] = _page


def _norm(text):
    lines = [line.rstrip() for line in text.rstrip("\\n").split("\\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _matches(expected, actual):
    # as tests/nnbook_docs.py's output_matches: line-wise, a line "..." matches any lines
    exp, act = _norm(expected), _norm(actual)

    def match(i, j):
        if i == len(exp):
            return j == len(act)
        if exp[i].strip() == "...":
            return any(match(i + 1, k) for k in range(j, len(act) + 1))
        return j < len(act) and exp[i] == act[j] and match(i + 1, j + 1)

    return match(0, 0)


def _split(output):
    # as split_expected: (printed part, expected exception line or None)
    lines = output.split("\\n")
    for k, line in enumerate(lines):
        if line.strip() == "Traceback (most recent call last):":
            rest = [x for x in lines[k + 1:] if x.strip()]
            while rest and (rest[0].startswith((" ", "\\t")) or rest[0].strip() == "..."):
                rest.pop(0)
            return "\\n".join(lines[:k]), "\\n".join(rest)
    return output, None


def _exec(code, mode, buffer):
    # run code in the page's namespace; printed text and warnings go to buffer; the exception line or None
    def show(message, category, filename, lineno, file=None, line=None):
        buffer.write(f"{category.__name__}: {message}\\n")

    saved = warnings.showwarning
    warnings.showwarning = show
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(buffer):
            warnings.simplefilter("default")
            exec(compile(code, "<block>", mode, dont_inherit=True), _page.__dict__)
    except (Exception, SystemExit) as exc:
        return "".join(traceback.format_exception_only(type(exc), exc))
    finally:
        warnings.showwarning = saved
    return None


def _traceback(error):
    return "Traceback (most recent call last):\\n  ...\\n" + error if error else ""


def nnbook_run(code, expected, compare=True):
    # a python block: match as the docs tests do (tests/nnbook_docs.py); compare=False: the reader's code
    buffer = io.StringIO()
    error = _exec(code, "exec", buffer)
    printed = buffer.getvalue()
    if not compare:
        match = None
    elif expected is None:
        match = error is None and not printed.strip()
    else:
        want_out, want_exc = _split(expected)
        if (error is None) != (want_exc is None):
            match = False
        else:
            match = _matches(want_out, printed) and (error is None or _norm(want_exc) == _norm(error))
    return {"output": printed + _traceback(error), "match": match, "error": error is not None}


def nnbook_run_pycon(code, compare=True):
    # a pycon block, as the docs tests run it: a doctest with ELLIPSIS, examples run in the page's namespace
    import doctest

    checker = doctest.OutputChecker()
    examples = doctest.DocTestParser().get_examples(code)
    match = bool(examples)
    transcript = []
    for ex in examples:
        lines = ex.source.rstrip("\\n").split("\\n")
        transcript += [">>> " + lines[0]] + ["... " + x for x in lines[1:]]
        buffer = io.StringIO()
        error = _exec(ex.source, "single", buffer)
        got = buffer.getvalue()
        transcript.append(got + _traceback(error))
        if ex.exc_msg is None:
            ok = error is None and checker.check_output(ex.want, got, doctest.ELLIPSIS)
        else:
            ok = error is not None and checker.check_output(ex.exc_msg, error, doctest.ELLIPSIS)
        match = match and ok
    output = "\\n".join(x.rstrip("\\n") for x in transcript if x)
    return {"output": output, "match": match if compare else None, "error": False}
`;

let ready = null;

async function start(assets) {
  importScripts(assets + "pyodide.js");
  const pyodide = await loadPyodide({ indexURL: assets });
  await pyodide.loadPackage("numpy", { messageCallback: () => {}, errorCallback: () => {} });
  const info = await (await fetch(assets + "nnbook-assets.json")).json();
  const wheel = await (await fetch(assets + info.nnbook_wheel)).arrayBuffer();
  // into site-packages (the default folder is the working directory, which is not on sys.path)
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  pyodide.unpackArchive(wheel, "wheel", { extractDir: sitePackages });
  pyodide.runPython("import importlib; importlib.invalidate_caches()");
  pyodide.runPython(RUNNER);
  const versions = pyodide.runPython(
    "import numpy, nnbook, pyodide; f'Pyodide {pyodide.__version__}, NumPy {numpy.__version__}, nnbook {nnbook.__version__}'"
  );
  return { pyodide, run: pyodide.globals.get("nnbook_run"), runPycon: pyodide.globals.get("nnbook_run_pycon"), versions };
}

self.onmessage = async (event) => {
  const { id, assets, code, expected, compare = true, pycon = false } = event.data;
  try {
    if (ready === null) ready = start(assets);
    const { run, runPycon, versions } = await ready;
    const result = pycon ? runPycon(code, compare) : run(code, expected ?? null, compare);
    const reply = result.toJs({ dict_converter: Object.fromEntries });
    result.destroy();
    self.postMessage({ id, versions, ...reply });
  } catch (err) {
    self.postMessage({ id, failed: String(err && err.message ? err.message : err) });
  }
};
