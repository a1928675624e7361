"""The examples in lamina's docstrings run and show what they say."""

import doctest
import importlib
import pkgutil

import pytest

import lamina

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(lamina.__path__, prefix="lamina.")
    if ".backend.jax" not in m.name and ".backend.numpy" not in m.name
    and m.name != "lamina.__main__"  # running it is the CLI
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs={"lamina": lamina, **vars(module)}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
