"""bindings.py's one-walk :class:`Names` answers as LibCST's own ``ScopeProvider`` + ``QualifiedNameProvider``.

``Names`` is hand-rolled for speed (LibCST's providers cost about five parses of the file each time,
see benchmarks/migrate_bench.py); this test holds it to the providers' answers on every name of the
migrate corpus, the migrate package's own source and a program written to exercise scoping
(class bodies, comprehensions, lambdas, ``global``/``nonlocal``, function-local imports, star imports,
a ``def`` hiding an import, an import rebound by assignment, imports of one name written twice).
"""

import re
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import (ImportAssignment, MetadataWrapper, PositionProvider, QualifiedNameProvider,
                             QualifiedNameSource, ScopeProvider)

from compat_attention.migrate.bindings import Names, dotted

ROOT = Path(__file__).resolve().parents[2]
SCOPES = '''\
from keras.layers import *
from keras import backend as K
import keras.layers.core
import numpy as np, os.path as osp
from . import sibling
from .pkg import thing as other
LSTM = CuDNNLSTM if gpu else LSTM
K = K
if flag:
    from tensorflow.keras import backend as K


def Dense(*args):
    return keras.layers.core.Dense(*args)


class Model(object):
    from keras.models import Model as Base
    layer = Base
    rows = [K.mean(x) for x in range(3) if np.any(x)]

    def call(self, inputs, K=None):
        from keras import layers
        global np
        total = layers.Dense(3)(inputs) + K.sum(inputs)

        def inner():
            nonlocal total
            import keras.backend as K
            total = K.max(total, axis=-1)
            return lambda y, Dense=Dense: Dense(y) + Base(y)
        return inner, osp.join, Conv1D, other


gen = (K.square(v) for v in keras.layers.core.Dense(2).weights)
'''


class ProviderNames:
    """The same questions answered from LibCST's providers (how ``Names`` worked before bindings.py)."""

    def __init__(self, module, code):
        self._wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self._module = module
        self._scopes = self._wrapper.resolve(ScopeProvider)
        self._qualified = self._wrapper.resolve(QualifiedNameProvider)
        self._positions = self._wrapper.resolve(PositionProvider)
        self.star = []
        if re.search(r"\bimport\s*\*", code):
            for node in _nodes(module, cst.ImportFrom):
                if isinstance(node.names, cst.ImportStar) and node.module is not None and not node.relative:
                    self.star.append(cst.helpers.get_full_name_for_node(node.module))

    def _scope(self, node):
        scope = self._scopes.get(node)
        return scope if scope is not None else self._scopes.get(self._module)

    def resolve(self, expr):
        text = dotted(expr)
        if text is None:
            return None
        head = text.split(".")[0]
        names = self._qualified.get(expr)
        names = names() if callable(names) else names
        names = names if names is not None else self._scope(expr).get_qualified_names_for(text)
        if any(q.source is QualifiedNameSource.LOCAL for q in names) and any(
                isinstance(getattr(a, "node", None), (cst.FunctionDef, cst.ClassDef)) for a in self._scope(expr)[head]):
            return None
        imported = {q.name for q in names if q.source is QualifiedNameSource.IMPORT}
        if len(imported) == 1:
            return imported.pop()
        if imported:
            imports = [a for a in self._scope(expr)[head] if isinstance(a, ImportAssignment)]
            imports.sort(key=lambda a: (self._positions[a.node].start.line, self._positions[a.node].start.column))
            for assignment in reversed(imports):
                found = sorted(q.name for q in assignment.get_qualified_names_for(text))
                if found:
                    return found[0]
            return None
        return self.star[0] + "." + text if self.star else None

    def bound_to(self, local):
        return {q.name for q in self._scopes[self._module].get_qualified_names_for(local)
                if q.source is QualifiedNameSource.IMPORT}

    def used(self, local, where):
        return any(a.references for a in self._scope(where)[local])

    def imported_roots(self):
        roots = set()
        for scope in {s for s in self._scopes.values() if s is not None}:
            for assignment in scope.assignments:
                if isinstance(assignment, ImportAssignment):
                    module = assignment.get_module_name_for_import() or assignment.name
                    if not module.startswith("."):
                        roots.add(module.split(".")[0])
        return roots


def _nodes(module, kinds):
    found = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node):
            if isinstance(node, kinds):
                found.append(node)
            return True

    module.visit(Collect())
    return found


def _sources():
    files = sorted((ROOT / "tests" / "migrate_corpus").glob("*.py")) + sorted(
        (ROOT / "compat_attention" / "migrate").rglob("*.py"))
    return [("scopes", SCOPES)] + [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in files]


@pytest.mark.parametrize("name,code", _sources(), ids=[n for n, _ in _sources()])
def test_names_answer_as_libcst_providers(name, code):
    module = cst.parse_module(code)
    ours, theirs = Names(module, code), ProviderNames(module, code)
    expressions = [n for n in _nodes(module, (cst.Name, cst.Attribute)) if dotted(n) is not None]
    assert [ours.resolve(e) for e in expressions] == [theirs.resolve(e) for e in expressions]
    imports = _nodes(module, (cst.Import, cst.ImportFrom))
    aliases = [(imp, cst.helpers.get_full_name_for_node(alias.asname.name if alias.asname else alias.name))
               for imp in imports if not isinstance(imp.names, cst.ImportStar) for alias in imp.names]
    locals_ = [local.split(".")[0] for _, local in aliases]
    assert [ours.used(local.split(".")[0], imp) for imp, local in aliases] == [
        theirs.used(local.split(".")[0], imp) for imp, local in aliases]
    assert [ours.bound_to(local) for local in locals_] == [theirs.bound_to(local) for local in locals_]
    assert ours.imported_roots() == theirs.imported_roots()
    if name == "scopes":  # the program exercises what it should: imports resolved, hidden and unused
        resolved = [ours.resolve(e) for e in expressions]
        for full in ("tensorflow.keras.backend.mean", "keras.backend.max", "keras.layers.Conv1D", "numpy.any",
                     "os.path.join", "keras.models.Model", ".pkg.thing"):
            assert full in resolved
        assert resolved.count(None) == 6 and len(aliases) == 10
