"""imports.py: the imports rules ask for, added and dropped with LibCST's codemod helpers."""

import libcst as cst
import pytest

from compat_attention.migrate import imports


def _apply(text, add=(), drop=()):
    context = imports.new_context("prog.py")
    for request in add:
        imports.ask_to_add(context, *request)
    for request in drop:
        imports.ask_to_drop(context, *request)
    return imports.apply(cst.parse_module(text), context).code


@pytest.mark.parametrize("text,expected", [
    # after the last top-level import before the first def/class, statements between imports kept in place
    ("import os\nos.environ['KERAS_BACKEND'] = 'jax'\nfrom keras.models import Model\n\n\ndef f():\n    import json\n",
     "import os\nos.environ['KERAS_BACKEND'] = 'jax'\nfrom keras.models import Model\nfrom compat_attention import "
     "AxisSum, AxisMean as mean\n\n\ndef f():\n    import json\n"),
    # after a docstring when there is no import; no blank line added
    ('"""Doc."""\n\nx = 1\n', '"""Doc."""\nfrom compat_attention import AxisSum, AxisMean as mean\n\nx = 1\n'),
    ("x = 1\n", "from compat_attention import AxisSum, AxisMean as mean\nx = 1\n"),
])
def test_new_lines_go_after_the_last_import_in_the_order_asked(text, expected):
    assert _apply(text, add=[("compat_attention", "AxisSum"), ("compat_attention", "AxisMean", "mean"),
                             ("compat_attention", "AxisSum")]) == expected


def test_names_imported_already_are_not_repeated_and_existing_lines_stay_as_written():
    text = "from keras.layers import Input   # mine\nfrom keras import backend as K\n"
    out = _apply(text, add=[("keras.layers", "Input"), ("keras", "backend", "K"), ("keras.layers", "add")])
    assert out == text + "from keras.layers import add\n"


def test_drop_only_what_nothing_reads():
    text = "from keras.layers import Input, merge, Dense\nfrom keras.layers import concatenate\nDense(Input)\n"
    out = _apply(text, drop=[("keras.layers", "merge"), ("keras.layers", "Dense"), ("keras.layers", "concatenate")])
    assert out == "from keras.layers import Input, Dense\nDense(Input)\n"
