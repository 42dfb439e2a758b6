"""The pipeline as a whole: formatting kept, idempotence, parse errors, the rule registry, the API."""

import os
import subprocess
import sys

import pytest

from compat_attention.migrate import RULES, migrate_source, resolve_target
from migrate_helpers import dedent

FORMATTED = dedent('''\
    #!/usr/bin/env python
    # -*- coding: utf-8 -*-
    """Docstring stays."""
    from keras.models import Sequential   # trailing comment
    from keras.layers.core import Dense
    from keras.optimizers import SGD


    def build(n_hidden = 8):   # odd spacing kept
        model = Sequential()
        model.add(Dense(output_dim = n_hidden,     # comment inside the call
                        init = 'uniform',
                        activation = "relu",
                        ))
        sgd = SGD(lr = 0.1,
                  momentum = 0.9)  # comment after
        model.compile(loss='mse',
                      optimizer=sgd)
        return model
    ''')


def test_formatting_and_comments_survive():
    out = migrate_source(FORMATTED, target="keras3").code
    assert out == FORMATTED.replace("from keras.layers.core import Dense", "from keras.layers import Dense") \
        .replace("output_dim = n_hidden", "units = n_hidden").replace("init = 'uniform'", "kernel_initializer = 'uniform'") \
        .replace("lr = 0.1", "learning_rate = 0.1")


def test_untouched_code_is_byte_identical():
    src = "import numpy as np\r\nx = np.zeros( (3,) )   # crlf and spacing\r\n"
    result = migrate_source(src, target="keras3")
    assert result.code == src and not result.changed and result.applied == [] and result.issues == []


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_migrating_twice_changes_nothing(target):
    first = migrate_source(FORMATTED, target=target)
    second = migrate_source(first.code, target=target)
    assert first.changed and second.code == first.code and second.applied == []


def test_python2_file_gets_one_report_line_with_its_line():
    src = "import keras\n\nprint 'training'\nx = 1\n"
    result = migrate_source(src, target="keras3", path="old.py")
    assert result.code == src
    assert len(result.issues) == 1
    issue = result.issues[0]
    assert (issue.path, issue.line, issue.rule) == ("old.py", 3, "parse")
    assert issue.format().startswith("old.py:3: this file does not parse as Python 3")


def test_each_rule_is_named_with_its_fact_and_targets():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)) >= 15
    for r in RULES:
        assert r.fact.endswith(".") and len(r.fact) > 40, r.name
        assert set(r.targets) <= {"keras2", "keras3"} and r.targets


def test_applied_lists_rules_in_pipeline_order():
    result = migrate_source(FORMATTED, target="keras3")
    assert result.applied == ["keras1_layer_names", "optimizer_lr_decay", "moved_keras_modules"]


def test_targets():
    assert resolve_target("keras2") == "keras2"
    assert resolve_target("auto") in ("keras2", "keras3")
    with pytest.raises(ValueError):
        migrate_source("x = 1\n", target="keras4")


def _python(code):
    """Run ``code`` in a fresh interpreter from the repository root; returns its stdout."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=dict(os.environ, PYTHONPATH=root),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_rules_do_not_import_keras():
    """``import compat_attention.migrate`` and a whole migration import no Keras, no TensorFlow, no backend."""
    out = _python(
        "import sys\n"
        "import compat_attention.migrate as m\n"
        "assert m.resolve_target('auto') in ('keras2', 'keras3')  # read from package metadata\n"
        "r = m.migrate_source('from keras import backend as K\\nK.mean(1)\\n', target='keras3')\n"
        "assert r.code.startswith('from compat_attention.legacy import backend as K'), r.code\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('keras', 'tensorflow', 'tf_keras', 'jax', 'torch')))\n")
    assert out.strip() == "[]"


def test_the_package_imported_after_migrate_registers_its_classes_on_first_use():
    """``import compat_attention`` registers every class with Keras; after a Keras-free start, the first public name does."""
    registered = "keras.utils.get_registered_object('compat_attention>AxisMean') is not None"
    out = _python(
        "import sys\n"
        "import compat_attention.migrate\n"
        "import compat_attention\n"
        "print('keras' in sys.modules)\n"
        "from compat_attention._keras.flavour import keras\n"
        "print(%s)\n"
        "decoder = compat_attention.AttentionDecoder\n"
        "print(%s)\n" % (registered, registered))
    assert out.split() == ["False", "False", "True"]
    plain = _python("import compat_attention\nfrom compat_attention._keras.flavour import keras\nprint(%s)\n" % registered)
    assert plain.strip() == "True"


def test_a_failing_rule_costs_one_report_not_the_run(monkeypatch):
    from compat_attention.migrate.rules import keras1

    def boom(self, original, updated):
        raise RuntimeError("unexpected shape")
    monkeypatch.setattr(keras1.Keras1LayerNames, "leave_Call", boom)
    result = migrate_source("from keras.layers.core import Dense\nDense(output_dim=3)\n", target="keras3")
    assert result.code == "from keras.layers import Dense\nDense(output_dim=3)\n"
    assert [(i.rule, i.line) for i in result.issues] == [("keras1_layer_names", 1)]
    assert "RuntimeError: unexpected shape" in result.issues[0].what
