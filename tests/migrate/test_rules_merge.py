"""rules/merge.py: Keras 1's merge(inputs, mode=...) and the Merge layer."""

import pytest

from migrate_helpers import code, issues, migrate


@pytest.mark.parametrize("mode,expected", [
    ("mode='concat', concat_axis=1", "concatenate([a, b], axis=1)"),
    ("mode='concat'", "concatenate([a, b])"),
    ("mode='sum'", "add([a, b])"),
    ("", "add([a, b])"),
    ("mode='mul', name='m'", "multiply([a, b], name='m')"),
    ("mode='ave'", "average([a, b])"),
    ("mode='max'", "maximum([a, b])"),
    ("mode='dot', dot_axes=2", "dot([a, b], axes=2)"),
    ("mode='dot'", "dot([a, b], axes=-1)"),
    ("mode='cos', dot_axes=1", "dot([a, b], axes=1, normalize=True)"),
])
def test_merge_modes(mode, expected):
    src = "from keras.layers import Input, merge\nc = merge([a, b]%s)\n" % ((", " + mode) if mode else "")
    function = expected.split("(")[0]
    assert code(src) == "from keras.layers import Input\nfrom keras.layers import %s\nc = %s\n" % (function, expected)


def test_merge_positional_mode_and_attribute_call():
    assert code("import keras\nc = keras.layers.merge([a, b], 'concat', 2)\n") == \
        "import keras\nc = keras.layers.concatenate([a, b], axis=2)\n"


def test_merge_callable_mode_is_reported_and_import_kept():
    src = "from keras.layers import merge\nc = merge([a, b], mode=lambda x: x[0] - x[1], output_shape=(3,))\n"
    result = migrate(src)
    assert result.code == src
    assert [(i.rule, i.line) for i in result.issues] == [("merge_function", 2)]


def test_merge_layer_class_is_reported():
    assert issues("from keras.layers import Merge\nMerge([m1, m2], mode='concat')\n") == [("merge_function", 2)]
