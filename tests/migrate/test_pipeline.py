"""pipeline.py: every rule named with its fact and targets, in one explicit order."""

import ast
import importlib
import inspect

from compat_attention.migrate import RULES, Rule, migrate_source, pipeline, spec
from migrate_helpers import FORMATTED


def test_each_rule_is_named_with_its_fact_and_targets():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)) >= 15
    for r in RULES:
        assert r.fact.endswith(".") and len(r.fact) > 40, r.name
        assert set(r.targets) <= {"keras2", "keras3"} and r.targets


def test_applied_lists_rules_in_pipeline_order():
    result = migrate_source(FORMATTED, target="keras3", modern_defaults=True)
    assert result.applied == ["keras1_layer_names", "optimizer_lr_decay", "moved_keras_modules"]
    result = migrate_source(FORMATTED, target="keras3")
    assert result.applied == ["legacy_optimizers", "keras1_layer_names", "moved_keras_modules"]


def test_the_2017_rules_run_only_without_modern_defaults():
    pins = [rule.name for rule in RULES if rule.semantics == "2017"]
    assert pins == ["legacy_optimizers", "legacy_layer_defaults"]
    assert all(rule.semantics in (None, "2017") for rule in RULES)


def test_the_order_is_one_list_written_in_pipeline_py():
    """RULES is a literal list of the rule classes (no registry filled by importing modules)."""
    tree = ast.parse(inspect.getsource(pipeline))
    written = [node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "RULES"]
    assert len(written) == 1 and isinstance(written[0], ast.List)
    assert [element.id for element in written[0].elts] == [rule.__name__ for rule in RULES]
    defined = set()
    for module in ("attention", "backend", "callbacks", "checkpoints", "defaults", "idioms", "keras1", "lambdas",
                   "merge", "models", "modules", "optimizers", "training"):
        loaded = importlib.import_module("compat_attention.migrate.rules." + module)
        defined |= {obj for _, obj in inspect.getmembers(loaded, inspect.isclass)
                    if issubclass(obj, Rule) and obj is not Rule and obj.__module__ == loaded.__name__}
    assert defined == set(RULES) and len(RULES) == 23


def test_every_rule_declares_targets_and_triggers_of_the_spec():
    for rule in RULES:
        assert issubclass(rule, Rule) and rule.__doc__, rule
        assert rule.targets and set(rule.targets) <= set(spec.TARGETS), rule.name
        assert rule.triggers and all(isinstance(word, str) and word for word in rule.triggers), rule.name
