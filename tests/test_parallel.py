"""tests/nnbook_parallel.py: the whole suite in worker processes, a page's code blocks in one of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_docs_machinery import ADDOPTS, make_project

TESTS = Path(__file__).resolve().parent
PARALLEL = "-p nnbook_parallel -n auto --dist loadscope --no-loadscope-reorder"


def _page(log: Path, name: str) -> str:
    fence = 'with open({log!r}, "a") as f:\n    print("{name}", {n}, os.getpid(), file=f)'
    blocks = ["import os\n" + fence.format(log=str(log), name=name, n=1)]
    blocks += [fence.format(log=str(log), name=name, n=n) for n in (2, 3)]
    return f"# {name}\n\n" + "".join(f"```python\n{b}\n```\n\n" for b in blocks)


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch) -> pytest.Pytester:
    make_project(pytester.path)
    (pytester.path / "pytest.ini").write_text(f"[pytest]\naddopts = {ADDOPTS} {PARALLEL}\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])))
    return pytester


def _run(project, *args):
    return project.runpytest_subprocess(*args)  # workers are processes: so is the run that starts them


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: the whole suite runs in one process")
def test_each_page_runs_in_one_worker_top_to_bottom_once(project, tmp_path):
    log = tmp_path / "ran.txt"
    for name in ("a", "b", "c", "d"):
        (project.path / "docs" / "ja" / f"{name}.md").write_text(_page(log, name), encoding="utf-8")
    result = _run(project, "docs")  # a directory: the whole suite, so workers
    result.assert_outcomes(passed=16)  # 3 fences and the page rules, 4 pages
    assert "created: " in result.stdout.str(), result.stdout.str()
    runs = [line.split() for line in log.read_text().splitlines()]
    for name in ("a", "b", "c", "d"):
        page = [(n, pid) for page, n, pid in runs if page == name]
        # A fence given to another worker would first run the fences before it there (an item run
        # alone runs its page so far): then a fence would run twice, or in two processes.
        assert [n for n, _ in page] == ["1", "2", "3"], runs
        assert len({pid for _, pid in page}) == 1, runs
    assert len({pid for _, _, pid in runs}) == 2, f"the four pages all ran in one worker: {runs}"


def test_named_files_run_in_this_process(project, tmp_path):
    log = tmp_path / "ran.txt"
    (project.path / "docs" / "ja" / "a.md").write_text(_page(log, "a"), encoding="utf-8")
    result = project.runpytest("docs/ja/a.md")  # in this process: were workers started, they would say so
    result.assert_outcomes(passed=4)
    assert "created: " not in result.stdout.str()


def test_tests_that_wait_for_a_built_site_are_units_of_their_own():
    import nnbook_parallel

    class Item:
        path = Path("tests/test_example.py")

        def __init__(self, *names):
            self.fixturenames = names

    assert nnbook_parallel._waits_for_shared_work(Item("site", "tmp_path"))
    assert nnbook_parallel._waits_for_shared_work(Item("offline_site"))
    assert nnbook_parallel._waits_for_shared_work(Item("executed"))
    assert not nnbook_parallel._waits_for_shared_work(Item("tmp_path", "server"))


def test_the_builds_and_executions_of_one_worker_reach_the_others(tmp_path):
    """conftest.py: worker gw0 publishes each finished background job; the others wait for it."""
    from concurrent.futures import Future

    import conftest

    built, failed, ran = Future(), Future(), Future()
    built.set_result(tmp_path / "site")
    failed.set_exception(AssertionError("mkdocs build: Aborted with 1 warning in strict mode"))
    ran.set_result({"ja/02-perceptron": ("/tmp/x.ipynb", None), "en/11-xor-training": (None, "CellExecutionError")})
    for name, future in (("site", built), ("offline_site", failed), ("notebooks", ran)):
        conftest._publish(tmp_path / f"{name}.json", future)
    assert conftest._Shared(tmp_path / "site.json").result() == tmp_path / "site"
    assert conftest._Shared(tmp_path / "notebooks.json").result() == ran.result()
    with pytest.raises(RuntimeError, match="offline_site, computed by worker gw0, failed:(.|\n)*strict mode"):
        conftest._Shared(tmp_path / "offline_site.json").result()
    with pytest.raises(TimeoutError, match="never: no result from worker gw0"):
        conftest._Shared(tmp_path / "never.json").result(timeout=0.3)
