"""MkDocs hook: nbconvert's Jinja templates are compiled once per run, not once per notebook.

mkdocs-jupyter makes a new ``HTMLExporter`` (and a ``MarkdownExporter`` for the table of contents) for
every notebook, and each new exporter has a new Jinja ``Environment`` that compiles JupyterLab's
templates again: about 20 templates per notebook, 40 conversions per build, a quarter of the time
spent converting notebooks on a fresh clone. Jinja's own bytecode cache (``Environment.bytecode_cache``,
checked against each template's source) keeps the compiled code in memory for this process, so every
exporter after the first loads it instead. The HTML is the same: only compilation is skipped.
"""

from __future__ import annotations

from jinja2 import BytecodeCache


class _MemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_CACHE = _MemoryBytecodeCache()


def on_startup(command: str, dirty: bool) -> None:
    from nbconvert.exporters.templateexporter import TemplateExporter

    create = TemplateExporter._create_environment
    if getattr(create, "_nnbook", False):
        return

    def _create_environment(self):
        environment = create(self)
        environment.bytecode_cache = _CACHE  # the key covers the template's name and file, the check its source
        return environment

    _create_environment._nnbook = True
    TemplateExporter._create_environment = _create_environment
