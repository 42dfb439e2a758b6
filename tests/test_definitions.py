"""No module of the package or of the tests defines one top-level name twice.

A second ``def``/``class`` (or table) of a name silently replaces the first: merges of parallel
work left two ``LegacyReLU`` classes, two tests of one name (only the last ran) and a
``TRAINING_METHODS`` without ``predict``. Python does not complain; this test does.
"""

import ast
import collections
import glob
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _defined_twice(path):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign) and node.targets and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id.isupper():
            names.append(node.targets[0].id)  # tables (UPPER_CASE); lower-case rebinding is deliberate
    return sorted(name for name, count in collections.Counter(names).items() if count > 1)


def test_no_top_level_name_is_defined_twice():
    files = glob.glob(os.path.join(ROOT, "compat_attention", "**", "*.py"), recursive=True) + \
        glob.glob(os.path.join(ROOT, "tests", "**", "*.py"), recursive=True)
    assert len(files) > 100
    found = {os.path.relpath(f, ROOT): names for f in files for names in [_defined_twice(f)] if names}
    assert found == {}
