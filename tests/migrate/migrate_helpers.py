"""Shared helpers of the migrate tests."""

import textwrap

from compat_attention.migrate import migrate_source


def migrate(source, target="keras3", modules=None):
    """Migrate dedented ``source``; returns the MigrationResult."""
    return migrate_source(textwrap.dedent(source), target=target, path="prog.py", modules=modules)


def code(source, target="keras3", modules=None):
    """The migrated text, after checking that it has no issues and is stable when migrated again."""
    result = migrate(source, target, modules)
    assert result.issues == [], [i.format() for i in result.issues]
    again = migrate_source(result.code, target=target, path="prog.py", modules=modules)
    assert again.code == result.code, "not idempotent:\n" + again.code
    return result.code


def issues(source, target="keras3", modules=None):
    """The (rule, line) pairs reported."""
    return [(i.rule, i.line) for i in migrate(source, target, modules).issues]


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
