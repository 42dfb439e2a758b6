"""spec.py: every API change migrate applies, in one module of documented tables; rules hold none."""

import ast
import inspect
import os

from compat_attention.migrate import spec

RULES_DIR = os.path.join(os.path.dirname(inspect.getfile(spec)), "rules")


def test_spec_is_plain_data_and_every_table_states_its_fact():
    tree = ast.parse(inspect.getsource(spec))
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    lines = inspect.getsource(spec).splitlines()
    public = [node for node in tree.body if isinstance(node, ast.Assign)
              and all(isinstance(t, ast.Name) and not t.id.startswith("_") for t in node.targets)]
    assert len(public) >= 40
    for node in public:
        assert lines[node.lineno - 2].startswith("#: "), "%s has no #: comment stating its fact" % node.targets[0].id


def test_rule_modules_hold_no_table():
    """A rule module's module-level names are logic or derived from the spec, never a table of its own."""
    tables = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    for name in sorted(os.listdir(RULES_DIR)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(RULES_DIR, name), encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for node in tree.body:
            if isinstance(node, ast.Assign):
                assert not isinstance(node.value, tables), (name, node.lineno)
                called = node.value.func.id if isinstance(node.value, ast.Call) and \
                    isinstance(node.value.func, ast.Name) else None
                assert called not in ("dict", "set", "frozenset"), (name, node.lineno)


def test_tables_agree_with_each_other():
    assert set(spec.OPTIMIZER_SIGNATURES) == set(spec.OPTIMIZER_LR_2017) == set(spec.OPTIMIZER_LR_NOW)
    assert set(spec.OPTIMIZER_ALIASES.values()) == set(spec.OPTIMIZER_SIGNATURES)
    assert set(spec.MERGE_UNSUPPORTED) < set(spec.MERGE_SIGNATURE) and set(spec.MERGE_MODES.values()) == {
        "concatenate", "add", "multiply", "average", "maximum", "dot"}
    assert {"save_weights_only", "period"} < set(spec.MODEL_CHECKPOINT_SIGNATURE)
    assert set(spec.KERAS1_CLASS_RENAMES.values()) <= set(spec.KERAS1_KWARGS)
    assert not set(spec.KERAS1_REMOVED_CLASSES) & set(spec.KERAS1_KWARGS)
    for method, signature in spec.GENERATOR_SIGNATURES.items():
        assert signature[0] == "generator" and set(spec.PARALLELISM_KWARGS) <= set(signature), method
    assert set(spec.TRAINING_KWARG_RENAMES.values()) <= set(spec.GENERATOR_SIGNATURES["fit_generator"])
    assert {"mean", "sum", "ctc_batch_cost"} <= spec.LEGACY_BACKEND_FUNCTIONS
    assert not set(spec.BACKEND_REMOVED_IN_TF_KERAS) - {"tf", "get_session", "set_session"} \
        - spec.LEGACY_BACKEND_FUNCTIONS  # the dim-ordering pair is provided for Keras 3
    assert set(spec.ENGINE_NAMES.values()) <= {"keras.models", "keras.utils"}
    assert all(m.startswith("layers.") for m in spec.LAYER_MODULES)
    assert {"layers." + m for m in spec.LAYER_MODULES_IMPORTED_WHOLE} <= spec.LAYER_MODULES
    assert {"utils." + m for m in spec.UTIL_MODULES_IMPORTED_WHOLE} <= spec.UTIL_MODULES


def test_every_table_is_defined_once():
    """A second assignment of a spec name silently replaces the first (TRAINING_METHODS once lost "predict")."""
    import ast
    import collections

    from compat_attention.migrate import spec as spec_module

    tree = ast.parse(open(spec_module.__file__, encoding="utf-8").read())
    names = [target.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
             for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
             if isinstance(target, ast.Name)]
    assert [name for name, n in collections.Counter(names).items() if n > 1] == []
