"""rules/backend.py: keras.backend as Keras 2.0 code used it."""

from migrate_helpers import code, migrate


def test_backend_alias_forms_on_keras3():
    assert code("from keras import backend as K\nK.mean(1)\n") == \
        "from compat_attention.legacy import backend as K\nK.mean(1)\n"
    assert code("import keras.backend as K\nK.sum(1)\n") == \
        "from compat_attention.legacy import backend as K\nK.sum(1)\n"
    assert code("from keras import backend, layers\nbackend.sum(1)\n") == \
        "from keras import layers\nfrom compat_attention.legacy import backend\nbackend.sum(1)\n"
    assert code("from keras.backend import mean, equal\n") == \
        "from compat_attention.legacy.backend import mean, equal\n"
    assert code("import keras\nkeras.backend.mean(1)\n") == \
        "import keras\nfrom compat_attention.legacy import backend as legacy_backend\nlegacy_backend.mean(1)\n"


def test_backend_untouched_on_keras2_but_tf1_names_reported():
    src = "from keras import backend as K\nK.mean(1)\nK.set_session(None)\n"
    result = migrate(src, "keras2")
    assert result.code == src
    assert [(i.rule, i.line, i.what) for i in result.issues] == [("keras_backend", 3, "K.set_session")]


def test_backend_names_missing_from_legacy_are_reported_with_line():
    result = migrate("from keras import backend as K\n\nx = K.tf.Print(1)\ny = K.mean(2)\n")
    assert [(i.line, i.what) for i in result.issues] == [(3, "K.tf")]
    line = result.issues[0].format()
    assert line.startswith("prog.py:3: K.tf (keras_backend): ") and "import tensorflow as tf" in line
    # still reported once the import points at compat_attention (so --check on migrated code keeps failing)
    assert [(i.line, i.what) for i in migrate(result.code).issues] == [(3, "K.tf")]


def test_the_report_names_the_swapped_k_not_keras_3s_backend():
    # before: "Keras 3's backend has no backend" (untrue: keras.backend.backend() exists on Keras 3)
    line = migrate("from keras import backend as K\nname = K.backend()\n").issues[0].format()
    assert line.startswith("prog.py:2: K.backend (keras_backend): on Keras 3 this K is compat_attention.legacy.backend")
    assert "which has no backend" in line and "Keras 3's backend has no" not in line


def test_k_eval_is_provided_on_keras3():
    assert migrate("from keras import backend as K\nv = K.eval(x)\n").issues == []
