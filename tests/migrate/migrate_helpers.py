"""Shared helpers of the migrate tests."""

import textwrap

from compat_attention.migrate import migrate_source


#: The rule tests state each rule's own rewrite, so by default they migrate with
#: ``modern_defaults=True``: no 2017 pin (``legacy_layer_defaults``, ``legacy_optimizers``) is
#: added to their expected code. The pins, the tool's default, are tested with ``modern=False``
#: (``test_rules_defaults.py``, ``test_rules_optimizers.py``) and by the CLI and corpus tests.
MODERN = True


def migrate(source, target="keras3", modules=None, modern=MODERN):
    """Migrate dedented ``source``; returns the MigrationResult."""
    return migrate_source(textwrap.dedent(source), target=target, path="prog.py", modules=modules,
                          modern_defaults=modern)


def code(source, target="keras3", modules=None, modern=MODERN):
    """The migrated text, after checking that it has no issues and is stable when migrated again."""
    result = migrate(source, target, modules, modern)
    assert result.issues == [], [i.format() for i in result.issues]
    again = migrate_source(result.code, target=target, path="prog.py", modules=modules, modern_defaults=modern)
    assert again.code == result.code, "not idempotent:\n" + again.code
    assert not (not modern and again.notes), ["re-pinned: " + n.format() for n in again.notes]
    return result.code


def issues(source, target="keras3", modules=None, modern=MODERN):
    """The (rule, line) pairs reported."""
    return [(i.rule, i.line) for i in migrate(source, target, modules, modern).issues]


def notes(source, target="keras3", modern=False):
    """The (rule, line, what) of each 2017 pin noted."""
    return [(n.rule, n.line, n.what) for n in migrate(source, target, modern=modern).notes]


def dedent(text):
    return textwrap.dedent(text)


#: A Keras 1/2.0 program with odd formatting and comments everywhere (the engine and pipeline tests).
FORMATTED = textwrap.dedent('''\
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
