"""engine.py: formatting kept, idempotence, parse errors, a failing rule, passes that change nothing."""

import os

import pytest

from compat_attention.migrate import RULES, engine, migrate_source
from compat_attention.migrate.engine import migrate_module_text
from migrate_helpers import FORMATTED

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_formatting_and_comments_survive():
    out = migrate_source(FORMATTED, target="keras3", modern_defaults=True).code
    assert out == FORMATTED.replace("from keras.layers.core import Dense", "from keras.layers import Dense") \
        .replace("output_dim = n_hidden", "units = n_hidden").replace("init = 'uniform'", "kernel_initializer = 'uniform'") \
        .replace("lr = 0.1", "learning_rate = 0.1")


def test_formatting_and_comments_survive_the_2017_pins():
    result = migrate_source(FORMATTED, target="keras3")
    assert result.code == FORMATTED.replace("from keras.layers.core import Dense", "from keras.layers import Dense") \
        .replace("from keras.optimizers import SGD", "from compat_attention.legacy.optimizers import SGD") \
        .replace("output_dim = n_hidden", "units = n_hidden").replace("init = 'uniform'", "kernel_initializer = 'uniform'") \
        .replace("lr = 0.1", "learning_rate = 0.1")
    assert [(n.line, n.rule, n.kind) for n in result.notes] == [(15, "legacy_optimizers", "pin")]
    assert result.notes[0].format().startswith("<string>:15: note: SGD(...) (legacy_optimizers): Keras 2.0.8's SGD")


def test_untouched_code_is_byte_identical():
    src = "import numpy as np\r\nx = np.zeros( (3,) )   # crlf and spacing\r\n"
    result = migrate_source(src, target="keras3")
    assert result.code == src and not result.changed and result.applied == [] and result.issues == []


@pytest.mark.parametrize("modern", [True, False])
@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_migrating_twice_changes_nothing(target, modern):
    first = migrate_source(FORMATTED, target=target, modern_defaults=modern)
    second = migrate_source(first.code, target=target, modern_defaults=modern)
    assert first.changed and second.code == first.code and second.applied == [] and second.notes == []


def test_python2_file_gets_one_report_line_with_its_line():
    src = "import keras\n\nprint 'training'\nx = 1\n"
    result = migrate_source(src, target="keras3", path="old.py")
    assert result.code == src
    assert len(result.issues) == 1
    issue = result.issues[0]
    assert (issue.path, issue.line, issue.rule) == ("old.py", 3, "parse")
    assert issue.format().startswith("old.py:3: this file does not parse as Python 3")


def test_a_failing_rule_costs_one_report_not_the_run(monkeypatch):
    from compat_attention.migrate.rules import keras1

    def boom(self, original, updated):
        raise RuntimeError("unexpected shape")
    monkeypatch.setattr(keras1.Keras1LayerNames, "leave_Call", boom)
    result = migrate_source("from keras.layers.core import Dense\nDense(output_dim=3)\n", target="keras3")
    assert result.code == "from keras.layers import Dense\nDense(output_dim=3)\n"
    assert [(i.rule, i.line) for i in result.issues] == [("keras1_layer_names", 1)]
    assert "RuntimeError: unexpected shape" in result.issues[0].what


def test_a_rule_that_builds_a_node_that_does_not_print_costs_one_report(monkeypatch):
    """The tree is printed once, when the file is done; what a rule writes is printed when it writes it,
    so a node that cannot be printed is that rule's failure (before, it escaped the rule's guard)."""
    import libcst as cst
    from compat_attention.migrate.rules import keras1

    def unprintable(self, original, updated):
        return updated.with_changes(args=[42]) if isinstance(updated.func, cst.Name) else updated
    monkeypatch.setattr(keras1.Keras1LayerNames, "leave_Call", unprintable)
    result = migrate_source("from keras.layers.core import Dense\nDense(output_dim=3)\n", target="keras3")
    assert result.code == "from keras.layers import Dense\nDense(output_dim=3)\n"
    assert [(i.rule, i.line) for i in result.issues] == [("keras1_layer_names", 1)]
    assert "rule keras1_layer_names skipped for this file (AttributeError" in result.issues[0].what


def _programs():
    """Every Keras program of the repository: the corpus, the examples, the hostile legacy-file generator."""
    found = []
    for folder in ("tests/migrate_corpus", "examples", "legacy_reference/generate"):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".py"):
                with open(os.path.join(ROOT, folder, name), encoding="utf-8") as handle:
                    found.append((folder + "/" + name, handle.read()))
    return found


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_skipping_untriggered_rules_changes_no_result(target):
    """A rule skipped for its triggers would have changed and reported nothing: every rule run on every file agrees."""
    always = [type(rule.__name__, (rule,), {"triggers": None}) for rule in RULES]
    programs = _programs() + [("formatted.py", FORMATTED)]
    assert len(programs) >= 15
    skipped = 0
    for path, text in programs:
        fast = migrate_module_text(text, target, path)
        full = migrate_module_text(text, target, path, rules=always)
        assert (fast.code, fast.applied, fast.issues, fast.notes) == (full.code, full.applied, full.issues, full.notes), path
        skipped += sum(1 for rule in RULES if target in rule.targets and not rule.triggered_by(text))
    assert skipped > 0


def test_scope_analysis_runs_once_per_file(monkeypatch):
    """The rules of a pass share one analysis, whether they change the tree or not (issue 26: metadata
    computed once per file; before, a change made a new one)."""
    made = []

    class CountedNames(engine.Names):
        def __init__(self, wrapper, code):
            made.append(code)
            super().__init__(wrapper, code)

    monkeypatch.setattr(engine, "Names", CountedNames)
    text = "from keras.layers import Dense, Lambda\nfrom keras.models import Model\nm = Model(inputs=a, outputs=Dense(3)(a))\n"
    result = migrate_source(text, target="keras3")
    assert result.code == text and result.applied == [] and made == [text]
    result = migrate_source(text.replace("inputs=", "input="), target="keras3")
    assert result.code == text and result.applied == ["model_inputs_outputs"] and made[1:] == [
        text.replace("inputs=", "input=")]
