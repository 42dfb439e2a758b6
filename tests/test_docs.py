"""The ``Example:`` blocks of the public API's docstrings run as doctests and print what they say.

Each object must keep at least one example, so removing an ``Example:`` block fails here.
The examples read golden files by paths relative to the repository root: they run there.
"""

import doctest
import io

import pytest

import compat_attention
from support import ROOT

DOCUMENTED = [
    "AttentionDecoder",
    "Attention",
    "load_legacy_model",
    "convert_legacy_model",
    "plot_attention",
    "legacy_hard_sigmoid",
]
NEEDS = {"plot_attention": "matplotlib"}


def _doctests(name):
    """The object's own doctest (its docstring) and those of its methods, if any."""
    obj = getattr(compat_attention, name)
    tests = doctest.DocTestFinder(recurse=True).find(obj, name)
    own = [t for t in tests if t.name == name]
    return own, [t for t in tests if t.examples]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstring_examples_run(name, monkeypatch):
    own, tests = _doctests(name)
    assert own and own[0].examples, "compat_attention.%s has no doctest example in its docstring" % name
    if name in NEEDS:
        try:
            __import__(NEEDS[name])
        except ImportError:
            pytest.skip("compat_attention.%s's example needs %s, which is not installed" % (name, NEEDS[name]))
    monkeypatch.chdir(ROOT)
    report = io.StringIO()
    runner = doctest.DocTestRunner(verbose=False)
    for test in tests:
        runner.run(test, out=report.write)
    result = runner.summarize(verbose=False)
    assert result.attempted >= len(own[0].examples)
    assert result.failed == 0, report.getvalue()
